"""Users: accounts and their roles, deactivation, and the links that set a password.

Every write is one transaction with its audit row. E-mails with a set-password link (an
invitation or a reset) are sent by the worker once the transaction commits
(tasks.send_password_link); the link is made when the e-mail is sent, from Django's
PasswordResetTokenGenerator, so no token is stored anywhere. It works once (setting the password
changes what it was signed with) and for settings.PASSWORD_RESET_TIMEOUT.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext as _

from cfdidesk.audit.services import audit_record
from cfdidesk.core.audit_actions import AuditAction
from cfdidesk.core.changes import diff
from cfdidesk.core.people import display_name
from cfdidesk.core.tasks import enqueue_on_commit

from ..roles import ADMINISTRATOR, PORTAL, STAFF_ROLES
from ..rules import role_errors, username_errors

LINK_TASK = "cfdidesk.accounts.tasks.send_password_link"
INVITE = "invite"
RESET = "reset"
NAME_MAX = 150


def _wanted_roles(role: str | None, many) -> set[str]:
    wanted = set(many or ())
    if role:
        wanted.add(role)
    return wanted


def _email_errors(email: str, *, required: bool, exclude_pk=None) -> list[str]:
    if not email:
        return [_("Escribe el correo electrónico.")] if required else []
    try:
        validate_email(email)
    except ValidationError:
        return [_("«%(email)s» no es un correo electrónico válido.") % {"email": email}]
    taken = get_user_model().objects.filter(email__iexact=email)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        return [_("Ya existe un usuario con el correo %(email)s.") % {"email": email}]
    return []


def _password_errors(password: str, again: str | None, user) -> list[str]:
    """Why a password cannot be used (AUTH_PASSWORD_VALIDATORS, and the repeated copy)."""
    if not password:
        return [_("Escribe la contraseña.")]
    if again is not None and again != password:
        return [_("Las dos contraseñas no coinciden.")]
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        return list(exc.messages)
    return []


def _set_roles(user, wanted: set[str]) -> None:
    groups = [Group.objects.get_or_create(name=name)[0] for name in sorted(wanted)]
    user.groups.set(groups)
    user.__dict__.pop("_cfdidesk_roles", None)  # roles_of() reads them again


def _role_names(user) -> set[str]:
    return set(user.groups.values_list("name", flat=True))


def _new_user_errors(*, username, email, wanted, invite, password, password_again, candidate):
    User = get_user_model()
    errors: dict[str, list[str]] = {}
    if problems := username_errors(username):
        errors["username"] = problems
    elif User.objects.filter(username__iexact=username).exists():
        errors["username"] = [_("Ya existe un usuario con ese nombre.")]
    if problems := _email_errors(email, required=invite):
        errors["email"] = problems
    if problems := role_errors(wanted):
        errors["roles"] = problems
    if password and (problems := _password_errors(password, password_again, candidate)):
        errors["password"] = problems
    return errors


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str | None = None,
    password_again: str | None = None,
    role: str | None = None,
    roles: list[str] | tuple[str, ...] | set[str] | None = None,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
    actor=None,
    invite: bool = False,
    language: str = "",
):
    """Create an account with its role(s). Without a password it cannot sign in until it sets one:
    `invite` e-mails it the link to do so (after the commit)."""
    User = get_user_model()
    username = (username or "").strip()
    email = (email or "").strip().lower()
    first_name, last_name = (
        (first_name or "").strip()[:NAME_MAX],
        (last_name or "").strip()[:NAME_MAX],
    )
    wanted = _wanted_roles(role, roles)
    candidate = User(username=username, email=email, first_name=first_name, last_name=last_name)
    errors = _new_user_errors(
        username=username,
        email=email,
        wanted=wanted,
        invite=invite,
        password=password,
        password_again=password_again,
        candidate=candidate,
    )
    if errors:
        raise ValidationError(errors)
    user = User.objects.create_user(
        username=username,
        password=password or None,
        email=email,
        first_name=first_name,
        last_name=last_name,
    )
    _set_roles(user, wanted)
    audit_record(
        actor=actor,
        action=AuditAction.USER_CREATE,
        target=user,
        changes={"role": ", ".join(sorted(wanted)), "email": email},
    )
    if invite:
        _send_link(actor=actor, user=user, kind=INVITE, language=language)
    return user


def _is_administrator(user, names: set[str] | None = None) -> bool:
    return user.is_superuser or ADMINISTRATOR in (names if names is not None else _role_names(user))


def _guard_last_administrator(user) -> None:
    """Refuse to leave the desk without an active administrator."""
    User = get_user_model()
    admins = Q(is_superuser=True) | Q(groups__name=ADMINISTRATOR)
    ids = list(User.objects.filter(admins, is_active=True).values_list("pk", flat=True).distinct())
    # Locked, then counted again: two administrators removing each other at once cannot both win.
    list(User.objects.select_for_update().filter(pk__in=ids).values_list("pk", flat=True))
    others = User.objects.filter(admins, pk__in=ids, is_active=True).exclude(pk=user.pk)
    if not others.exists():
        raise ValidationError(
            {
                "__all__": [
                    _(
                        "Es el último administrador activo: nombra antes a otro administrador, o la mesa se quedaría sin quien la administre."
                    )
                ]
            }
        )


@transaction.atomic
def user_update(
    *,
    actor,
    user,
    email: str,
    first_name: str,
    last_name: str,
    roles: list[str] | tuple[str, ...] | set[str] | None = None,
):
    """Change name, e-mail and (for staff) roles. A portal contact's role is not changed here."""
    email = (email or "").strip().lower()
    values = {
        "email": email,
        "first_name": (first_name or "").strip()[:NAME_MAX],
        "last_name": (last_name or "").strip()[:NAME_MAX],
    }
    errors: dict[str, list[str]] = {}
    if problems := _email_errors(email, required=False, exclude_pk=user.pk):
        errors["email"] = problems
    before_roles = _role_names(user)
    wanted = set(roles) if roles is not None else before_roles
    if PORTAL in before_roles and wanted != before_roles:
        errors["roles"] = [
            _(
                "Los roles de un contacto del portal no se cambian aquí: su acceso se da o se quita desde el cliente."
            )
        ]
    elif problems := role_errors(wanted):
        errors["roles"] = problems
    if errors:
        raise ValidationError(errors)
    if _is_administrator(user, before_roles) and not _is_administrator(user, wanted):
        _guard_last_administrator(user)
    changes = diff({f: getattr(user, f) for f in values}, values)
    if wanted != before_roles:
        changes["roles"] = [", ".join(sorted(before_roles)), ", ".join(sorted(wanted))]
        _set_roles(user, wanted)
    if changes:
        for field, value in values.items():
            setattr(user, field, value)
        user.save(update_fields=list(values))
        audit_record(actor=actor, action=AuditAction.USER_UPDATE, target=user, changes=changes)
    return user


