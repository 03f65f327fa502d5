"""Personal API tokens: created and shown once, stored as SHA-256, revoked."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cfdidesk.audit.services import audit_record
from cfdidesk.core.audit_actions import AuditAction

from ..models import ApiToken

TOKEN_PREFIX = "cfd_"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def token_create(*, user, name: str) -> tuple[ApiToken, str]:
    """Create a token; returns it with its clear text, which is never stored nor shown again."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Ponle un nombre al token para reconocerlo después.")})
    clear = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name[:80], prefix=clear[:12], digest=_digest(clear)
    )
    audit_record(
        actor=user, action=AuditAction.TOKEN_CREATE, target=token, changes={"name": token.name}
    )
    return token, clear


@transaction.atomic
def token_revoke(*, user, token: ApiToken) -> None:
    if token.user_id != user.pk:
        raise PermissionError
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    audit_record(actor=user, action=AuditAction.TOKEN_REVOKE, target=token)


def token_authenticate(*, clear: str):
    """The active user behind a bearer token, or None."""
    if not clear or not clear.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=_digest(clear), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    # Touch last_used_at at most once a minute to keep reads cheap.
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
