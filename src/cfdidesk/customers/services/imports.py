"""Bulk load of companies from CSV: checked at upload, validated in full, then written in one transaction."""

from __future__ import annotations

import logging
import marshal
import multiprocessing
import os
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cfdidesk.audit.models import AuditEntry
from cfdidesk.audit.services import audit_record
from cfdidesk.core.actors import actor_or_none
from cfdidesk.core.audit_actions import AuditAction
from cfdidesk.core.sql import column_of
from cfdidesk.core.tasks import enqueue_on_commit
from cfdidesk.sat.rfc import is_generic

from .. import csv_format
from ..models import EDITABLE_FIELDS, Company, ImportJob, ImportRowIssue
from ..rules import check_company, search_key

logger = logging.getLogger(__name__)
BATCH = 2000
State = ImportJob.State
# The worker's half of an import (import_job_run), enqueued once the upload or confirmation commits.
RUN_TASK = "cfdidesk.customers.tasks.run_import"


def import_job_create(
    *, actor, upload, mode: str = ImportJob.Mode.CREATE, auto_confirm: bool = False
) -> ImportJob:
    """Refuse at once what is not a CSV of ours; queue the rest for background validation."""
    name = (getattr(upload, "name", "") or "").rsplit("/", 1)[-1]
    if not name.lower().endswith(".csv"):
        raise ValidationError(
            {
                "file": [
                    _("Solo se aceptan archivos .CSV. El archivo «%(name)s» no lo es.")
                    % {"name": name}
                ]
            }
        )
    if upload.size > settings.CUSTOMER_IMPORT_MAX_BYTES:
        raise ValidationError({"file": [too_large_message(size=upload.size)]})
    if mode not in ImportJob.Mode.values:
        raise ValidationError(
            {"mode": [_("Modo de carga desconocido: %(mode)s.") % {"mode": mode}]}
        )
    data = upload.read()
    try:
        info = csv_format.inspect(data)
    except csv_format.CsvRefused as exc:
        raise ValidationError({"file": [str(exc)]}) from exc

    job = ImportJob(
        created_by=actor_or_none(actor),
        original_name=name[:255],
        size_bytes=len(data),
        encoding=info.encoding,
        delimiter=info.delimiter,
        mode=mode,
        auto_confirm=bool(auto_confirm),
        total_rows=max(
            data.count(b"\n") - 1, 1
        ),  # an estimate for the progress bar until validated
    )
    with transaction.atomic():
        job.file.save(f"{uuid.uuid4().hex}.csv", ContentFile(data), save=False)
        job.save()
        audit_record(
            actor=actor,
            action=AuditAction.IMPORT_CREATE,
            target=job,
            changes={"file": name, "mode": mode},
        )
        enqueue_on_commit(RUN_TASK, job.pk)
    return job


def too_large_message(*, size: int | None = None) -> str:
    limit = filesizeformat(min(settings.CUSTOMER_IMPORT_MAX_BYTES, settings.MAX_UPLOAD_BYTES))
    if size is None:
        return _(
            "El archivo pesa más de %(max)s, el máximo. Divídelo en varios archivos más pequeños."
        ) % {"max": limit}
    return _(
        "El archivo pesa %(size)s y el máximo es %(max)s. Divídelo en varios archivos más pequeños."
    ) % {
        "size": filesizeformat(size),
        "max": limit,
    }


def import_job_confirm(*, actor, job: ImportJob) -> bool:
    """Load the valid rows of a file that had errors. False if the job was not waiting for this."""
    with transaction.atomic():
        moved = ImportJob.objects.filter(pk=job.pk, state=State.AWAITING_CONFIRMATION).update(
            state=State.QUEUED, confirmed_by=actor, confirmed_at=timezone.now(), processed_rows=0
        )
        if moved:
            audit_record(actor=actor, action=AuditAction.IMPORT_CONFIRM, target=job)
            enqueue_on_commit(RUN_TASK, job.pk)
    return bool(moved)


def import_job_cancel(*, actor, job: ImportJob) -> bool:
    with transaction.atomic():
        moved = ImportJob.objects.filter(pk=job.pk, state=State.AWAITING_CONFIRMATION).update(
            state=State.CANCELLED,
            finished_at=timezone.now(),
            message=_("Cancelado: no se guardó ningún cliente."),
        )
        if moved:
            audit_record(actor=actor, action=AuditAction.IMPORT_CANCEL, target=job)
    return bool(moved)


