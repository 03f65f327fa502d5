"""The follow-up survey after resolution: reached by a signed link, no log-in needed."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Status, SurveyResponse, Ticket, TicketEvent
from ..tickets.rules import status_fields
from .selectors import survey_ticket


def survey_answer(*, token: str, solved: bool, rating: int, comment: str = "") -> SurveyResponse:
    ticket, resolution = survey_ticket(token)
    errors = {}
    try:
        rating = int(rating)
    except (TypeError, ValueError):
        rating = 0
    if not 1 <= rating <= 5:
        errors["rating"] = [_("Elige una calificación del 1 al 5.")]
    comment = (comment or "").strip()
    if len(comment) > 5000:
        errors["comment"] = [_("Máximo %(n)d caracteres.") % {"n": 5000}]
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            answer = SurveyResponse.objects.create(
                ticket=ticket, solved=solved, rating=rating, comment=comment, resolution=resolution
            )
            locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
            now = timezone.now()
            updates = {"rating": rating, "updated_at": now}
            reopen = not solved and locked.status in (Status.RESOLVED, Status.CLOSED)
            if reopen:
                updates.update(status_fields(locked, Status.OPEN, now), version=F("version") + 1)
            Ticket.objects.filter(pk=locked.pk).update(**updates)
            TicketEvent.objects.create(
                ticket=locked,
                kind=TicketEvent.Kind.CUSTOMER_REPLY,
                is_public=True,
                body=comment or _("(sin comentario)"),
                data={"survey": True, "solved": solved, "rating": rating},
            )
            if reopen:
                TicketEvent.objects.create(
                    ticket=locked,
                    kind=TicketEvent.Kind.STATUS,
                    data={"from": locked.status, "to": Status.OPEN},
                    body=_("Reabierto: en la encuesta el cliente dice que no quedó resuelto."),
                )
    except IntegrityError as exc:
        raise ValidationError({"__all__": [_("Esta encuesta ya se respondió. ¡Gracias!")]}) from exc
    return answer
