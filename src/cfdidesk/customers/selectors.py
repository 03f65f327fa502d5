"""Reads of the customer catalog: search, list pages, export, lookups by e-mail and by user."""

from __future__ import annotations

import re

from django.db.models import Q, QuerySet

from cfdidesk.accounts.roles import PORTAL, roles_of
from cfdidesk.sat.rfc import normalize_rfc

from . import csv_format
from .models import Company, Contact, ImportJob, ImportRowIssue
from .rules import search_key

SORTS = {
    "nombre": ("legal_name", "id"),
    "-nombre": ("-legal_name", "-id"),
    "rfc": ("rfc", "id"),
    "-rfc": ("-rfc", "-id"),
    "cp": ("postal_code", "id"),
    "-cp": ("-postal_code", "-id"),
    "alta": ("created_at", "id"),
    "-alta": ("-created_at", "-id"),
}
DEFAULT_SORT = "nombre"
_RFC_PREFIX = re.compile(r"^[A-ZÑ&]{3,4}[0-9]{0,6}[0-9A-Z]{0,3}$")
_DIGITS = re.compile(r"^[0-9]{1,5}$")
LIST_COLUMNS = (
    "id",
    "legal_name",
    "trade_name",
    "rfc",
    "person_type",
    "tax_regime",
    "cfdi_use",
    "email",
    "email_2",
    "email_3",
    "postal_code",
    "is_active",
)


def company_search_filter(query: str) -> Q:
    """One box over RFC, e-mails, postal code and names; each kind of text uses its own index.

    An RFC-shaped text is an RFC prefix, text with @ an e-mail prefix, up to five digits a
    postal code prefix; anything else matches legal or trade names (accents and case ignored).
    """
    text = (query or "").strip()
    if not text:
        return Q()
    if "@" in text:
        e = text.lower()
        return Q(email__prefix=e) | Q(email_2__prefix=e) | Q(email_3__prefix=e)
    if _DIGITS.match(text):
        return Q(postal_code__prefix=text)
    rfc = normalize_rfc(text)
    has_digit = any(c.isdigit() for c in rfc)
    if _RFC_PREFIX.match(rfc) and has_digit:
        return Q(rfc__prefix=rfc)
    name = Q(search_name__contains=search_key(text))
    if _RFC_PREFIX.match(rfc):  # letters only: could be the start of an RFC or a name
        return name | Q(rfc__prefix=rfc)
    return name


def company_list(
    *, query: str = "", sort: str = DEFAULT_SORT, archived: bool = False
) -> QuerySet[Company]:
    order = SORTS.get(sort, SORTS[DEFAULT_SORT])
    return (
        Company.objects.filter(is_active=not archived)
        .filter(company_search_filter(query))
        .order_by(*order)
        .only(*LIST_COLUMNS)
    )


def export_rows():
    """Every company, in template column order, streamed from the database in chunks."""
    return Company.objects.order_by("id").values_list(*csv_format.FIELDS).iterator(chunk_size=5000)


def import_jobs(*, user=None) -> QuerySet[ImportJob]:
    return ImportJob.objects.select_related("created_by").order_by("-created_at", "-id")


def import_job_issues(*, job: ImportJob) -> QuerySet[ImportRowIssue]:
    """The errors and warnings of a bulk load, in file order."""
    return job.issues.order_by("row_number", "id")


def import_job_error_count(*, job: ImportJob) -> int:
    return job.issues.filter(severity=ImportRowIssue.Severity.ERROR).count()


def company_contacts(*, company: Company) -> QuerySet[Contact]:
    """The company's contacts, by name, with their portal account (if any)."""
    return company.contacts.select_related("user")


def companies_by_email(address: str, *, active_only: bool = False) -> QuerySet[Company]:
    """The companies that use this e-mail address: as main e-mail or as one of the two extra ones.

    Case is ignored as the catalog stores it: every e-mail is saved lower-case
    (rules.normalize_values, for forms, API and import alike), so the address is lowered here and
    each column is compared whole, which its own index answers (no LOWER() on the column). An empty
    address matches nobody, although the extra e-mails of most companies are empty.
    """
    address = (address or "").strip().lower()
    if not address:
        return Company.objects.none()
    companies = Company.objects.filter(Q(email=address) | Q(email_2=address) | Q(email_3=address))
    return companies.filter(is_active=True) if active_only else companies


def portal_contact_of(user) -> Contact | None:
    """The contact a portal user signs in as; None for anyone else (staff, no portal role, or a
    portal user not linked to a contact)."""
    if PORTAL not in roles_of(user):
        return None
    return getattr(user, "contact", None)
