"""Reads of tickets: the staff list with its filters and search, the timeline."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db.models import F, IntegerField, Prefetch, Q, QuerySet
from django.db.models.functions import Cast
from django.db.models.lookups import IsNull
from django.utils import timezone

from cfdidesk.accounts.selectors import staff_users
from cfdidesk.customers.models import Company, Contact
from cfdidesk.customers.rules import search_key
from cfdidesk.customers.selectors import companies_by_email, company_search_filter
from cfdidesk.sat.rfc import normalize_rfc

from ..models import (
    OPEN,
    Attachment,
    CannedReply,
    Category,
    Macro,
    Priority,
    Team,
    Ticket,
    TicketEvent,
    TicketLink,
    TicketReference,
)
from ..sla.selectors import STATE_OF_SLUG, sla_state_filter
from ..tags.selectors import all_tags, tickets_with_tag

_NUMBER = re.compile(r"^#?(\d{4})-(\d{1,6})$")
_RFC_LIKE = re.compile(r"^[A-ZÑ&]{3,4}\d{6}[A-Z0-9]{3}$")
SORTS = {
    # What needs attention (the default of the open views): running SLA target first, soonest due
    # first, then priority, then age; read in order from the ticket_open_attention index.
    "atencion": (
        IsNull(F("sla_due"), True).asc(),
        F("sla_due").asc(),
        "priority",
        "created_at",
        "id",
    ),
    "recientes": ("-created_at", "-id"),
    "antiguos": ("created_at", "id"),
    "prioridad": ("priority", "created_at", "id"),
    "actualizados": ("-updated_at", "-id"),
    # Only tickets whose SLA clock runs have a due instant; this sort lists just those.
    "vencimiento": ("sla_due", "id"),
}
DEFAULT_SORT = "recientes"
VIEWS = ("mios", "sin-asignar", "criticos", "abiertos", "todos")
# The open views show what needs attention first; "todos" (mostly closed tickets) the newest.
OPEN_VIEWS_SORT = "atencion"


def default_sort(view: str) -> str:
    return DEFAULT_SORT if view == "todos" else OPEN_VIEWS_SORT


def ticket_search_filter(query: str) -> Q:
    """Each kind of text uses its own index; only plain words fall back to scanning subjects.

    Ticket number, contact or company e-mail, RFC, and references (movement ids, series-folio,
    UUIDs: any single token with a digit) are exact index lookups.
    """
    text = (query or "").strip()
    if not text:
        return Q()
    if match := _NUMBER.match(text):
        return Q(number=f"{match.group(1)}-{int(match.group(2)):06d}")
    if "@" in text:
        address = text.lower()
        # Resolved to ids first (a handful): an OR of two sub-selects would make the database scan every ticket.
        contacts = list(Contact.objects.filter(email=address).values_list("pk", flat=True)[:100])
        companies = list(companies_by_email(address).values_list("pk", flat=True)[:100])
        return Q(contact_id__in=contacts) | Q(company_id__in=companies)
    rfc = normalize_rfc(text)
    if _RFC_LIKE.match(rfc):
        return Q(company__in=Company.objects.filter(rfc=rfc).values("pk"))
    if " " not in text and any(c.isdigit() for c in text):
        values = {text, text.upper()}
        return Q(pk__in=TicketReference.objects.filter(value__in=values).values("ticket_id"))
    return Q(subject__icontains=text) | Q(
        company__in=Company.objects.filter(search_name__contains=search_key(text)).values("pk")
    )


def ticket_list(
    *,
    user,
    view: str = "abiertos",
    query: str = "",
    status: str = "",
    priority: str = "",
    team: str = "",
    assignee: str = "",
    company: str = "",
    category: str = "",
    sort: str = DEFAULT_SORT,
    sla: str = "",
    tag: str = "",
    now=None,
) -> QuerySet[Ticket]:
    """Filtered and sorted tickets with what every list shows (company, consultant, category).

    Each view filters on the stored `is_open` flag, never on a list of statuses, so the database
    reads the page straight from one of Ticket's indexes.
    """
    qs, is_open = _open_filter(Ticket.objects.all(), sort=sort, company=company)
    qs = qs.filter(_view_filter(view, user, is_open))
    for field, value in (
        ("status", status),
        ("priority", priority),
        ("team_id", team),
        ("assignee_id", assignee),
        ("company_id", company),
        ("category_id", category),
    ):
        if value:
            qs = qs.filter(**{field: value})
    if tag:
        qs = qs.filter(pk__in=tickets_with_tag(int(tag)))
    if query:
        qs = qs.filter(ticket_search_filter(query))
    if sla or sort == "vencimiento":
        qs = qs.filter(sla_state_filter(STATE_OF_SLUG.get(sla, ""), now or timezone.now()))
    return qs.select_related("company", "assignee", "category").order_by(
        *SORTS.get(sort, SORTS[DEFAULT_SORT])
    )


def _open_filter(qs: QuerySet[Ticket], *, sort: str, company: str) -> tuple[QuerySet[Ticket], Q]:
    """How the list asks for open tickets, so the database takes the short way to the page."""
    # A running SLA target implies an open ticket: sorted by due date the open flag is left out, so
    # the database walks the SLA index in order (for the SLA filters, walking the open tickets in
    # the page's order and checking each is faster: measured in bench/tickets_pages.py).
    if sort == "vencimiento":
        return qs, Q()
    if company and sort == "atencion":
        # One company's open tickets are few: read them from the company's index and sort them,
        # rather than walk every open ticket in queue order (the open flag checked row by row).
        return qs.alias(open_flag=Cast("is_open", IntegerField())), Q(open_flag=1)
    return qs, OPEN


def _view_filter(view: str, user, is_open: Q) -> Q:
    if view == "mios":
        return is_open & Q(assignee=user)
    if view == "sin-asignar":
        return is_open & Q(assignee__isnull=True)
    if view == "criticos":
        return is_open & Q(priority=Priority.CRITICAL)
    if view == "abiertos":
        return is_open
    return Q()


# Long texts the staff list never shows: left out of its rows.
LIST_DEFERRED = ("description", "exact_messages", "steps_before", "protocol_done")


def list_rows(tickets: QuerySet[Ticket], *, team: bool, merged: bool) -> QuerySet[Ticket]:
    """What each row of the staff list shows besides the ticket: its tags (one query for the page,
    as a plain list: `tag_list`), and only when asked its team and the number it was merged into
    (merged tickets are closed: the open views never show one, nor pay for the join)."""
    rows = tickets.defer(*LIST_DEFERRED).prefetch_related(
        Prefetch("tags", queryset=all_tags(), to_attr="tag_list")
    )
    if team:
        rows = rows.select_related("team")
    if merged:
        rows = rows.annotate(merged_number=F("merged_into__number"))
    return rows


def timeline(ticket: Ticket, *, public_only: bool = False) -> QuerySet[TicketEvent]:
    """The ticket's entries and those of the tickets merged into it (each with `ticket_number`)."""
    merged = merged_ids(ticket)
    events = (
        TicketEvent.objects.filter(ticket_id__in=[ticket.pk, *merged]).annotate(
            ticket_number=F("ticket__number")
        )
        if merged
        else ticket.events.all()
    )
    events = (
        events.select_related("actor").prefetch_related("attachments").order_by("created_at", "id")
    )
    return events.filter(is_public=True) if public_only else events


