"""One way to send something to the outside and retry it: e-mails, webhook POSTs.

A delivery is a row written in the caller's transaction and sent by the worker after the commit.
Its state moves only along MOVES, by a conditional UPDATE (delivery_move), so two workers or a
worker and an administrator's retry never overwrite each other's outcome.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar

from django.db import models
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DeliveryState(models.TextChoices):
    QUEUED = "queued", _("En cola")
    SENT = "sent", _("Enviado")
    RETRYING = "retrying", _("Reintentando")
    FAILED = "failed", _("Falló")
    SKIPPED = "skipped", _("Omitido")


# The only moves a delivery's state may make. FAILED → QUEUED is an administrator's retry.
MOVES: dict[str, frozenset[str]] = {
    DeliveryState.QUEUED: frozenset(
        {DeliveryState.SENT, DeliveryState.RETRYING, DeliveryState.FAILED, DeliveryState.SKIPPED}
    ),
    DeliveryState.RETRYING: frozenset(
        {DeliveryState.SENT, DeliveryState.RETRYING, DeliveryState.FAILED, DeliveryState.SKIPPED}
    ),
    DeliveryState.FAILED: frozenset({DeliveryState.QUEUED}),
    DeliveryState.SENT: frozenset(),
    DeliveryState.SKIPPED: frozenset(),
}
PENDING = (DeliveryState.QUEUED, DeliveryState.RETRYING)
ERROR_MAX = 1000


class Delivery(models.Model):
    """What every delivery records: its state, the attempts made and the last error."""

    state = models.CharField(
        _("estado"),
        max_length=10,
        choices=DeliveryState.choices,
        default=DeliveryState.QUEUED,
        db_index=True,
    )
    attempts = models.PositiveSmallIntegerField(_("intentos"), default=0)
    last_error = models.TextField(_("último error"), blank=True)
    created_at = models.DateTimeField(_("creado"), auto_now_add=True)
    sent_at = models.DateTimeField(_("enviado"), null=True, blank=True)

    class Meta:
        abstract = True


D = TypeVar("D", bound=Delivery)


def sources_of(target: str) -> list[str]:
    """The states from which a delivery may move to `target`."""
    return [state for state, targets in MOVES.items() if target in targets]


def delivery_move(model: type[Delivery], *, pks: list[int], to: str, **fields: Any) -> list[int]:
    """Move the deliveries `pks` that may make the move to `to`; returns the ids that moved."""
    movable = list(
        model._default_manager.filter(pk__in=pks, state__in=sources_of(to)).values_list(
            "pk", flat=True
        )
    )
    if movable:
        model._default_manager.filter(pk__in=movable, state__in=sources_of(to)).update(
            state=to, **fields
        )
    return movable


def retry_delay(attempts: int) -> timedelta:
    """The pause before the next attempt: 2, 4, 8… minutes."""
    return timedelta(minutes=2**attempts)


def deliveries_send(
    deliveries: models.QuerySet[D],
    *,
    send: Callable[[D], object],
    max_attempts: int,
    skip: Callable[[D], tuple[str, str] | None] | None = None,
    error_text: Callable[[Exception], str] = lambda exc: str(exc) or exc.__class__.__name__,
) -> list[tuple[int, int]]:
    """Send each pending delivery once; returns (id, attempts) of those to try again later.

    `skip(delivery)` may answer (state, reason) to settle a delivery without sending it (SKIPPED,
    or FAILED when it can never be sent). A failure is recorded with its error and retried until
    `max_attempts`, then FAILED. Every outcome is a conditional move from a pending state.
    """
    model = deliveries.model
    retry = []
    for delivery in deliveries.filter(state__in=PENDING):
        settled = skip(delivery) if skip is not None else None
        if settled is not None:
            state, reason = settled
            delivery_move(model, pks=[delivery.pk], to=state, last_error=reason[:ERROR_MAX])
            continue
        try:
            send(delivery)
        except Exception as exc:  # noqa: BLE001 - any transport error is recorded and retried
            attempts = delivery.attempts + 1
            state = DeliveryState.FAILED if attempts >= max_attempts else DeliveryState.RETRYING
            moved = delivery_move(
                model,
                pks=[delivery.pk],
                to=state,
                attempts=F("attempts") + 1,
                last_error=error_text(exc)[:ERROR_MAX],
            )
            if moved and state == DeliveryState.RETRYING:
                retry.append((delivery.pk, attempts))
        else:
            delivery_move(
                model,
                pks=[delivery.pk],
                to=DeliveryState.SENT,
                sent_at=timezone.now(),
                attempts=F("attempts") + 1,
                last_error="",
            )
    return retry


def deliveries_requeue(model: type[Delivery], *, pks: list[int]) -> list[int]:
    """Failed deliveries back in the queue with their attempts reset (an administrator's retry)."""
    return delivery_move(model, pks=pks, to=DeliveryState.QUEUED, attempts=0)
