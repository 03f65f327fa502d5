"""Reads of users: by role, the administrators' user list, second factors."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import TwoFactorRole
from .roles import ROLE_LABELS, STAFF_ROLES, roles_of

STATES = {"activos": Q(is_active=True), "inactivos": Q(is_active=False), "todos": Q()}
DEFAULT_STATE = "activos"


def staff_users() -> QuerySet:
    """Active users with a staff role (the people a ticket can be assigned to), by name."""
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=STAFF_ROLES)
        .distinct()
        .order_by("first_name", "username")
    )


def user_list(*, query: str = "", role: str = "", state: str = DEFAULT_STATE) -> QuerySet:
    """Users for Administración → Usuarios: search by username, name or e-mail (part of any),
    one role or all, active or not; with their roles and whether they use a second factor."""
    users = get_user_model().objects.filter(STATES.get(state, STATES[DEFAULT_STATE]))
    text = (query or "").strip()
    if text:
        users = users.filter(
            Q(username__icontains=text)
            | Q(email__icontains=text)
            | Q(first_name__icontains=text)
            | Q(last_name__icontains=text)
        )
    if role in ROLE_LABELS:
        users = users.filter(groups__name=role)
    return (
        users.annotate(
            has_two_factor=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True))
        )
        .prefetch_related(Prefetch("groups", queryset=Group.objects.only("name")))
        .order_by("username", "id")
    )


def user_by_id(pk: int):
    return get_user_model().objects.filter(pk=pk).first()


def role_names(user) -> set[str]:
    """The user's role codes, read now (roles.roles_of keeps them for the request)."""
    return set(user.groups.values_list("name", flat=True))


def two_factor_roles() -> set[str]:
    return set(TwoFactorRole.objects.values_list("role", flat=True))


@dataclass(frozen=True)
class TwoFactorState:
    enabled: bool
    pending: bool
    recovery_left: int
    required: bool


def two_factor_state(user) -> TwoFactorState:
    """Whether the user has a confirmed app, an enrolment under way, and recovery codes left."""
    devices = list(TOTPDevice.objects.filter(user=user).values_list("confirmed", flat=True))
    names = role_names(user)
    return TwoFactorState(
        enabled=True in devices,
        pending=False in devices,
        recovery_left=StaticToken.objects.filter(device__user=user).count(),
        required=TwoFactorRole.objects.filter(role__in=names).exists(),
    )


def has_two_factor(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def two_factor_required(user) -> bool:
    """Whether one of the user's roles must use two-factor authentication."""
    names = roles_of(user)
    return bool(names) and TwoFactorRole.objects.filter(role__in=names).exists()


def pending_totp_device(user) -> TOTPDevice | None:
    """The authenticator being set up (not confirmed yet), if any."""
    return TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
