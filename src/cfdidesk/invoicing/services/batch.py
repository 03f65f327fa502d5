"""What the pipeline's two steps share: the batch's counts, claiming its documents, writing them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import cast

from django.db import connection
from django.db.models import Field

from ..models import Document, DocumentTransition, DocumentXml, InvoicingEnvironment, LogLine
from .log import log_line_build, log_write
from .transitions import document_move


@dataclass
class BatchStats:
    prepared: int = 0
    stamped: int = 0
    failed: int = 0
    no_credits: int = 0
    # History rows of the batch, written with the state counters at its very end: the counters'
    # rows are locked last, after every document row, so a user's action on one document (row,
    # then counters) never waits in a cycle with the batch.
    transitions: list = field(default_factory=list)

    @property
    def done(self) -> int:
        return self.prepared + self.stamped + self.failed + self.no_credits


@dataclass
class StepWrites:
    """What one step of a batch (prepare or generate) writes at its end: history, XML, log lines."""

    environment_id: int
    now: datetime
    transitions: list[DocumentTransition] = field(default_factory=list)
    xml_rows: list[DocumentXml] = field(default_factory=list)
    lines: list[LogLine] = field(default_factory=list)

    def move(self, document: Document, to: str, reason: str = "") -> None:
        self.transitions.append(
            document_move(document=document, to=to, reason=reason, now=self.now)
        )

    def log(
        self, stage: str, message: str, *, movement_id: str, level: str = LogLine.Level.INFO
    ) -> None:
        self.lines.append(
            log_line_build(
                environment_id=self.environment_id,
                stage=stage,
                message=message,
                movement_id=movement_id,
                level=level,
                now=self.now,
            )
        )


def documents_claim(
    *, environment: InvoicingEnvironment, states: list[str], limit: int
) -> list[Document]:
    """The environment's next flagged documents in these states, in arrival order, row-locked."""
    return list(
        Document.objects.select_for_update(of=("self",))
        .select_related("source_movement")
        .filter(environment=environment, input_flag=True, state__in=states)
        .order_by("id")[:limit]
    )


def _update_documents(documents: list[Document], fields: list[str]) -> None:
    """One prepared UPDATE run for every row (executemany): bulk_update's CASE per column costs more
    than the sealing itself at these batch sizes."""
    concrete = [cast(Field, Document._meta.get_field(name)) for name in fields]
    table = connection.ops.quote_name(Document._meta.db_table)
    assignments = ", ".join(
        f"{connection.ops.quote_name(cast(str, f.column))} = %s" for f in concrete
    )
    rows = [
        [*(f.get_db_prep_save(getattr(d, f.attname), connection) for f in concrete), d.pk]
        for d in documents
    ]
    with connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {table} SET {assignments} WHERE id = %s", rows)  # noqa: S608 (column names from the model)


def batch_save(
    *,
    stats: BatchStats,
    writes: StepWrites,
    documents: list[Document],
    fields: list[str],
    xml_field: str,
) -> None:
    """Write a step's documents (their `fields`), XML rows and log lines; keep its history rows."""
    for document in documents:
        document.updated_at = writes.now
    if documents:
        _update_documents(documents, [*fields, "updated_at"])
    if writes.xml_rows:
        DocumentXml.objects.bulk_create(
            writes.xml_rows,
            batch_size=500,
            update_conflicts=True,
            unique_fields=["document"],
            update_fields=[xml_field],
        )
    stats.transitions.extend(writes.transitions)
    log_write(lines=writes.lines)
