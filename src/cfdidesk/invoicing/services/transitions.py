"""A document's state changes only through these moves; each one leaves a history row."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Document, DocumentTransition, State

S = State
# Reprocessing (the seed's input = 1) sends a document back to "received" so it is rebuilt from
# its movement; holding it (input = 0) leaves a valid pre-document in "pre", which the generator
# does not take; a stamped document is never rebuilt.
ALLOWED: dict[str, frozenset[str]] = {
    S.RECEIVED: frozenset({S.PRE, S.MAPPING_ERROR, S.CANCELLED}),
    S.PRE: frozenset({S.WAITING_FOR_INPUT, S.VALIDATION_ERROR, S.RECEIVED, S.CANCELLED}),
    S.MAPPING_ERROR: frozenset({S.RECEIVED, S.CANCELLED}),
    S.VALIDATION_ERROR: frozenset({S.RECEIVED, S.CANCELLED}),
    S.WAITING_FOR_INPUT: frozenset({S.STAMPED, S.GENERATOR_ERROR, S.NO_CREDITS, S.PRE, S.RECEIVED, S.CANCELLED}),
    S.NO_CREDITS: frozenset({S.STAMPED, S.GENERATOR_ERROR, S.PRE, S.RECEIVED, S.CANCELLED}),
    S.GENERATOR_ERROR: frozenset({S.RECEIVED, S.CANCELLED}),
    S.STAMPED: frozenset(),
    S.CANCELLED: frozenset(),
}


def refuse(current: str, target: str) -> ValidationError:
    return ValidationError(
        {"state": [_("Un documento «%(current)s» no puede pasar a «%(target)s».")
                   % {"current": State(current).label, "target": State(target).label}]}
    )


def move(document: Document, to: str, *, actor=None, reason: str = "", now=None) -> DocumentTransition:
    """Change `document.state` in memory and return its (unsaved) history row.

    The caller holds the document's row lock and saves both: one by one (document_transition)
    or in bulk (the pipeline).
    """
    if to not in ALLOWED[document.state]:
        raise refuse(document.state, to)
    row = DocumentTransition(
        document_id=document.pk, from_state=document.state, to_state=to,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        reason=reason[:500], created_at=now or timezone.now(),
    )
    document.state = to
    return row
