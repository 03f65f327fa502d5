"""The tickets panel of the customer 360 page (customers.panels): open and latest tickets."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone

from cfdidesk.accounts.roles import has_capability
from cfdidesk.customers.panels import CompanyPanel

from .selectors import company_ticket_overview


def _list_url(**params) -> str:
    return f"{reverse('desk:list')}?{urlencode(params)}"


def tickets_panel(company, user) -> dict | None:
    if not has_capability(user, "tickets.view"):
        return None
    return {
        "company": company,
        "tickets": company_ticket_overview(company_id=company.pk),
        "open_url": _list_url(vista="abiertos", company=company.pk),
        "all_url": _list_url(vista="todos", company=company.pk),
        "now": timezone.now(),
    }


PANEL = CompanyPanel(
    key="tickets", template="desk/_company_tickets.html", context=tickets_panel, order=10
)
