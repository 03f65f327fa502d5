"""Reads of the customer catalog: search, list pages, export."""

from __future__ import annotations

import re

from django.db.models import Q, QuerySet

from cfdidesk.accounts.roles import PORTAL, roles_of
from cfdidesk.sat.rfc import normalize_rfc

from . import csv_format
from .models import Company, Contact, ImportJob
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


def portal_contact_of(user) -> Contact | None:
    """The contact a signed-in user stands for in the portal: a user with the portal role and a
    linked contact; None for anyone else (staff, anonymous, a portal user with no contact)."""
    if PORTAL not in roles_of(user):
        return None
    return getattr(user, "contact", None)


def companies_by_email(address: str, *, active_only: bool = False) -> QuerySet[Company]:
    """The companies that use `address` as their main or one of their extra e-mails (stored lower
    case, so matched lower case): one lookup per e-mail column's index."""
    address = (address or "").strip().lower()
    if not address:
        return Company.objects.none()
    companies = Company.objects.filter(Q(email=address) | Q(email_2=address) | Q(email_3=address))
    return companies.filter(is_active=True) if active_only else companies
