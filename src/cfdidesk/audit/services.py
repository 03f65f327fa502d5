from __future__ import annotations

from django.db import models

from cfdidesk.core.actors import actor_or_none
from cfdidesk.core.audit_actions import AuditAction

from .models import AuditEntry


def _jsonable(value):
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    return str(value)


def audit_record(
    *, actor, action: str, target: models.Model, changes: dict | None = None
) -> AuditEntry:
    """Write one audit row. Call it inside the service's transaction so both commit together.

    `action` is one of core.audit_actions.AuditAction; any other raises ValueError."""
    return AuditEntry.objects.create(
        actor=actor_or_none(actor),
        action=AuditAction(action).value,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        changes=_jsonable(changes or {}),
    )
