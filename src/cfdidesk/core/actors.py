"""Who did it: the signed-in user behind a request, or nobody (the system, an e-mail, a task)."""

from __future__ import annotations

from typing import Any


def actor_or_none(actor: Any) -> Any:
    """The user to record as author: `actor` when it is a signed-in user, else None (anonymous,
    the system, a customer's e-mail)."""
    return actor if getattr(actor, "is_authenticated", False) else None