@transaction.atomic
def user_deactivate(*, actor, user, forget_password: bool = False) -> None:
    """The account can no longer sign in nor use its API tokens; its history stays.

    `forget_password` also makes its password unusable (portal access taken away: coming back
    needs a new invitation)."""
    if actor is not None and actor.pk == user.pk:
        raise ValidationError({"__all__": [_("No puedes desactivar tu propia cuenta.")]})
    if user.is_active and _is_administrator(user):
        _guard_last_administrator(user)
    fields = []
    if user.is_active:
        user.is_active = False
        fields.append("is_active")
    if forget_password and user.has_usable_password():
        user.set_unusable_password()
        fields.append("password")
    if fields:
        user.save(update_fields=fields)
        audit_record(actor=actor, action=AuditAction.USER_DEACTIVATE, target=user)


@transaction.atomic
def user_reactivate(*, actor, user) -> None:
    if not user.is_active:
        user.is_active = True
        user.save(update_fields=["is_active"])
        audit_record(actor=actor, action=AuditAction.USER_REACTIVATE, target=user)


def _send_link(*, actor, user, kind: str, language: str = "") -> None:
    audit_record(
        actor=actor, action=AuditAction.USER_PASSWORD_LINK, target=user, changes={"kind": kind}
    )
    enqueue_on_commit(LINK_TASK, user.pk, kind, language or "")