@dataclass
class _Validation:
    job: ImportJob
    # Valid rows, normalised, as marshal'd batches: the write pass streams them back.
    staged: IO[bytes]
    total: int = 0
    invalid: set[int] = field(default_factory=set)
    warning_rows: set[int] = field(default_factory=set)
    issues: list[ImportRowIssue] = field(default_factory=list)
    issue_count: int = 0
    # RFC → the first row of the file that has it.
    first_row_of: dict[str, int] = field(default_factory=dict)

    def issue(
        self, number: int, column: str, message: str, severity=ImportRowIssue.Severity.ERROR
    ) -> None:
        """Note a row's error (the row is not written) or warning (it is)."""
        self.issues.append(
            ImportRowIssue(
                job=self.job, row_number=number, column=column, message=message, severity=severity
            )
        )
        if severity == ImportRowIssue.Severity.ERROR:
            self.invalid.add(number)
        else:
            self.warning_rows.add(number)

    def flush(self) -> None:
        """Save the issues noted so far and show the progress."""
        if self.issues:
            ImportRowIssue.objects.bulk_create(self.issues, batch_size=BATCH)
            self.issue_count += len(self.issues)
            self.issues.clear()
        ImportJob.objects.filter(pk=self.job.pk).update(processed_rows=self.total)


class _Conflict(Exception):
    pass


def import_job_run(*, job_id: int) -> None:
    """The background half: validate every row, then write (or wait for confirmation)."""
    claimed = ImportJob.objects.filter(pk=job_id, state=State.QUEUED).update(
        state=State.VALIDATING, started_at=timezone.now(), processed_rows=0, message=""
    )
    if not claimed:
        return  # another worker has it, or it is not waiting
    job = ImportJob.objects.get(pk=job_id)
    result = None
    try:
        result = _validate(job)
        valid = result.total - len(result.invalid)
        ImportJob.objects.filter(pk=job.pk).update(
            total_rows=result.total,
            processed_rows=result.total,
            valid_rows=valid,
            invalid_rows=len(result.invalid),
            warning_rows=len(result.warning_rows),
        )
        if valid == 0:
            _finish(
                job,
                State.FAILED,
                _(
                    "Ninguna fila es válida: no se guardó ningún cliente. Corrige los errores y vuelve a subir el archivo."
                ),
            )
            return
        if result.invalid and not (job.auto_confirm or job.confirmed_at):
            _finish(
                job,
                State.AWAITING_CONFIRMATION,
                _awaiting_message(len(result.invalid), valid),
                finished=False,
            )
            return
        ImportJob.objects.filter(pk=job.pk).update(state=State.WRITING)
        try:
            created, updated, unchanged = _write(job, result.staged, skip=result.invalid)
        except _Conflict as exc:
            _finish(job, State.FAILED, str(exc))
            return
        ImportJob.objects.filter(pk=job.pk).update(
            created_count=created, updated_count=updated, unchanged_count=unchanged
        )
        _finish(
            job,
            State.DONE,
            _(
                "Clientes creados: %(created)d; actualizados: %(updated)d; sin cambios: %(unchanged)d."
            )
            % {"created": created, "updated": updated, "unchanged": unchanged},
        )
    except Exception:
        logger.exception("customer import %s failed", job_id)
        _finish(
            job,
            State.FAILED,
            _("Ocurrió un error inesperado al procesar el archivo; no se guardó ningún cliente."),
        )
    finally:
        if result is not None and result.staged is not None:
            result.staged.close()


def _awaiting_message(bad: int, good: int) -> str:
    errors = ngettext("%(n)d fila tiene errores.", "%(n)d filas tienen errores.", bad) % {"n": bad}
    action = ngettext(
        "Corrige el archivo y vuélvelo a subir, o confirma para cargar solo la fila válida.",
        "Corrige el archivo y vuélvelo a subir, o confirma para cargar solo las %(n)d filas válidas.",
        good,
    ) % {"n": good}
    return f"{errors} {action}"


def _finish(job: ImportJob, state: str, message: str, *, finished: bool = True) -> None:
    ImportJob.objects.filter(pk=job.pk).update(
        state=state, message=message, finished_at=timezone.now() if finished else None
    )


CHUNK = 4000
PARALLEL_FROM = 10_000  # below this, starting processes costs more than it saves


def _check_block(
    task: tuple[int, str, csv_format.CsvInfo],
) -> tuple[int, list, list[str], list[int], bytes]:
    """Parse and check one block of records; pure, so it runs in worker processes.

    Returns how many rows the block has (blank ones aside), their issues (number, column, message, severity), and its
    valid rows as RFCs, row numbers and one marshal'd list of (number, staged row): the main
    process reads only what it must check against the rest of the file and the catalog.
    """
    first, block, info = task
    label = csv_format.LABEL_OF
    count = 0
    issues, rfcs, numbers, staged = [], [], [], []
    for number, values, error in csv_format.block_rows(first, block, info):
        count += 1
        if error or values is None:
            issues.append((number, "", error or "", ImportRowIssue.Severity.ERROR))
            continue
        check = check_company(values)
        issues += [
            (number, label.get(n, ""), m, ImportRowIssue.Severity.ERROR)
            for n, ms in check.errors.items()
            for m in ms
        ]
        issues += [
            (number, label.get(n, ""), m, ImportRowIssue.Severity.WARNING)
            for n, ms in check.warnings.items()
            for m in ms
        ]
        if not check.errors:
            v = check.values
            rfcs.append(v["rfc"])
            numbers.append(number)
            staged.append(
                (
                    number,
                    (
                        *[v[f] for f in EDITABLE_FIELDS],
                        search_key(v["legal_name"], v["trade_name"]),
                    ),
                )
            )
    return count, issues, rfcs, numbers, marshal.dumps(staged)


