"""Roles are groups; what each role may do is decided here and nowhere else."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

CONSULTANT = "consultant"
SUPERVISOR = "supervisor"
BILLING = "billing"
ADMINISTRATOR = "administrator"
PORTAL = "portal"

ROLE_LABELS = {
    CONSULTANT: _("Consultor"),
    SUPERVISOR: _("Supervisor"),
    BILLING: _("Facturación"),
    ADMINISTRATOR: _("Administrador"),
    PORTAL: _("Contacto del portal"),
}
STAFF_ROLES = frozenset({CONSULTANT, SUPERVISOR, BILLING, ADMINISTRATOR})

PORTAL_ONLY = frozenset({PORTAL})
CAPABILITIES: dict[str, frozenset[str]] = {
    "customers.view": STAFF_ROLES,
    "customers.edit": STAFF_ROLES,
    "customers.delete": frozenset({SUPERVISOR, ADMINISTRATOR}),
    "customers.import": frozenset({SUPERVISOR, BILLING, ADMINISTRATOR}),
    "customers.export": frozenset({SUPERVISOR, BILLING, ADMINISTRATOR}),
    "settings.manage": frozenset({ADMINISTRATOR}),
    "tickets.view": STAFF_ROLES,
    "tickets.edit": STAFF_ROLES,
    "kb.view": STAFF_ROLES,
    "kb.edit": STAFF_ROLES,
    "portal.use": frozenset({PORTAL}),
}


def roles_of(user) -> frozenset[str]:
    """The user's role codes, read once per request object."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    cached = getattr(user, "_cfdidesk_roles", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._cfdidesk_roles = cached
    return cached


def has_capability(user, capability: str) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    allowed = CAPABILITIES[capability]
    if user.is_superuser:
        # Superusers may do everything staff may; the portal is for customer contacts only.
        return allowed != PORTAL_ONLY
    return bool(roles_of(user) & allowed)


def is_staff_member(user) -> bool:
    return bool(getattr(user, "is_superuser", False) or roles_of(user) & STAFF_ROLES)


def role_labels(user) -> list[str]:
    return [str(ROLE_LABELS[r]) for r in sorted(roles_of(user)) if r in ROLE_LABELS]
