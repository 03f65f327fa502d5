"""POSTing queued alert deliveries to their webhooks: signed JSON, retried with growing pauses."""

from __future__ import annotations

import hashlib
import hmac
import json
import urllib.error
import urllib.request

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from cfdidesk.core.tasks import enqueue

from ..models import WebhookDelivery

TIMEOUT = 5  # seconds: a slow receiver must not hold up the worker
SIGNATURE_HEADER = "X-CFDIDesk-Signature"


def max_attempts() -> int:
    return getattr(settings, "WEBHOOK_MAX_ATTEMPTS", 5)


def signature(secret: str, body: bytes) -> str:
    """sha256=<hex HMAC of the exact body>: what the receiver recomputes with the shared secret."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def encode(payload: dict) -> bytes:
    return json.dumps(
        payload, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":")
    ).encode()


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A webhook that redirects is misconfigured; following it would turn the POST into a GET."""

    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def post(delivery: WebhookDelivery) -> int:
    """POST one delivery; returns the HTTP status, raises on a network error or a non-2xx answer."""
    body = encode(delivery.payload)
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "CFDI-Desk-Webhook/1",
        "X-CFDIDesk-Event": delivery.event,
        "X-CFDIDesk-Delivery": str(delivery.pk),
    }
    if delivery.webhook.secret:
        headers[SIGNATURE_HEADER] = signature(delivery.webhook.secret, body)
    request = urllib.request.Request(
        delivery.webhook.url, data=body, headers=headers, method="POST"
    )
    with _opener.open(request, timeout=TIMEOUT) as response:
        status = response.status
    if not 200 <= status < 300:
        raise urllib.error.HTTPError(delivery.webhook.url, status, f"HTTP {status}", None, None)
    return status


def deliver(delivery_ids: list[int]) -> list[tuple[int, int]]:
    """Send the deliveries not sent yet; returns (id, attempts) of those to try again later."""
    retry = []
    deliveries = (
        WebhookDelivery.objects.filter(pk__in=delivery_ids)
        .exclude(state__in=(WebhookDelivery.State.SENT, WebhookDelivery.State.FAILED))
        .select_related("webhook")
    )
    for delivery in deliveries:
        if not delivery.webhook.is_active:
            WebhookDelivery.objects.filter(pk=delivery.pk).update(
                state=WebhookDelivery.State.FAILED, last_error=_("El webhook está desactivado.")
            )
            continue
        try:
            post(delivery)
        except Exception as exc:  # noqa: BLE001 - any HTTP or network error is recorded and retried
            attempts = delivery.attempts + 1
            failed = attempts >= max_attempts()
            state = WebhookDelivery.State.FAILED if failed else WebhookDelivery.State.RETRYING
            WebhookDelivery.objects.filter(pk=delivery.pk).update(
                attempts=F("attempts") + 1, state=state, last_error=_error_text(exc)[:1000]
            )
            if not failed:
                retry.append((delivery.pk, attempts))
        else:
            WebhookDelivery.objects.filter(pk=delivery.pk).update(
                state=WebhookDelivery.State.SENT,
                sent_at=timezone.now(),
                attempts=F("attempts") + 1,
                last_error="",
            )
    return retry


def _error_text(exc: Exception) -> str:
    if isinstance(exc, urllib.error.HTTPError):
        return f"HTTP {exc.code} {exc.reason}"
    if isinstance(exc, urllib.error.URLError):
        return str(exc.reason)
    return str(exc) or exc.__class__.__name__


def redeliver(delivery_ids: list[int]) -> int:
    """Queue failed deliveries again (an administrator's retry from the admin)."""
    from ..alert_tasks import deliver_webhooks

    ids = list(
        WebhookDelivery.objects.filter(
            pk__in=delivery_ids, state=WebhookDelivery.State.FAILED
        ).values_list("pk", flat=True)
    )
    if ids:
        WebhookDelivery.objects.filter(pk__in=ids).update(
            state=WebhookDelivery.State.QUEUED, attempts=0
        )
        transaction.on_commit(lambda: enqueue(deliver_webhooks, ids))
    return len(ids)
