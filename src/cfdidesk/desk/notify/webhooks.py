"""The webhook POST itself: signed JSON over HTTP, no redirects, a short timeout. Sending and
retrying are notify.services.delivery's."""

from __future__ import annotations

import hashlib
import hmac
import json
import urllib.error
import urllib.request

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder

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


def error_text(exc: Exception) -> str:
    if isinstance(exc, urllib.error.HTTPError):
        return f"HTTP {exc.code} {exc.reason}"
    if isinstance(exc, urllib.error.URLError):
        return str(exc.reason)
    return str(exc) or exc.__class__.__name__
