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
    # Administración → Usuarios: staff accounts, their roles, passwords and two-factor rules.
    "users.manage": frozenset({ADMINISTRATOR}),
    # Two-factor authentication on one's own account (for the staff; contacts use the portal).
    "account.two_factor": STAFF_ROLES,
    # Giving a customer contact access to the portal (an invitation e-mail), and taking it away.
    "customers.portal": frozenset({CONSULTANT, SUPERVISOR, ADMINISTRATOR}),
    "tickets.view": STAFF_ROLES,
    "tickets.edit": STAFF_ROLES,
    "kb.view": STAFF_ROLES,
    "kb.edit": STAFF_ROLES,
    # The on-call roster: everyone on staff sees who is on duty; supervisors and administrators plan it.
    "oncall.view": STAFF_ROLES,
    "oncall.manage": frozenset({SUPERVISOR, ADMINISTRATOR}),
    # The supervisor's dashboard (the home page of supervisors and administrators, and the API).
    "dashboard.view": frozenset({SUPERVISOR, ADMINISTRATOR}),
    "portal.use": frozenset({PORTAL}),
    # Invoicing pipeline: staff read environments, documents and the debug log, send movements,
    # pause/resume generators and reprocess (seed 000's procedures); administrators configure
    # environments and their CSD; billing and administrators load stamp credits.
    "invoicing.view": STAFF_ROLES,
    "invoicing.operate": STAFF_ROLES,
    "invoicing.manage": frozenset({ADMINISTRATOR}),
    "invoicing.credits": frozenset({BILLING, ADMINISTRATOR}),
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
