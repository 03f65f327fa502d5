"""Stamp credits per emitter RFC: load them; the generator consumes one per stamp."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from cfdidesk.audit.services import audit_record
from cfdidesk.core.actors import actor_or_none
from cfdidesk.core.audit_actions import AuditAction
from cfdidesk.sat.rfc import normalize_rfc

from ..models import CreditLoad, Document, StampBalance, State
from .scheduling import pipeline_schedule

MAX_LOAD = 10_000_000


@transaction.atomic
def credits_load(*, actor, rfc: str, quantity: int, note: str = "") -> StampBalance:
    """Add credits to the RFC's balance; documents waiting "sin timbres" are taken again."""
    rfc = normalize_rfc(rfc)
    if not rfc or len(rfc) not in (12, 13):
        raise ValidationError({"rfc": [_("Escribe el RFC del emisor (12 o 13 caracteres).")]})
    if not isinstance(quantity, int) or isinstance(quantity, bool) or not 0 < quantity <= MAX_LOAD:
        raise ValidationError(
            {
                "quantity": [
                    _("La cantidad de timbres va de 1 a %(max)s.") % {"max": f"{MAX_LOAD:,}"}
                ]
            }
        )
    if not StampBalance.objects.filter(rfc=rfc).update(available=F("available") + quantity):
        try:
            with transaction.atomic():
                StampBalance.objects.create(rfc=rfc, available=quantity)
        except IntegrityError:  # created by a concurrent load: add to it
            StampBalance.objects.filter(rfc=rfc).update(available=F("available") + quantity)
    balance = StampBalance.objects.get(rfc=rfc)
    load = CreditLoad.objects.create(
        rfc=rfc,
        quantity=quantity,
        note=note.strip()[:300],
        actor=actor_or_none(actor),
    )
    audit_record(
        actor=actor,
        action=AuditAction.INVOICING_CREDITS_LOAD,
        target=load,
        changes={"rfc": rfc, "quantity": quantity},
    )
    waiting = (
        Document.objects.filter(
            state=State.NO_CREDITS,
            input_flag=True,
            environment__emitter_rfc=rfc,
            environment__is_active=True,
        )
        .values_list("environment_id", flat=True)
        .distinct()
    )
    for environment_id in sorted(set(waiting)):
        pipeline_schedule(environment_id=environment_id)
    return balance
