"""A document's state changes only through these moves; each one leaves a history row."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from cfdidesk.core.actors import actor_or_none

from ..models import Document, DocumentTransition, State, StateCount

S = State
# Reprocessing (the seed's input = 1) sends a document back to "received" so it is rebuilt from
# its movement; holding it (input = 0) leaves a valid pre-document in "pre", which the generator
# does not take; a stamped document is never rebuilt.
ALLOWED: dict[str, frozenset[str]] = {
    S.RECEIVED: frozenset({S.PRE, S.MAPPING_ERROR, S.CANCELLED}),
    S.PRE: frozenset({S.WAITING_FOR_INPUT, S.VALIDATION_ERROR, S.RECEIVED, S.CANCELLED}),
    S.MAPPING_ERROR: frozenset({S.RECEIVED, S.CANCELLED}),
    S.VALIDATION_ERROR: frozenset({S.RECEIVED, S.CANCELLED}),
    S.WAITING_FOR_INPUT: frozenset(
        {S.STAMPED, S.GENERATOR_ERROR, S.NO_CREDITS, S.PRE, S.RECEIVED, S.CANCELLED}
    ),
    S.NO_CREDITS: frozenset({S.STAMPED, S.GENERATOR_ERROR, S.PRE, S.RECEIVED, S.CANCELLED}),
    S.GENERATOR_ERROR: frozenset({S.RECEIVED, S.CANCELLED}),
    S.STAMPED: frozenset(),
    S.CANCELLED: frozenset(),
}


def _sources(target: str) -> frozenset[str]:
    """The states from which a document may move to `target`."""
    return frozenset(state for state, targets in ALLOWED.items() if target in targets)


# What support may do to a document, derived from the moves above. Reprocessing moves it back to
# "received"; cancelling moves it to "cancelled"; holding (input = 0) leaves a document the pipeline
# would still take resting in "pre" (or in "received" when it is not mapped yet).
REPROCESSABLE = _sources(S.RECEIVED)
CANCELLABLE = _sources(S.CANCELLED)
HOLDABLE = _sources(S.PRE)


@dataclass(frozen=True)
class DocumentActions:
    reprocess: bool
    hold: bool
    cancel: bool


def document_actions(*, document: Document) -> DocumentActions:
    """Which actions the document allows now: the one answer for the pages, templates and the API."""
    return DocumentActions(
        reprocess=document.state in REPROCESSABLE,
        hold=document.input_flag and document.state in HOLDABLE,
        cancel=document.state in CANCELLABLE,
    )


def _refuse(current: str, target: str) -> ValidationError:
    return ValidationError(
        {
            "state": [
                _("Un documento «%(current)s» no puede pasar a «%(target)s».")
                % {"current": State(current).label, "target": State(target).label}
            ]
        }
    )


def document_move(
    *, document: Document, to: str, actor=None, reason: str = "", now=None
) -> DocumentTransition:
    """Change `document.state` in memory and return its (unsaved) history row.

    The caller holds the document's row lock, saves the document and hands the row to
    transitions_save (one by one or in bulk).
    """
    if to not in ALLOWED[document.state]:
        raise _refuse(document.state, to)
    row = DocumentTransition(
        document_id=document.pk,
        from_state=document.state,
        to_state=to,
        actor=actor_or_none(actor),
        reason=reason[:500],
        created_at=now or timezone.now(),
    )
    document.state = to
    return row


def transitions_save(*, environment_id: int, rows: list[DocumentTransition]) -> None:
    """Write history rows and move the environment's per-state counters by the same amounts.

    The one place where a state count changes: every history row is a move from `from_state`
    ("" for a new document) to `to_state`. Must run inside the transaction that saved the
    documents. Counters are updated in state order (no deadlock between two writers) and with
    `count = count + delta`, so concurrent writers never lose an update.
    """
    if not rows:
        return
    DocumentTransition.objects.bulk_create(rows, batch_size=1000)
    deltas: Counter[str] = Counter()
    for row in rows:
        if row.from_state:
            deltas[row.from_state] -= 1
        deltas[row.to_state] += 1
    with transaction.atomic():
        for state in sorted(deltas):
            delta = deltas[state]
            if delta:
                _add(environment_id, state, delta)


def _add(environment_id: int, state: str, delta: int) -> None:
    counter = StateCount.objects.filter(environment_id=environment_id, state=state)
    if counter.update(count=F("count") + delta):
        return
    try:
        with transaction.atomic():
            StateCount.objects.create(environment_id=environment_id, state=state, count=delta)
    except IntegrityError:  # created meanwhile by another writer
        counter.update(count=F("count") + delta)
