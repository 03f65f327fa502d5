"""The worker's side of notifications: send the queued e-mails and webhook POSTs, retry failures
with growing pauses, and let an administrator queue failed ones again (core.delivery's moves)."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _

from cfdidesk.core.delivery import (
    DeliveryState,
    deliveries_requeue,
    deliveries_send,
    retry_delay,
)
from cfdidesk.core.tasks import enqueue_on_commit

from ...models import OutboundEmail, WebhookDelivery
from .. import webhooks
from ..messages import build_message
from .alerts import DELIVER_TASK
from .outbox import SEND_TASK


def _survey_obsolete(email: OutboundEmail) -> tuple[str, str] | None:
    # Reopened before the survey went out: asking "is it solved?" would make no sense.
    if email.kind == OutboundEmail.Kind.SURVEY and email.ticket.resolved_at is None:
        return DeliveryState.SKIPPED, ""
    return None


def emails_send(*, email_ids: list[int]) -> int:
    """Send the queued e-mails; a failure is retried after 2, 4, 8… minutes, then shown as failed
    on the ticket. Returns how many wait for another attempt."""
    emails = OutboundEmail.objects.filter(pk__in=email_ids).select_related(
        "ticket__company", "ticket__contact", "event__actor"
    )
    retry = deliveries_send(
        emails,
        send=lambda email: build_message(email).send(),
        max_attempts=settings.EMAIL_MAX_ATTEMPTS,
        skip=_survey_obsolete,
    )
    for pk, attempts in retry:
        enqueue_on_commit(SEND_TASK, [pk], delay=retry_delay(attempts))
    return len(retry)


def _webhook_off(delivery: WebhookDelivery) -> tuple[str, str] | None:
    if not delivery.webhook.is_active:
        return DeliveryState.FAILED, _("El webhook está desactivado.")
    return None


def webhooks_deliver(*, delivery_ids: list[int]) -> int:
    """POST the queued webhook deliveries; a failure is retried after 2, 4, 8… minutes, then shown
    as failed in the administration. Returns how many wait for another attempt."""
    deliveries = WebhookDelivery.objects.filter(pk__in=delivery_ids).select_related("webhook")
    retry = deliveries_send(
        deliveries,
        send=webhooks.post,
        max_attempts=webhooks.max_attempts(),
        skip=_webhook_off,
        error_text=webhooks.error_text,
    )
    for pk, attempts in retry:
        enqueue_on_commit(DELIVER_TASK, [pk], delay=retry_delay(attempts))
    return len(retry)


def webhook_deliveries_retry(*, delivery_ids: list[int]) -> int:
    """Queue failed deliveries again (an administrator's retry from the admin)."""
    ids = deliveries_requeue(WebhookDelivery, pks=delivery_ids)
    if ids:
        enqueue_on_commit(DELIVER_TASK, ids)
    return len(ids)
