from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from cfdidesk.core.actors import actor_or_none

from ...models import Status, Ticket, TicketEvent
from ...notify.services.outbox import resolution_notify
from ..rules import ALLOWED, refuse, status_fields


@transaction.atomic
def ticket_transition(*, actor, ticket: Ticket, to: str, reason: str = "") -> Ticket:
    """Move the ticket's status if the move is allowed; records who, when and why."""
    locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if to not in Status.values:
        raise ValidationError({"status": [_("Estado desconocido: %(s)s.") % {"s": to}]})
    if locked.merged_into_id is not None:
        raise ValidationError(
            {"status": [_("El ticket está fusionado con otro: el trabajo sigue en ese.")]}
        )
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
        resolution_notify(tickets=[locked])
    return locked
