"""What a customer may see of a ticket's history, for the portal pages and the portal's API."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from ..models import Attachment, Status, Ticket, TicketEvent
from .selectors import timeline

# What a customer may ever see of the timeline. Internal notes, field changes and protocol marks never.
VISIBLE_KINDS = frozenset(
    {
        TicketEvent.Kind.CREATED,
        TicketEvent.Kind.REPLY,
        TicketEvent.Kind.CUSTOMER_REPLY,
        TicketEvent.Kind.ATTACHMENT,
    }
)


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


def public_event(event: TicketEvent, ticket: Ticket) -> PublicEvent:
    """One entry as the customer reads it (a reply or attachments just written)."""
    contact_user_ids = set(
        ticket.company.contacts.exclude(user__isnull=True).values_list("user_id", flat=True)
    )
    author, from_support = _author(event, ticket, contact_user_ids)
    return PublicEvent(
        kind=event.kind,
        label=event.get_kind_display(),
        created_at=event.created_at,
        author=author,
        from_support=from_support,
        body=event.body,
        attachments=list(event.attachments.all()),
    )
