"""Two-factor authentication for interactive log-in (django-otp): a TOTP app and recovery codes.

A user enrols by scanning a QR code (or typing the key) into an authenticator app and typing the
code it shows; the device is confirmed and ten recovery codes are made, shown once. Of each
recovery code only a digest is stored (rules.recovery_digest), in django-otp's static device,
which spends a code when it is used and throttles wrong ones. API tokens are not affected: the
second step belongs to the log-in page.
"""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp import verify_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from cfdidesk.audit.services import audit_record
from cfdidesk.core.audit_actions import AuditAction

from ..models import TwoFactorRole
from ..roles import STAFF_ROLES
from ..rules import (
    RECOVERY_CODE_COUNT,
    looks_like_totp,
    new_recovery_code,
    normalize_code,
    recovery_digest,
)
from ..selectors import two_factor_required

TOTP_NAME = "Autenticador"
RECOVERY_NAME = "Códigos de recuperación"


def _wrong_code() -> ValidationError:
    return ValidationError(
        {
            "code": [
                _(
                    "El código no es correcto. Escribe el que muestra tu aplicación ahora mismo y revisa que la hora de tu teléfono sea la correcta."
                )
            ]
        }
    )


def _check_password(user, password: str) -> None:
    if not password or not user.check_password(password):
        raise ValidationError({"password": [_("La contraseña no es correcta.")]})


def _new_recovery_codes(user) -> list[str]:
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [new_recovery_code() for _i in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(
        [StaticToken(device=device, token=recovery_digest(code)) for code in codes]
    )
    return codes


@transaction.atomic
def two_factor_enrol_start(*, user) -> TOTPDevice:
    """A new, unconfirmed TOTP device with a fresh key (any earlier unconfirmed one is dropped)."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)


@transaction.atomic
def two_factor_enrol_confirm(*, user, code: str) -> list[str]:
    """Confirm the pending device with a code from the app; returns the recovery codes (shown once)."""
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).last()
    if device is None:
        raise ValidationError(
            {"__all__": [_("Empieza de nuevo: la activación en curso ya no existe.")]}
        )
    if not looks_like_totp(code) or not device.verify_token(normalize_code(code)):
        raise _wrong_code()
    TOTPDevice.objects.filter(user=user, confirmed=True).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _new_recovery_codes(user)
    audit_record(actor=user, action=AuditAction.TWO_FACTOR_ENABLE, target=user)
    return codes


@transaction.atomic
def two_factor_recovery_codes_renew(*, user, password: str) -> list[str]:
    """Ten new recovery codes; the old ones stop working."""
    _check_password(user, password)
    if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise ValidationError({"__all__": [_("Primero activa la verificación en dos pasos.")]})
    codes = _new_recovery_codes(user)
    audit_record(actor=user, action=AuditAction.TWO_FACTOR_RECOVERY_CODES, target=user)
    return codes


def _remove_devices(user) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


@transaction.atomic
def two_factor_disable(*, user, password: str) -> None:
    """The user turns it off, confirming with their password (not when their role requires it)."""
    _check_password(user, password)
    if two_factor_required(user):
        raise ValidationError(
            {
                "__all__": [
                    _(
                        "Tu rol requiere la verificación en dos pasos: no puedes desactivarla. Si cambiaste de teléfono, vuelve a activarla con el nuevo."
                    )
                ]
            }
        )
    _remove_devices(user)
    audit_record(actor=user, action=AuditAction.TWO_FACTOR_DISABLE, target=user)


@transaction.atomic
def two_factor_reset(*, actor, user) -> None:
    """An administrator removes a user's second factor (a lost phone); they enrol again if required."""
    _remove_devices(user)
    audit_record(actor=actor, action=AuditAction.TWO_FACTOR_RESET, target=user)


def two_factor_verify(*, user, code: str):
    """The device that accepts the code (the app's six digits, or an unused recovery code), or None.

    Wrong codes are counted by django-otp's throttling on each device (and, by the log-in page, by
    django-axes)."""
    text = normalize_code(code)
    if not text:
        return None
    if looks_like_totp(text):
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        token = text
    else:
        device = StaticDevice.objects.filter(user=user, confirmed=True).first()
        token = recovery_digest(text)
    if device is None:
        return None
    return verify_token(user, device.persistent_id, token)


@transaction.atomic
def two_factor_roles_set(*, actor, roles: set[str] | list[str]) -> None:
    """Which staff roles must use two-factor authentication (enrolment at their next log-in)."""
    wanted = set(roles)
    if unknown := wanted - STAFF_ROLES:
        raise ValidationError(
            {"roles": [_("Rol desconocido: %(role)s") % {"role": ", ".join(sorted(unknown))}]}
        )
    before = set(TwoFactorRole.objects.values_list("role", flat=True))
    TwoFactorRole.objects.filter(role__in=before - wanted).delete()
    TwoFactorRole.objects.bulk_create([TwoFactorRole(role=r) for r in sorted(wanted - before)])
    for role in sorted(before ^ wanted):
        group, _created = Group.objects.get_or_create(name=role)
        audit_record(
            actor=actor,
            action=AuditAction.TWO_FACTOR_POLICY,
            target=group,
            changes={"two_factor_required": [role in before, role in wanted]},
        )
