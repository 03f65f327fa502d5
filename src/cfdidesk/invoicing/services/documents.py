"""What support does to one document: reprocess it (input = 1) or cancel it before it is stamped."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cfdidesk.core.actors import actor_or_none
from cfdidesk.core.people import display_name

from ..models import Document, LogLine, State
from .log import log_line_build
from .scheduling import pipeline_schedule
from .transitions import HOLDABLE, document_move, transitions_save


def _who(actor) -> str:
    return display_name(actor_or_none(actor), _("el sistema"))


@transaction.atomic
def document_reprocess(*, actor, document: Document, reason: str = "") -> Document:
    """The seed's «update preStatus set input = 1»: rebuild from the movement, validate, stamp.

    A document that failed (mapping, validation, generator) or is still waiting goes back to
    "received"; the pipeline takes it in its arrival order. It keeps its folio if it had one.
    """
    locked = Document.objects.select_for_update().get(pk=document.pk)
    now = timezone.now()
    reason = reason.strip()[:300] or _("Reprocesar (input = 1).")
    if locked.state == State.RECEIVED:
        if locked.input_flag:
            return locked
        transition = None
    else:
        transition = document_move(
            document=locked, to=State.RECEIVED, actor=actor, reason=reason, now=now
        )
    locked.input_flag = True
    locked.errors = []
    locked.save(update_fields=["state", "input_flag", "errors", "updated_at"])
    if transition:
        transitions_save(environment_id=locked.environment_id, rows=[transition])
    log_line_build(
        environment_id=locked.environment_id,
        stage=LogLine.Stage.ENVIRONMENT,
        message=_("Reprocesado por %(who)s: %(reason)s") % {"who": _who(actor), "reason": reason},
        movement_id=locked.movement_id,
        now=now,
    ).save()
    pipeline_schedule(environment_id=locked.environment_id)
    return locked


@transaction.atomic
def document_hold(*, actor, document: Document, reason: str = "") -> Document:
    """input = 0: the pipeline leaves the document where it is until it is reprocessed.

    A validated document waiting for the generator (or "sin timbres") rests as "pre"; one not
    yet mapped stays "received". Useful to look at a movement before it is stamped.
    """
    locked = Document.objects.select_for_update().get(pk=document.pk)
    if locked.state not in HOLDABLE or not locked.input_flag:
        raise ValidationError(
            {
                "state": [
                    _("Solo se retiene un documento que el pipeline aún va a tomar (input = 1).")
                ]
            }
        )
    now = timezone.now()
    reason = reason.strip()[:300] or _("Retenido (input = 0).")
    transition = (
        None
        if locked.state == State.RECEIVED
        else document_move(document=locked, to=State.PRE, actor=actor, reason=reason, now=now)
    )
    locked.input_flag = False
    locked.save(update_fields=["state", "input_flag", "updated_at"])
    if transition:
        transitions_save(environment_id=locked.environment_id, rows=[transition])
    log_line_build(
        environment_id=locked.environment_id,
        stage=LogLine.Stage.ENVIRONMENT,
        message=_("Retenido por %(who)s: %(reason)s") % {"who": _who(actor), "reason": reason},
        movement_id=locked.movement_id,
        now=now,
    ).save()
    return locked


@transaction.atomic
def document_cancel(*, actor, document: Document, reason: str) -> Document:
    """Discard a document that is not stamped (it keeps its folio, if it had one, as a known gap)."""
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Escribe el motivo de la cancelación.")]})
    locked = Document.objects.select_for_update().get(pk=document.pk)
    if locked.state == State.STAMPED:
        raise ValidationError(
            {
                "state": [
                    _(
                        "Un CFDI timbrado se cancela ante el SAT por medio del PAC; esa cancelación aún no está disponible aquí."
                    )
                ]
            }
        )
    now = timezone.now()
    transition = document_move(
        document=locked, to=State.CANCELLED, actor=actor, reason=reason.strip(), now=now
    )
    locked.input_flag = False
    locked.save(update_fields=["state", "input_flag", "updated_at"])
    transitions_save(environment_id=locked.environment_id, rows=[transition])
    log_line_build(
        environment_id=locked.environment_id,
        stage=LogLine.Stage.ENVIRONMENT,
        message=_("Cancelado por %(who)s: %(reason)s")
        % {"who": _who(actor), "reason": reason.strip()[:300]},
        movement_id=locked.movement_id,
        now=now,
    ).save()
    return locked
