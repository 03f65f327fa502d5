"""Macros: a canned reply that also sets fields, applied in one click and one transaction through
the same services as doing each step by hand (reply, fields, tags, status move)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cfdidesk.core.actors import actor_or_none

from ...models import Macro, Ticket, TicketEvent
from ...tags.services import ticket_tags_add
from ..canned import placeholders_fill
from .conversation import ticket_reply
from .tickets import ticket_update
from .transitions import ticket_transition


def macro_check(*, body: str, status: str, priority, team, has_tags: bool) -> None:
    """A macro must do something."""
    if not ((body or "").strip() or status or priority or team or has_tags):
        raise ValidationError(
            {
                "__all__": [
                    _("La macro no hace nada: escribe una respuesta o elige qué campos cambia.")
                ]
            }
        )


@transaction.atomic
def macro_apply(*, actor, ticket: Ticket, macro: Macro) -> Ticket:
    """The reply first (it answers the customer and opens a new ticket), then priority and team,
    tags, and last the status move; all or nothing: a refused step (a closed ticket, a move the
    status does not allow) leaves the ticket as it was."""
    if not macro.is_active:
        raise ValidationError({"macro": [_("La macro «%(m)s» está inactiva.") % {"m": macro.name}]})
    locked = (
        Ticket.objects.select_for_update(of=("self",))
        .select_related("company", "contact")
        .get(pk=ticket.pk)
    )
    if locked.merged_into_id is not None:
        raise ValidationError(
            {"macro": [_("El ticket está fusionado con otro: aplica la macro en ese.")]}
        )
    TicketEvent.objects.create(
        ticket=locked,
        actor=actor_or_none(actor),
        kind=TicketEvent.Kind.MACRO,
        data={"macro": macro.name, "macro_id": macro.pk},
    )
    body = placeholders_fill(text=macro.body.strip(), ticket=locked, consultant=actor)
    if body:
        ticket_reply(actor=actor, ticket=locked, body=body)
    fields: dict = {}
    if macro.priority and macro.priority != locked.priority:
        fields["priority"] = macro.priority
    if macro.team_id and macro.team_id != locked.team_id:
        fields["team"] = macro.team
    if fields:
        ticket_update(actor=actor, ticket=locked, data=fields)
    ticket_tags_add(actor=actor, ticket=locked, tags=list(macro.tags.all()))
    locked.refresh_from_db()
    if macro.status and macro.status != locked.status:
        ticket_transition(
            actor=actor,
            ticket=locked,
            to=macro.status,
            reason=_("Macro «%(m)s»") % {"m": macro.name},
        )
    return Ticket.objects.get(pk=locked.pk)
