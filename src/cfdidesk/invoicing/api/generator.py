"""An environment's generator, debug log and stamp credits over the API."""

from __future__ import annotations

from django.utils.translation import gettext as _
from ninja import Status

from .. import selectors, services
from ..access import get_environment_for, get_environment_for_edit
from ..models import LogLine
from .outputs import credits_out, generator_out
from .router import router
from .schemas import CreditsIn, CreditsOut, GeneratorIn, GeneratorOut, LogLineOut, MessageOut


@router.get(
    "/environments/{environment_id}/generator",
    response=GeneratorOut,
    summary="Estado del generador",
)
def get_generator(request, environment_id: int):
    return generator_out(get_environment_for(request.user, environment_id))


@router.post(
    "/environments/{environment_id}/generator",
    response={200: GeneratorOut, 422: MessageOut},
    summary="Pausar o reanudar el generador",
)
def set_generator(request, environment_id: int, payload: GeneratorIn):
    environment = get_environment_for_edit(request.user, environment_id)
    if payload.action not in ("pause", "resume"):
        return Status(422, {"detail": _("La acción es «pause» o «resume».")})
    service = services.generator_pause if payload.action == "pause" else services.generator_resume
    environment, changed = service(
        actor=request.user, environment=environment, reason=payload.reason
    )
    environment = get_environment_for(request.user, environment.pk)
    return Status(200, generator_out(environment, changed))


@router.get(
    "/environments/{environment_id}/log",
    response=list[LogLineOut],
    summary="Bitácora (debug) del ambiente",
)
def get_log(request, environment_id: int, movement: str = "", limit: int = 200) -> list[LogLine]:
    """Con `movement`, todas las líneas de ese movimiento (como «control f con movto» en el debug)."""
    environment = get_environment_for(request.user, environment_id)
    return selectors.log_lines(
        environment=environment, movement=movement[:100], limit=max(1, min(limit, 1000))
    )


@router.get(
    "/environments/{environment_id}/credits",
    response=CreditsOut,
    summary="Timbres del RFC emisor",
)
def get_credits(request, environment_id: int):
    environment = get_environment_for(request.user, environment_id)
    return credits_out(selectors.stamp_balance(rfc=environment.emitter_rfc))


@router.post(
    "/environments/{environment_id}/credits",
    response=CreditsOut,
    summary="Cargar timbres al RFC emisor",
)
def load_credits(request, environment_id: int, payload: CreditsIn):
    environment = get_environment_for_edit(
        request.user, environment_id, capability="invoicing.credits"
    )
    balance = services.credits_load(
        actor=request.user,
        rfc=environment.emitter_rfc,
        quantity=payload.quantity,
        note=payload.note,
    )
    return credits_out(balance)