@transaction.atomic
def password_link_send(*, actor, user, kind: str = RESET, language: str = "") -> None:
    """E-mail the user a link to set a new password (sent after the commit)."""
    if not user.is_active:
        raise ValidationError(
            {"__all__": [_("La cuenta está desactivada: reactívala antes de enviarle un enlace.")]}
        )
    if not user.email:
        raise ValidationError(
            {
                "__all__": [
                    _("La cuenta no tiene correo electrónico: agrégalo para enviarle el enlace.")
                ]
            }
        )
    _send_link(actor=actor, user=user, kind=kind, language=language)


def link_hours() -> int:
    return max(1, settings.PASSWORD_RESET_TIMEOUT // 3600)


def _password_link_url(user) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return settings.SITE_URL + reverse("accounts:password_set", args=[uid, token])


def password_link_deliver(*, user_id: int, kind: str, language: str = "") -> bool:
    """Make the link and e-mail it (the worker calls this); False if the account cannot use it."""
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.email:
        return False
    url = _password_link_url(user)
    with translation.override(language or settings.LANGUAGE_CODE):
        if kind == INVITE:
            subject = _("Tu acceso a CFDI Desk")
            intro = _(
                "Te dieron acceso a CFDI Desk con el usuario «%(username)s». Para entrar, elige tu contraseña en este enlace:"
            ) % {"username": user.username}
        else:
            subject = _("Restablece tu contraseña de CFDI Desk")
            intro = _(
                "Un administrador pidió que restablezcas tu contraseña de CFDI Desk (usuario «%(username)s»). Elige una nueva en este enlace:"
            ) % {"username": user.username}
        body = "\n\n".join(
            [
                _("Hola, %(name)s:") % {"name": display_name(user)},
                intro,
                url,
                _("El enlace funciona una sola vez y caduca en %(hours)d horas.")
                % {"hours": link_hours()},
                _(
                    "Si no esperabas este correo, ignóralo: tu cuenta no cambia si no abres el enlace."
                ),
            ]
        )
    send_mail(subject, body, None, [user.email])
    return True


def password_link_user(*, uidb64: str, token: str):
    """The active user the link belongs to, if the link is still good; None otherwise."""
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (TypeError, ValueError, OverflowError):
        return None
    user = get_user_model().objects.filter(pk=pk, is_active=True).first()
    if user is None or not default_token_generator.check_token(user, token):
        return None
    return user


@transaction.atomic
def password_set(*, uidb64: str, token: str, password: str, password_again: str):
    """Set the password through an e-mailed link; the link stops working at once."""
    user = password_link_user(uidb64=uidb64, token=token)
    if user is not None:
        # Locked and checked again: the same link opened twice sets one password.
        user = get_user_model().objects.select_for_update().get(pk=user.pk)
        if not default_token_generator.check_token(user, token):
            user = None
    if user is None:
        raise ValidationError(
            {
                "__all__": [
                    _(
                        "El enlace ya no sirve: caducó o ya se usó. Pide uno nuevo a un administrador."
                    )
                ]
            }
        )
    if problems := _password_errors(password, password_again, user):
        raise ValidationError({"password": problems})
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_record(actor=user, action=AuditAction.USER_PASSWORD_SET, target=user)
    return user


@transaction.atomic
def portal_access_grant(
    *, actor, user=None, email: str, first_name: str, last_name: str, language: str = ""
):
    """Create (or bring back) a customer contact's portal account and e-mail the invitation."""
    if user is None:
        return user_create(
            username=email,
            email=email,
            first_name=first_name,
            last_name=last_name,
            role=PORTAL,
            actor=actor,
            invite=True,
            language=language,
        )
    names = _role_names(user)
    if names & STAFF_ROLES or user.is_superuser:
        raise ValidationError(
            {
                "__all__": [
                    _("Esa cuenta es del equipo de soporte; un contacto necesita su propia cuenta.")
                ]
            }
        )
    if PORTAL not in names:
        _set_roles(user, names | {PORTAL})
    user_reactivate(actor=actor, user=user)
    password_link_send(actor=actor, user=user, kind=INVITE, language=language)
    return user


@transaction.atomic
def portal_access_revoke(*, actor, user) -> None:
    """The contact can no longer enter the portal (by password or by e-mailed link)."""
    user_deactivate(actor=actor, user=user, forget_password=True)
