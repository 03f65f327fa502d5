"""One-time sign-in links for portal contacts: asked for by e-mail, valid 15 minutes, used once.

Only the SHA-256 of the token is stored. Asking always gets the same answer, whether or not the
address belongs to someone, so the page cannot be used to find out who has an account.

The link opens a page with one button; the POST from that page signs in (accounts.views). Mail
scanners and link previews that open every link in a message would otherwise spend the single use
before the person does.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cfdidesk.audit.services import audit_record
from cfdidesk.core.audit_actions import AuditAction
from cfdidesk.core.people import display_name

from . import roles
from .models import LoginLink

LIFETIME = timedelta(minutes=15)
MAX_PER_HOUR = 5
logger = logging.getLogger(__name__)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _portal_users(email: str):
    """Active portal contacts with that e-mail; never staff, whose accounts sign in with a password."""
    User = get_user_model()
    return (
        User.objects.filter(
            email__iexact=email, is_active=True, is_superuser=False, groups__name=roles.PORTAL
        )
        .exclude(groups__name__in=roles.STAFF_ROLES)
        .distinct()
        .order_by("pk")
    )


def login_link_request(*, email: str, link_for) -> int:
    """Send a sign-in link to each active portal user with that e-mail; returns how many were sent.

    link_for(token) builds the absolute URL. At most MAX_PER_HOUR links per e-mail per hour.
    """
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:  # a malformed address simply matches nobody
        return 0
    sent = 0
    for user in _portal_users(email)[:3]:
        with transaction.atomic():
            # Serialise requests for the same user so the hourly count cannot be raced past.
            get_user_model().objects.select_for_update().filter(pk=user.pk).first()
            since = timezone.now() - timedelta(hours=1)
            if LoginLink.objects.filter(email=email, created_at__gte=since).count() >= MAX_PER_HOUR:
                return sent
            token = secrets.token_urlsafe(32)
            link = LoginLink.objects.create(
                user=user, email=email, digest=_digest(token), expires_at=timezone.now() + LIFETIME
            )
            audit_record(
                actor=None,
                action=AuditAction.LOGIN_LINK_CREATE,
                target=link,
                changes={"user": user.username},
            )
        _send(user, link_for(token))  # after the commit: the link exists when the mail arrives
        sent += 1
    return sent


def _send(user, url: str) -> None:
    name = display_name(user)
    minutes = int(LIFETIME.total_seconds() // 60)
    body = "\n\n".join(
        [
            _("Hola, %(name)s:") % {"name": name},
            _(
                "Recibimos una solicitud para entrar al portal de soporte sin contraseña. Abre este enlace para entrar:"
            ),
            url,
            _("El enlace funciona una sola vez y caduca en %(m)d minutos.") % {"m": minutes},
            _("Si no lo pediste tú, ignora este correo: nadie podrá entrar sin abrir el enlace."),
        ]
    )
    try:
        send_mail(_("Tu enlace para entrar al portal de soporte"), body, None, [user.email])
    except Exception:  # a failing mail server must not answer differently for known addresses
        logger.exception("login link e-mail to user %s failed", user.pk)


def login_link_peek(*, token: str) -> LoginLink | None:
    """The link if it can still be used, without using it."""
    return (
        LoginLink.objects.select_related("user")
        .filter(
            digest=_digest(token or ""),
            used_at__isnull=True,
            expires_at__gt=timezone.now(),
            user__is_active=True,
        )
        .first()
    )


@transaction.atomic
def login_link_redeem(*, token: str):
    """Spend the link and return its user, or None if it is unknown, expired, used or its user inactive.

    One conditional UPDATE marks it used: of two clicks at the same time only one gets the row.
    """
    now = timezone.now()
    link = login_link_peek(token=token)
    if (
        link is None
        or roles.PORTAL not in roles.roles_of(link.user)
        or roles.is_staff_member(link.user)
    ):
        return None
    if (
        LoginLink.objects.filter(pk=link.pk, used_at__isnull=True, expires_at__gt=now).update(
            used_at=now
        )
        != 1
    ):
        return None
    # Any other link still waiting in the inbox dies with this one.
    LoginLink.objects.filter(user=link.user, used_at__isnull=True).update(used_at=now)
    audit_record(actor=link.user, action=AuditAction.LOGIN_LINK_USE, target=link)
    return link.user
