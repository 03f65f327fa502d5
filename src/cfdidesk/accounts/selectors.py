"""Reads of users by role."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from .roles import STAFF_ROLES


def staff_users() -> QuerySet:
    """Active users with a staff role (the people a ticket can be assigned to), by name."""
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=STAFF_ROLES)
        .distinct()
        .order_by("first_name", "username")
    )
