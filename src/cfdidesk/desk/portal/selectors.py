"""Reads for the portal: a company's tickets and what of a ticket's history the customer may see."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from ..models import OPEN_STATUSES, Attachment, Status, Ticket
from ..tickets.public_timeline import VISIBLE_KINDS
from ..tickets.public_timeline import PublicEvent as PublicEvent
from ..tickets.public_timeline import public_timeline as public_timeline

CLOSED_STATUSES = (Status.RESOLVED, Status.CLOSED)
STATES = {"abiertos": OPEN_STATUSES, "cerrados": CLOSED_STATUSES}


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


def public_attachment(ticket: Ticket, pk: int) -> Attachment | None:
    """An attachment the customer may download: on a public, customer-visible event of this ticket
    or of a ticket merged into it (the same company's: merging never crosses companies)."""
    return (
        Attachment.objects.filter(Q(ticket=ticket) | Q(ticket__merged_into=ticket))
        .filter(pk=pk, event__is_public=True, event__kind__in=VISIBLE_KINDS)
        .first()
    )