def merged_ids(ticket: Ticket) -> list[int]:
    """The tickets merged into this one (a few at most; read from a partial index)."""
    return list(Ticket.objects.filter(merged_into=ticket).values_list("pk", flat=True))


def merged_tickets(ticket: Ticket) -> QuerySet[Ticket]:
    return Ticket.objects.filter(merged_into=ticket).only("number", "subject").order_by("id")


def linked_tickets(ticket: Ticket) -> QuerySet[Ticket]:
    """The tickets related to this one, whichever side the link was made from: their ids first (two
    small index reads), then the tickets by primary key. (One query with `id IN (…) OR id IN (…)`
    makes PostgreSQL filter every ticket.)"""
    pairs = TicketLink.objects.filter(Q(low=ticket) | Q(high=ticket)).values_list(
        "low_id", "high_id"
    )
    others = [high if low == ticket.pk else low for low, high in pairs]
    return (
        Ticket.objects.filter(pk__in=others)
        .only("number", "subject", "status", "company_id", "merged_into_id")
        .order_by("id")
    )


def ticket_by_number(number: str) -> Ticket | None:
    """A ticket typed by its number as people write it ("2026-000123", "#2026-123")."""
    text = (number or "").strip()
    if match := _NUMBER.match(text):
        text = f"{match.group(1)}-{int(match.group(2)):06d}"
    return Ticket.objects.filter(number=text).first()


