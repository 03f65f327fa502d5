from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from cfdidesk.core.actors import actor_or_none

from ...models import OutboundEmail, Status, Ticket, TicketEvent
from ...notify.services.outbox import email_queue, resolution_notify
from ...sla.columns import sla_first_response_fields
from ..rules import ALLOWED, status_fields
from .attachments import attachments_store

MAX_BODY = 50_000


def _body(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError({"body": [_("Escribe el mensaje.")]})
    if len(text) > MAX_BODY:
        raise ValidationError(
            {
                "body": [
                    _("El mensaje es demasiado largo (máximo %(n)d caracteres).") % {"n": MAX_BODY}
                ]
            }
        )
    return text


@transaction.atomic
def ticket_reply(
    *, actor, ticket: Ticket, body: str, then: str | None = None, attachments=None
) -> TicketEvent:
    """A public reply from support to the customer; optionally moves the status in the same step.

    A closed ticket is not answered: reopen it first (a customer's reply reopens it by itself).
    """
    text = _body(body)
    locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if locked.status == Status.CLOSED:
        raise ValidationError(
            {"body": [_("El ticket está cerrado. Reábrelo para responder al cliente.")]}
        )
    if then and then not in Status.values:
        raise ValidationError({"then": [_("Estado desconocido: %(s)s.") % {"s": then}]})
    target = then or (Status.OPEN if locked.status == Status.NEW else None)
    if target and target != locked.status and target not in ALLOWED[locked.status]:
        raise ValidationError(
            {
                "then": [
                    _("Después de responder, el ticket no puede pasar a «%(s)s».")
                    % {"s": Status(target).label}
                ]
            }
        )
    now = timezone.now()
    updates = {"updated_at": now, "version": F("version") + 1}
    if locked.first_response_at is None:
        updates.update(first_response_at=now, **sla_first_response_fields(locked, now))
    if target and target != locked.status:
        updates.update(status_fields(locked, target, now))
    Ticket.objects.filter(pk=locked.pk).update(**updates)
    actor = actor_or_none(actor)
    event = TicketEvent.objects.create(
        ticket=locked, actor=actor, kind=TicketEvent.Kind.REPLY, is_public=True, body=text
    )
    if target and target != locked.status:
        TicketEvent.objects.create(
            ticket=locked,
            actor=actor,
            kind=TicketEvent.Kind.STATUS,
            data={"from": locked.status, "to": target},
        )
    if attachments:
        attachments_store(ticket=locked, event=event, files=attachments, actor=actor)
    email_queue(ticket=locked, kind=OutboundEmail.Kind.REPLY, event=event)
    if target == Status.RESOLVED and locked.status != Status.RESOLVED:
        locked.refresh_from_db()
        resolution_notify(tickets=[locked])
    return event


@transaction.atomic
def ticket_note(*, actor, ticket: Ticket, body: str, attachments=None) -> TicketEvent:
    """An internal note: never shown to the customer, never e-mailed."""
    text = _body(body)
    actor = actor_or_none(actor)
    event = TicketEvent.objects.create(
        ticket=ticket, actor=actor, kind=TicketEvent.Kind.NOTE, body=text
    )
    Ticket.objects.filter(pk=ticket.pk).update(updated_at=timezone.now())
    if attachments:
        attachments_store(ticket=ticket, event=event, files=attachments, actor=actor)
    return event


@transaction.atomic
def ticket_customer_reply(
    *, ticket: Ticket, body: str, contact=None, actor=None, attachments=None, data=None
) -> TicketEvent:
    """The customer writes on their ticket (portal or e-mail).

    A reply on a resolved or closed ticket reopens it: the customer is telling us it is not solved.
    A reply while we wait on the customer moves it back to open. A reply to a merged ticket lands
    on the ticket it was merged into.
    """
    text = _body(body)
    locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if locked.merged_into_id is not None:  # the conversation goes on in the survivor
        locked = Ticket.objects.select_for_update().get(pk=locked.merged_into_id)
    now = timezone.now()
    actor = actor_or_none(actor)
    event = TicketEvent.objects.create(
        ticket=locked,
        actor=actor,
        kind=TicketEvent.Kind.CUSTOMER_REPLY,
        is_public=True,
        body=text,
        data={"contact": contact.name if contact else "", **(data or {})},
    )
    if locked.status in (Status.RESOLVED, Status.CLOSED, Status.WAITING_CUSTOMER):
        Ticket.objects.filter(pk=locked.pk).update(
            **status_fields(locked, Status.OPEN, now), version=F("version") + 1, updated_at=now
        )
        TicketEvent.objects.create(
            ticket=locked,
            actor=actor,
            kind=TicketEvent.Kind.STATUS,
            data={"from": locked.status, "to": Status.OPEN},
            body=_("Reabierto por respuesta del cliente.")
            if locked.status != Status.WAITING_CUSTOMER
            else "",
        )
    else:
        Ticket.objects.filter(pk=locked.pk).update(updated_at=now)
    if attachments:
        attachments_store(ticket=locked, event=event, files=attachments, actor=actor)
    return event


@transaction.atomic
def ticket_attach(*, actor, ticket: Ticket, files, public: bool) -> TicketEvent:
    """Files on their own: public ones the customer sees, internal ones only support."""
    if not files:
        raise ValidationError({"attachments": [_("Elige al menos un archivo.")]})
    actor = actor_or_none(actor)
    event = TicketEvent.objects.create(
        ticket=ticket, actor=actor, kind=TicketEvent.Kind.ATTACHMENT, is_public=public
    )
    attachments_store(ticket=ticket, event=event, files=files, actor=actor)
    Ticket.objects.filter(pk=ticket.pk).update(updated_at=timezone.now())
    return event
