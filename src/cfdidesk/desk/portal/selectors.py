"""Reads for the portal: a company's tickets and what of a ticket's history the customer may see."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from ..models import OPEN_STATUSES, Attachment, Status, Ticket, TicketEvent
from ..tickets.selectors import timeline

CLOSED_STATUSES = (Status.RESOLVED, Status.CLOSED)
STATES = {"abiertos": OPEN_STATUSES, "cerrados": CLOSED_STATUSES}
# What a customer may ever see of the timeline. Internal notes, field changes and protocol marks never.
VISIBLE_KINDS = frozenset(
    {
        TicketEvent.Kind.CREATED,
        TicketEvent.Kind.REPLY,
        TicketEvent.Kind.CUSTOMER_REPLY,
        TicketEvent.Kind.ATTACHMENT,
    }
)


def company_tickets(*, company_id: int, state: str = "") -> QuerySet[Ticket]:
    """The company's tickets, newest first; state "abiertos", "cerrados" or anything else for all."""
    qs = Ticket.objects.filter(company_id=company_id)
    if state in STATES:
        qs = qs.filter(status__in=STATES[state])
    return (
        qs.select_related("contact")
        .only(
            "number",
            "subject",
            "status",
            "priority",
            "affects_operation",
            "created_at",
            "updated_at",
            "contact__name",
        )
        .order_by("-created_at", "-id")
    )


def company_ticket_counts(*, company_id: int) -> dict[str, int]:
    """How many tickets the company has open, closed and in all, in one query."""
    counts = Ticket.objects.filter(company_id=company_id).aggregate(
        abiertos=Count("id", filter=Q(status__in=OPEN_STATUSES)),
        cerrados=Count("id", filter=Q(status__in=CLOSED_STATUSES)),
        todos=Count("id"),
    )
    return {k: v or 0 for k, v in counts.items()}


@dataclass
class PublicEvent:
    kind: str
    label: str
    created_at: dt.datetime
    author: str
    from_support: bool
    badge: str = ""
    body: str = ""
    attachments: list[Attachment] = field(default_factory=list)
    status_from: str = ""
    status_to: str = ""


def _author(event: TicketEvent, ticket: Ticket, contact_user_ids: set[int]) -> tuple[str, bool]:
    """Who wrote it, as the customer should read it, and whether it came from support."""
    if event.kind == TicketEvent.Kind.CREATED:  # the report itself, whoever typed it in
        return (ticket.contact.name if ticket.contact else "") or _("Cliente"), False
    if event.kind == TicketEvent.Kind.CUSTOMER_REPLY:
        return (event.data or {}).get("contact") or _("Cliente"), False
    actor = event.actor
    if actor is not None and actor.pk in contact_user_ids:
        return actor.get_full_name() or _("Cliente"), False
    return (actor.get_full_name() if actor else "") or _("Soporte"), True


def public_timeline(ticket: Ticket) -> list[PublicEvent]:
    """The public timeline (replies both ways, attachments) plus status moves shown without their reasons.

    Status changes are not public events, and the reason a consultant types may be internal, so the
    customer sees only "from → to". Internal notes are never read here.
    """
    contact_user_ids = set(
        ticket.company.contacts.exclude(user__isnull=True).values_list("user_id", flat=True)
    )
    items = []
    for e in timeline(ticket, public_only=True).filter(kind__in=VISIBLE_KINDS):
        author, from_support = _author(e, ticket, contact_user_ids)
        if e.kind == TicketEvent.Kind.CREATED:
            badge = _("Reporte")
        elif from_support:
            badge = _("Soporte") if author != _("Soporte") else ""
        else:
            badge = _("Cliente")
        items.append(
            PublicEvent(
                kind=e.kind,
                label=e.get_kind_display(),
                created_at=e.created_at,
                author=author,
                from_support=from_support,
                badge=badge,
                body=e.body,
                attachments=list(e.attachments.all()),
            )
        )
    status_events = ticket.events.filter(kind=TicketEvent.Kind.STATUS).order_by("created_at", "id")
    for e in status_events:
        data = e.data or {}
        items.append(
            PublicEvent(
                kind=e.kind,
                label=_("Cambio de estado"),
                created_at=e.created_at,
                author="",
                from_support=True,
                status_from=_status_label(data.get("from")),
                status_to=_status_label(data.get("to")),
            )
        )
    items.sort(key=lambda item: item.created_at)
    return items


def _status_label(code) -> str:
    return str(Status(code).label) if code in Status.values else ""


def public_attachment(ticket: Ticket, pk: int) -> Attachment | None:
    """An attachment the customer may download: on a public, customer-visible event of this ticket
    or of a ticket merged into it (the same company's: merging never crosses companies)."""
    return (
        Attachment.objects.filter(Q(ticket=ticket) | Q(ticket__merged_into=ticket))
        .filter(pk=pk, event__is_public=True, event__kind__in=VISIBLE_KINDS)
        .first()
    )