def desk_summary(*, user) -> dict[str, int]:
    """The home page's figures: each is a count over an indexed slice of the open tickets."""
    open_tickets = Ticket.objects.filter(OPEN)
    return {
        "open": open_tickets.count(),
        "critical": open_tickets.filter(priority=Priority.CRITICAL).count(),
        "unassigned": open_tickets.filter(assignee__isnull=True).count(),
        "mine": open_tickets.filter(assignee=user).count(),
    }


def active_teams() -> QuerySet[Team]:
    return Team.objects.filter(is_active=True)


def active_categories(*, kind: str | None = None) -> QuerySet[Category]:
    categories = Category.objects.filter(is_active=True)
    return categories.filter(kind=kind) if kind else categories


def active_canned_replies() -> QuerySet[CannedReply]:
    return CannedReply.objects.filter(is_active=True)


def canned_reply(pk: int | None) -> CannedReply | None:
    return active_canned_replies().filter(pk=pk).first() if pk else None


def active_macros() -> QuerySet[Macro]:
    return Macro.objects.filter(is_active=True).order_by("name")


def active_macro(pk: int | None) -> Macro | None:
    return active_macros().filter(pk=pk).first() if pk else None


def team_by_id(pk: int | None) -> Team | None:
    return Team.objects.filter(pk=pk).first() if pk else None


def category_by_id(pk: int | None) -> Category | None:
    return Category.objects.filter(pk=pk).first() if pk else None


def staff_user_by_id(pk: int | None):
    return staff_users().filter(pk=pk).first() if pk else None


def company_suggestions(query: str, *, limit: int = 10) -> list[Company]:
    """Active companies whose name, RFC, e-mail or postal code starts like `query` (2+ characters)."""
    query = (query or "").strip()
    if len(query) < 2:
        return []
    return list(
        Company.objects.filter(is_active=True)
        .filter(company_search_filter(query))
        .order_by("legal_name")[:limit]
    )


def recent_emails(ticket: Ticket, *, limit: int = 20):
    return ticket.outbound_emails.order_by("-created_at", "-id")[:limit]


def ticket_attachment(ticket: Ticket, pk: int):
    """One of the ticket's attachments, or of a ticket merged into it (None otherwise)."""
    attachment = ticket.attachments.filter(pk=pk).first()
    if attachment is None:
        attachment = Attachment.objects.filter(pk=pk, ticket__merged_into=ticket).first()
    return attachment


@dataclass(frozen=True)
class CompanyTickets:
    open: list[Ticket]
    open_count: int
    recent: list[Ticket]
    total: int


def company_ticket_overview(*, company_id: int, limit: int = 8) -> CompanyTickets:
    """A company's open tickets (newest first) and latest tickets, with how many of each: four
    index reads (ticket_company_open, ticket_company) at any number of tickets."""
    tickets = Ticket.objects.filter(company_id=company_id)
    shown = tickets.select_related("assignee").defer(*LIST_DEFERRED).order_by("-created_at", "-id")
    # is_open=True, as the partial index is written: its condition must appear as such.
    open_tickets = tickets.filter(is_open=True)
    return CompanyTickets(
        open=list(shown.filter(is_open=True)[:limit]),
        open_count=open_tickets.count(),
        recent=list(shown[:limit]),
        total=tickets.count(),
    )
