"""Movements in: from the API (one or a batch) and from uploaded files, through one service.

A batch is all or nothing. Every movement is checked before anything is written; if one is
malformed, uses a code outside SAT's catalogs, has a zero or negative quantity, or reuses a
movement id with different content, the whole batch is refused with one message per problem
and nothing is stored. Why: the customer's system fixes the batch and sends it again as it was;
movements already accepted then come back as "ya recibido" (same id, same content), so a resend
is always safe and no half-loaded batch has to be reconciled by hand.

A paused environment accepts movements: they are mapped and validated at once and wait for
the generator, in arrival order, until it is resumed. Pausing is a support action (seed 000:
"paramos el generador") that must not make the customer's system lose or retry its movements.
An environment that is inactive refuses them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cfdidesk.core.actors import actor_or_none

from ..models import Document, DocumentTransition, InvoicingEnvironment, LogLine, Movement, State
from ..movements import content_hash, normalize_movement
from ..naming import pre_file_name
from .log import log_line_build, log_write
from .scheduling import pipeline_schedule
from .transitions import transitions_save


@dataclass(frozen=True)
class ItemError:
    index: int
    movement_id: str
    field: str
    message: str

    def as_dict(self) -> dict:
        return {
            "index": self.index,
            "movement_id": self.movement_id,
            "field": self.field,
            "message": self.message,
        }


class IntakeRefused(Exception):
    """The batch was refused as a whole; `errors` says what is wrong with which movement."""

    def __init__(self, message: str, errors: list[ItemError] | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors or []


@dataclass(frozen=True)
class IntakeItem:
    index: int
    movement_id: str
    status: str  # "accepted" | "already_received"
    document_id: int | None


@dataclass
class IntakeResult:
    items: list[IntakeItem] = field(default_factory=list)

    @property
    def accepted(self) -> int:
        return sum(1 for i in self.items if i.status == "accepted")

    @property
    def already_received(self) -> int:
        return sum(1 for i in self.items if i.status == "already_received")


ACCEPTED, ALREADY = "accepted", "already_received"


def movements_receive(
    *,
    environment: InvoicingEnvironment,
    payloads: list,
    actor=None,
    source: str = Movement.Source.API,
    max_items: int | None = None,
) -> IntakeResult:
    """Check and store a batch of movements; each new one becomes a document the pipeline takes."""
    _check_batch(environment, payloads, max_items or settings.INVOICING_BATCH_MAX)
    movements, duplicates = _normalize_batch(payloads)
    for attempt in range(2):
        try:
            return _store(environment, movements, duplicates, actor=actor, source=source)
        except _Conflict as conflict:
            raise IntakeRefused(_refusal(conflict.errors), conflict.errors) from None
        except IntegrityError:
            # Another request stored one of these ids between our check and our insert: check again.
            if attempt:
                raise
    raise AssertionError("unreachable")


def _check_batch(environment: InvoicingEnvironment, payloads, limit: int) -> None:
    if not isinstance(payloads, list) or not payloads:
        raise IntakeRefused(_("No llegó ningún movimiento."))
    if len(payloads) > limit:
        raise IntakeRefused(
            _("Llegaron %(n)s movimientos; el máximo por envío es %(max)s. Divide el envío.")
            % {"n": f"{len(payloads):,}", "max": f"{limit:,}"}
        )
    if not environment.is_active:
        raise IntakeRefused(
            _("El ambiente «%(name)s» está dado de baja: no recibe movimientos.")
            % {"name": environment.name}
        )


def _normalize_batch(
    payloads: list,
) -> tuple[list[tuple[int, dict, str]], list[tuple[int, str]]]:
    """(index, movement, hash) of the first appearance of each id, and (index, movement id) of
    those repeated in the batch with the same content; IntakeRefused if any is wrong."""
    errors: list[ItemError] = []
    movements: list[tuple[int, dict, str]] = []
    seen: dict[str, tuple[int, str]] = {}
    duplicates: list[tuple[int, str]] = []
    for index, raw in enumerate(payloads):
        movement, problems = normalize_movement(raw)
        if movement is None:  # then it has problems
            raw_id = str(raw.get("movement_id", ""))[:100] if isinstance(raw, dict) else ""
            errors.extend(ItemError(index, raw_id, p.field, p.message) for p in problems)
            continue
        digest = content_hash(movement)
        mid = movement["movement_id"]
        if mid not in seen:
            seen[mid] = (index, digest)
            movements.append((index, movement, digest))
            continue
        first_index, first_digest = seen[mid]
        if first_digest == digest:
            duplicates.append((index, mid))
            continue
        errors.append(
            ItemError(
                index,
                mid,
                "movement_id",
                _(
                    "El movimiento %(id)s viene dos veces en el envío con distinto contenido (posiciones %(a)d y %(b)d)."
                )
                % {"id": mid, "a": first_index + 1, "b": index + 1},
            )
        )
    if errors:
        raise IntakeRefused(_refusal(errors), errors)
    return movements, duplicates


class _Conflict(Exception):
    def __init__(self, errors: list[ItemError]):
        self.errors = errors


def _refusal(errors: list[ItemError]) -> str:
    movements = len({e.index for e in errors})
    return ngettext(
        "El envío se rechazó completo: %(n)d movimiento tiene errores. No se guardó nada.",
        "El envío se rechazó completo: %(n)d movimientos tienen errores. No se guardó nada.",
        movements,
    ) % {"n": movements}


def _existing(
    environment: InvoicingEnvironment, ids: list[str]
) -> dict[str, tuple[str, int | None]]:
    found: dict[str, tuple[str, int | None]] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        rows = Movement.objects.filter(environment=environment, movement_id__in=chunk).values_list(
            "movement_id", "content_hash", "document__id"
        )
        found.update({mid: (digest, doc_id) for mid, digest, doc_id in rows})
    return found


@transaction.atomic
def _store(environment, movements, duplicates, *, actor, source) -> IntakeResult:
    existing = _existing(environment, [m["movement_id"] for _i, m, _d in movements])
    items: list[IntakeItem] = []
    conflicts: list[ItemError] = []
    new: list[tuple[int, dict, str]] = []
    for index, movement, digest in movements:
        mid = movement["movement_id"]
        if mid in existing:
            stored_digest, doc_id = existing[mid]
            if stored_digest == digest:
                items.append(IntakeItem(index, mid, ALREADY, doc_id))
            else:
                conflicts.append(
                    ItemError(
                        index,
                        mid,
                        "movement_id",
                        _(
                            "El movimiento %(id)s ya se recibió con otro contenido; un movimiento no se reemplaza: "
                            "envíalo con otro número de movimiento o pide a soporte que lo corrija."
                        )
                        % {"id": mid},
                    )
                )
        else:
            new.append((index, movement, digest))
    if conflicts:
        raise _Conflict(conflicts)

    now = timezone.now()
    user = actor_or_none(actor)
    rows = Movement.objects.bulk_create(
        [
            Movement(
                environment=environment,
                movement_id=m["movement_id"],
                payload=m,
                content_hash=digest,
                source=source,
                received_by=user,
                received_at=now,
            )
            for _i, m, digest in new
        ],
        batch_size=500,
    )
    documents = []
    for (_index, m, _digest), row in zip(new, rows, strict=True):
        series = m.get("series") or environment.series_for(m["document_type"])
        documents.append(
            Document(
                environment=environment,
                source_movement=row,
                movement_id=m["movement_id"],
                document_type=m["document_type"],
                series=series,
                state=State.RECEIVED,
                input_flag=True,
                receptor_rfc=m["receptor"]["rfc"],
                receptor_name=m["receptor"]["name"][:300],
                currency=(m.get("payment") or {}).get("currency", "XXX")
                if m["document_type"] == "P"
                else m.get("currency", "MXN"),
                file_name=pre_file_name(series, None, m["movement_id"]),
                created_at=now,
            )
        )
    Document.objects.bulk_create(documents, batch_size=500)
    origin = Movement.Source(source).label
    reason = _("Movimiento recibido (%(source)s).") % {
        "source": origin
    }  # translated once, not per row
    transitions_save(
        environment_id=environment.pk,
        rows=[
            DocumentTransition(
                document_id=d.pk,
                from_state="",
                to_state=State.RECEIVED,
                actor=user,
                reason=reason,
                created_at=now,
            )
            for d in documents
        ],
    )
    text = _("Movimiento recibido por %(origin)s: documento %(doc)s, serie «%(series)s».")
    log_write(
        lines=[
            log_line_build(
                environment_id=environment.pk,
                stage=LogLine.Stage.INTAKE,
                message=text % {"origin": origin, "doc": d.pk, "series": d.series},
                movement_id=d.movement_id,
                now=now,
            )
            for d in documents
        ]
    )
    for (index, m, _digest), d in zip(new, documents, strict=True):
        items.append(IntakeItem(index, m["movement_id"], ACCEPTED, d.pk))
    for index, mid in duplicates:
        items.append(IntakeItem(index, mid, ALREADY, None))
    items.sort(key=lambda i: i.index)
    by_id = {i.movement_id: i.document_id for i in items if i.document_id}
    items = [
        i
        if i.document_id
        else IntakeItem(i.index, i.movement_id, i.status, by_id.get(i.movement_id))
        for i in items
    ]
    if documents:
        pipeline_schedule(environment_id=environment.pk)
    return IntakeResult(items)
