"""How people are named on pages, e-mails, alerts and the API: one rule."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _


def display_name(user: Any, fallback: str = "") -> str:
    """A user's full name, else username; `fallback` (or "Sistema") when there is no user."""
    if user is None:
        return fallback or _("Sistema")
    return user.get_full_name() or user.username