def _validate(job: ImportJob) -> _Validation:
    """Check every row (on every core for big files), then the catalog, block by block.

    The main process only splits the file into blocks of whole records; workers parse and check
    them, and the main process then looks for RFCs repeated in the file or already in the
    catalog. Rows refused there stay in the staged file and are skipped by the write pass.
    """
    ImportRowIssue.objects.filter(job=job).delete()
    result = _Validation(job=job, staged=tempfile.TemporaryFile())
    create_only = job.mode == ImportJob.Mode.CREATE
    info = csv_format.CsvInfo(job.encoding, job.delimiter)
    with job.file.open("rb") as f:
        text = f.read().decode(info.encoding)

    pool = _worker_pool(job)
    try:
        tasks = (
            (first, block, info) for first, block in csv_format.record_blocks(text, info, CHUNK)
        )
        checked = pool.imap(_check_block, tasks) if pool else map(_check_block, tasks)
        for count, issues, rfcs, numbers, staged in checked:
            result.total += count
            for number, column, message, severity in issues:
                result.issue(number, column, message, severity)
            fresh = _first_in_file(result, rfcs, numbers)
            if create_only and fresh:
                _refuse_existing(result, fresh)
            if numbers:
                result.staged.write(staged)
            result.flush()
    finally:
        if pool is not None:
            pool.close()
            pool.join()
    result.staged.seek(0)
    return result


def _worker_pool(job: ImportJob):
    """Processes to check a big file's blocks on every core; None for a small file or one core."""
    if job.total_rows >= PARALLEL_FROM and (os.cpu_count() or 1) > 1:
        # Forked workers only compute; they never touch the database connection they inherit.
        return multiprocessing.get_context("fork").Pool(processes=min(4, os.cpu_count() or 1))
    return None


def _first_in_file(
    result: _Validation, rfcs: list[str], numbers: list[int]
) -> list[tuple[str, int]]:
    """Refuse the rows whose RFC an earlier row of the file has; returns the others' (RFC, row).

    Generic RFCs (público en general, extranjero) may repeat and are left out of both."""
    fresh = []
    for rfc, number in zip(rfcs, numbers, strict=True):
        if is_generic(rfc):
            continue
        if rfc in result.first_row_of:
            result.issue(
                number,
                csv_format.LABEL_OF["rfc"],
                _("El RFC %(rfc)s ya aparece en la fila %(row)d del archivo.")
                % {"rfc": rfc, "row": result.first_row_of[rfc]},
            )
            continue
        result.first_row_of[rfc] = number
        fresh.append((rfc, number))
    return fresh


def _refuse_existing(result: _Validation, fresh: list[tuple[str, int]]) -> None:
    """In "create only" mode, refuse the rows whose RFC is already in the catalog."""
    existing = _existing_rfcs([rfc for rfc, _n in fresh])
    for rfc, number in fresh:
        if rfc in existing:
            result.issue(
                number,
                csv_format.LABEL_OF["rfc"],
                _(
                    "Ya existe un cliente con el RFC %(rfc)s. Para actualizarlo usa el modo «Crear nuevos y actualizar los existentes»."
                )
                % {"rfc": rfc},
            )


def _existing_rfcs(rfcs: list[str]) -> dict[str, int]:
    """RFC → id of the companies already in the catalog among `rfcs` (a batch of a few thousand).

    Plain SQL: the ORM spends longer preparing an IN list of thousands of values than the
    database spends answering it.
    """
    rfcs = [r for r in rfcs if not is_generic(r)]
    if not rfcs:
        return {}
    qn = connection.ops.quote_name
    select = f"SELECT {qn('rfc')}, {qn('id')} FROM {qn(Company._meta.db_table)} WHERE {qn('rfc')}"
    with connection.cursor() as cursor:
        if (
            connection.vendor == "postgresql"
        ):  # one array parameter: psycopg parses no long query text
            cursor.execute(f"{select} = ANY(%s)", [rfcs])
        else:
            cursor.execute(f"{select} IN ({', '.join(['%s'] * len(rfcs))})", rfcs)
        return dict(cursor.fetchall())


