"""Reads of the audit log."""

from __future__ import annotations

from django.db import models

from .models import AuditEntry


def audit_for(target: models.Model, *, limit: int = 50):
    """The latest entries about one object (its history on its page), newest first."""
    return (
        AuditEntry.objects.filter(target_type=target._meta.label_lower, target_id=str(target.pk))
        .select_related("actor")
        .order_by("-created_at", "-id")[:limit]
    )
