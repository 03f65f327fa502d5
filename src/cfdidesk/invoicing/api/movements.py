"""Movements over the API: one or a batch, all or nothing."""

from __future__ import annotations

import json
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.utils.translation import gettext as _
from ninja import Status

from .. import services
from ..access import get_environment_for_edit
from .outputs import refused
from .router import router
from .schemas import MOVEMENTS_BODY, IntakeOut, MessageOut, RefusedOut


def _too_big():
    return Status(
        413,
        {
            "detail": _(
                "El envío pesa más de %(mb)s MB: divide el lote (hasta %(n)s movimientos por envío)."
            )
            % {
                "mb": settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 1048576,
                "n": settings.INVOICING_BATCH_MAX,
            }
        },
    )


@router.post(
    "/environments/{environment_id}/movements",
    response={202: IntakeOut, 413: MessageOut, 422: RefusedOut},
    summary="Enviar movimientos (uno o un lote)",
    openapi_extra={"requestBody": MOVEMENTS_BODY},
)
def post_movements(request, environment_id: int):
    """Un movimiento, una lista o `{"movements": [...]}` (hasta INVOICING_BATCH_MAX por envío).

    El lote es todo o nada: si un movimiento tiene errores (JSON, catálogos del SAT, cantidades en cero o negativas,
    un número de movimiento ya recibido con otro contenido) se rechaza el lote completo con un mensaje por error y no
    se guarda nada. Un movimiento ya recibido con el mismo contenido se informa como `already_received` («ya recibido»).
    Con el generador pausado los movimientos se aceptan y esperan, en orden, a que se reanude."""
    environment = get_environment_for_edit(request.user, environment_id)
    try:
        raw = request.body
    except RequestDataTooBig:
        return _too_big()
    try:
        body = json.loads(raw or b"null", parse_float=Decimal)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        return Status(
            422,
            {
                "detail": _("El cuerpo no es JSON válido: %(error)s.")
                % {"error": getattr(exc, "msg", str(exc))},
                "errors": [],
            },
        )
    if isinstance(body, dict) and "movements" in body:
        body = body["movements"]
    payloads = body if isinstance(body, list) else [body]
    try:
        result = services.movements_receive(
            environment=environment, payloads=payloads, actor=request.user
        )
    except services.IntakeRefused as exc:
        return refused(exc)
    return Status(
        202,
        {
            "accepted": result.accepted,
            "already_received": result.already_received,
            "items": [vars(i) for i in result.items],
        },
    )
