"""What changed between two readings of an object, as the audit log and the timeline record it."""

from __future__ import annotations

from typing import Any


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """The fields whose value changed, as {field: [old, new]}."""
    return {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}
