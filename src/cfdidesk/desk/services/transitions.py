from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from cfdidesk.core.actors import actor_or_none

from ..models import Status, Ticket, TicketEvent
from .sla import Clocks, sla_status_fields

# The only moves a ticket's status may make. Reopening goes back to "open".
ALLOWED: dict[str, frozenset[str]] = {
    Status.NEW: frozenset(
        {Status.OPEN, Status.WAITING_CUSTOMER, Status.WAITING_THIRD_PARTY, Status.RESOLVED}
    ),
    Status.OPEN: frozenset({Status.WAITING_CUSTOMER, Status.WAITING_THIRD_PARTY, Status.RESOLVED}),
    Status.WAITING_CUSTOMER: frozenset({Status.OPEN, Status.WAITING_THIRD_PARTY, Status.RESOLVED}),
    Status.WAITING_THIRD_PARTY: frozenset({Status.OPEN, Status.WAITING_CUSTOMER, Status.RESOLVED}),
    Status.RESOLVED: frozenset({Status.CLOSED, Status.OPEN}),
    Status.CLOSED: frozenset({Status.OPEN}),
}


def refuse(current: str, target: str) -> ValidationError:
    return ValidationError(
        {
            "status": [
                _("Un ticket «%(current)s» no puede pasar a «%(target)s».")
                % {"current": Status(current).label, "target": Status(target).label}
            ]
        }
    )


def status_fields(ticket: Ticket, target: str, now, *, clocks: Clocks | None = None) -> dict:
    """The columns that change with a move: the status, its timestamps and the SLA clock."""
    current = ticket.status
    fields = {"status": target, **sla_status_fields(ticket, target, now, clocks=clocks)}
    if target == Status.RESOLVED:
        fields["resolved_at"] = now
    elif target == Status.CLOSED:
        fields["closed_at"] = now
    elif target == Status.OPEN and current in (Status.RESOLVED, Status.CLOSED):
        fields.update(resolved_at=None, closed_at=None)
    return fields


@transaction.atomic
def ticket_transition(*, actor, ticket: Ticket, to: str, reason: str = "") -> Ticket:
    """Move the ticket's status if the move is allowed; records who, when and why."""
    locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if to not in Status.values:
        raise ValidationError({"status": [_("Estado desconocido: %(s)s.") % {"s": to}]})
    if to not in ALLOWED[locked.status]:
        raise refuse(locked.status, to)
    now = timezone.now()
    Ticket.objects.filter(pk=locked.pk).update(
        **status_fields(locked, to, now), version=F("version") + 1, updated_at=now
    )
    TicketEvent.objects.create(
        ticket=locked,
        actor=actor_or_none(actor),
        kind=TicketEvent.Kind.STATUS,
        body=reason.strip()[:2000],
        data={"from": locked.status, "to": to},
    )
    locked.refresh_from_db()
    if to == Status.RESOLVED:
        from .outbox import notify_resolved

        notify_resolved([locked])
    return locked
