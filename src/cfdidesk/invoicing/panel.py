"""The invoicing panel of the customer 360 page (customers.panels): environments, documents by
state and the stamp balance of each emitter RFC."""

from __future__ import annotations

from cfdidesk.accounts.roles import has_capability
from cfdidesk.customers.panels import CompanyPanel

from .selectors import company_environments


def invoicing_panel(company, user) -> dict | None:
    if not has_capability(user, "invoicing.view"):
        return None
    return {
        "environments": company_environments(company_id=company.pk),
        "can_manage": has_capability(user, "invoicing.manage"),
    }


PANEL = CompanyPanel(
    key="invoicing", template="invoicing/_company_invoicing.html", context=invoicing_panel, order=60
)
