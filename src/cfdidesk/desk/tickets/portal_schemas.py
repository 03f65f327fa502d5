"""What the API gives a portal contact: the fields the portal pages show, never support's own
(assignee, team, escalation, protocol, the customer's mood, SLA internals, internal entries)."""

from __future__ import annotations

from datetime import datetime

from ninja import Field, Schema

from ..models import Ticket
from .public_timeline import PublicEvent


class PortalReferenceOut(Schema):
    kind: str = Field(description="movement, folio, uuid u other")
    value: str


class PortalTicketOut(Schema):
    """A ticket as its company's contacts see it in the portal."""

    number: str
    subject: str
    description: str
    kind: str = Field(description="incident o request")
    kind_label: str
    status: str
    status_label: str
    priority: int
    priority_label: str
    affects_operation: bool
    contact_name: str | None = Field(description="Quién lo reportó")
    references: list[PortalReferenceOut]
    created_at: datetime
    updated_at: datetime


class PortalTicketPage(Schema):
    items: list[PortalTicketOut]
    page: int
    has_next: bool


class PortalEventOut(Schema):
    """An entry of the public conversation: replies both ways, attachments and status moves
    (without the reason support typed)."""

    kind: str = Field(description="created, reply, customer_reply, attachment o status")
    label: str
    author: str
    from_support: bool
    body: str
    created_at: datetime
    attachments: list[str]
    status_from: str = Field(description="Solo en cambios de estado: el estado anterior")
    status_to: str = Field(description="Solo en cambios de estado: el estado nuevo")


def portal_ticket_out(ticket: Ticket) -> dict:
    return {
        "number": ticket.number,
        "subject": ticket.subject,
        "description": ticket.description,
        "kind": ticket.kind,
        "kind_label": str(ticket.get_kind_display()),
        "status": ticket.status,
        "status_label": str(ticket.get_status_display()),
        "priority": ticket.priority,
        "priority_label": str(ticket.get_priority_display()),
        "affects_operation": ticket.affects_operation,
        "contact_name": ticket.contact.name if ticket.contact else None,
        "references": [{"kind": r.kind, "value": r.value} for r in ticket.references.all()],
        "created_at": ticket.created_at,
        "updated_at": ticket.updated_at,
    }


def portal_event_out(event: PublicEvent) -> dict:
    return {
        "kind": event.kind,
        "label": str(event.label),
        "author": event.author,
        "from_support": event.from_support,
        "body": event.body,
        "created_at": event.created_at,
        "attachments": [a.filename for a in event.attachments],
        "status_from": event.status_from,
        "status_to": event.status_to,
    }