INSERT_FIELDS = [
    *EDITABLE_FIELDS,
    "search_name",
    "is_active",
    "version",
    "import_job",
    "created_at",
    "updated_at",
]
UPDATE_FIELDS = [*EDITABLE_FIELDS, "search_name", "updated_at"]


def _statement(sql: str, fields: list[str]) -> str:
    qn = connection.ops.quote_name
    columns = [qn(column_of(Company, f)) for f in fields]
    table = qn(Company._meta.db_table)
    if sql == "insert":
        return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})"
    assignments = ", ".join(f"{c} = %s" for c in columns)
    return f"UPDATE {table} SET {assignments}, {qn('version')} = {qn('version')} + 1 WHERE {qn('id')} = %s"


def _insert(cursor, insert_sql: str, rows: list[tuple]) -> None:
    """PostgreSQL takes rows fastest through COPY; SQLite through one prepared INSERT run many times."""
    if connection.vendor == "postgresql":
        qn = connection.ops.quote_name
        columns = ", ".join(qn(column_of(Company, f)) for f in INSERT_FIELDS)
        with cursor.cursor.copy(
            f"COPY {qn(Company._meta.db_table)} ({columns}) FROM STDIN"
        ) as copy:
            for row in rows:
                copy.write_row(row)
    else:
        cursor.executemany(insert_sql, rows)


def _write(job: ImportJob, staged: IO[bytes], *, skip: set[int]) -> tuple[int, int, int]:
    """One transaction: every valid row or none. Re-checks the catalog, which may have changed.

    The staged rows go in with one prepared statement run many times: the ORM's bulk_create
    spends most of its time turning each of the 26 values of each row into SQL.
    """
    created = updated = unchanged = 0
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    insert_sql, update_sql = (
        _statement("insert", INSERT_FIELDS),
        _statement("update", UPDATE_FIELDS),
    )
    with transaction.atomic(), connection.cursor() as cursor:
        for batch in _staged_batches(staged, skip):
            inserts, updates, same = _sorted_rows(job, batch, now)
            if inserts:
                _insert(cursor, insert_sql, inserts)
            if updates:
                cursor.executemany(update_sql, updates)
                _audit_updates(job, updates)
            created += len(inserts)
            updated += len(updates)
            unchanged += same
        audit_record(
            actor=job.confirmed_by or job.created_by,
            action=AuditAction.IMPORT_WRITE,
            target=job,
            changes={"created": created, "updated": updated, "unchanged": unchanged},
        )
    return created, updated, unchanged


def _staged_batches(staged: IO[bytes], skip: set[int]) -> Iterator[list[tuple[int, tuple]]]:
    """The staged batches of (row number, row), without the rows refused after staging."""
    while True:
        try:
            batch = marshal.load(staged)
        except EOFError:
            return
        if skip:
            batch = [(number, row) for number, row in batch if number not in skip]
        yield batch


_RFC_AT = EDITABLE_FIELDS.index("rfc")
_WIDTH = len(EDITABLE_FIELDS)


def _sorted_rows(
    job: ImportJob, batch: list[tuple[int, tuple]], now
) -> tuple[list[tuple], list[tuple], int]:
    """A batch as (rows to insert, rows to update, how many are unchanged), by RFC in the catalog.

    In "create only" mode an RFC someone created since the validation refuses the whole import.
    """
    existing = _existing_rfcs([row[_RFC_AT] for _n, row in batch])
    current = {}
    if existing and job.mode == ImportJob.Mode.UPSERT:
        current = {
            r[0]: r[1:]
            for r in Company.objects.filter(pk__in=existing.values()).values_list(
                "pk", *EDITABLE_FIELDS
            )
        }
    inserts, updates, unchanged = [], [], 0
    for _number, row in batch:
        pk = None if is_generic(row[_RFC_AT]) else existing.get(row[_RFC_AT])
        if pk is None:
            inserts.append((*row, True, 1, job.pk, now, now))
        elif job.mode == ImportJob.Mode.CREATE:
            raise _Conflict(
                _(
                    "Mientras se procesaba el archivo alguien creó el cliente con RFC %(rfc)s. No se guardó ningún cliente; vuelve a subir el archivo."
                )
                % {"rfc": row[_RFC_AT]}
            )
        elif tuple(row[:_WIDTH]) == tuple(current[pk]):
            unchanged += 1
        else:
            updates.append((*row, now, pk))
    return inserts, updates, unchanged


def _audit_updates(job: ImportJob, updates: list[tuple]) -> None:
    """One audit row per updated company (its id is the last value of an update row)."""
    AuditEntry.objects.bulk_create(
        [
            AuditEntry(
                actor_id=job.confirmed_by_id or job.created_by_id,
                action=AuditAction.COMPANY_IMPORT_UPDATE,
                target_type="customers.company",
                target_id=str(u[-1]),
                changes={"import_job": job.pk},
            )
            for u in updates
        ],
        batch_size=1000,
    )
