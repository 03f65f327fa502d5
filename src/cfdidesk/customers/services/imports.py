"""Bulk load of companies from CSV: checked at upload, validated in full, then written in one transaction."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cfdidesk.audit.models import AuditEntry
from cfdidesk.audit.services import audit_record
from cfdidesk.sat.rfc import is_generic

from .. import csv_format
from ..models import EDITABLE_FIELDS, Company, ImportJob, ImportRowIssue
from ..rules import check_company, normalize_values, search_key

logger = logging.getLogger(__name__)
BATCH = 2000
State = ImportJob.State


def import_job_create(*, actor, upload, mode: str = ImportJob.Mode.CREATE, auto_confirm: bool = False) -> ImportJob:
    """Refuse at once what is not a CSV of ours; queue the rest for background validation."""
    name = (getattr(upload, "name", "") or "").rsplit("/", 1)[-1]
    if not name.lower().endswith(".csv"):
        raise ValidationError({"file": [_("Solo se aceptan archivos .CSV. El archivo «%(name)s» no lo es.") % {"name": name}]})
    if upload.size > settings.CUSTOMER_IMPORT_MAX_BYTES:
        raise ValidationError({"file": [too_large_message(upload.size)]})
    if mode not in ImportJob.Mode.values:
        raise ValidationError({"mode": [_("Modo de carga desconocido: %(mode)s.") % {"mode": mode}]})
    data = upload.read()
    try:
        info = csv_format.inspect(data)
    except csv_format.CsvRefused as exc:
        raise ValidationError({"file": [str(exc)]}) from exc

    job = ImportJob(
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        original_name=name[:255],
        size_bytes=len(data),
        encoding=info.encoding,
        delimiter=info.delimiter,
        mode=mode,
        auto_confirm=bool(auto_confirm),
        total_rows=max(data.count(b"\n") - 1, 1),  # an estimate for the progress bar until validated
    )
    with transaction.atomic():
        job.file.save(f"{uuid.uuid4().hex}.csv", ContentFile(data), save=False)
        job.save()
        audit_record(actor=actor, action="import.create", target=job, changes={"file": name, "mode": mode})
        transaction.on_commit(lambda: _enqueue(job.pk))
    return job


def too_large_message(size: int | None = None) -> str:
    limit = filesizeformat(min(settings.CUSTOMER_IMPORT_MAX_BYTES, settings.MAX_UPLOAD_BYTES))
    if size is None:
        return _("El archivo pesa más de %(max)s, el máximo. Divídelo en varios archivos más pequeños.") % {"max": limit}
    return _("El archivo pesa %(size)s y el máximo es %(max)s. Divídelo en varios archivos más pequeños.") % {
        "size": filesizeformat(size),
        "max": limit,
    }


def _enqueue(job_id: int) -> None:
    from ..tasks import run_import

    run_import.enqueue(job_id)


def import_job_confirm(*, actor, job: ImportJob) -> bool:
    """Load the valid rows of a file that had errors. False if the job was not waiting for this."""
    with transaction.atomic():
        moved = ImportJob.objects.filter(pk=job.pk, state=State.AWAITING_CONFIRMATION).update(
            state=State.QUEUED, confirmed_by=actor, confirmed_at=timezone.now(), processed_rows=0
        )
        if moved:
            audit_record(actor=actor, action="import.confirm", target=job)
            transaction.on_commit(lambda: _enqueue(job.pk))
    return bool(moved)


def import_job_cancel(*, actor, job: ImportJob) -> bool:
    with transaction.atomic():
        moved = ImportJob.objects.filter(pk=job.pk, state=State.AWAITING_CONFIRMATION).update(
            state=State.CANCELLED,
            finished_at=timezone.now(),
            message=_("Cancelado: no se guardó ningún cliente."),
        )
        if moved:
            audit_record(actor=actor, action="import.cancel", target=job)
    return bool(moved)


@dataclass
class _Validation:
    total: int = 0
    invalid: set[int] = field(default_factory=set)
    warning_rows: set[int] = field(default_factory=set)
    issues: list[ImportRowIssue] = field(default_factory=list)
    issue_count: int = 0


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
            _finish(job, State.FAILED, _("Ninguna fila es válida: no se guardó ningún cliente. Corrige los errores y vuelve a subir el archivo."))
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
            created, updated, unchanged = _write(job, result.invalid)
        except _Conflict as exc:
            _finish(job, State.FAILED, str(exc))
            return
        ImportJob.objects.filter(pk=job.pk).update(
            created_count=created, updated_count=updated, unchanged_count=unchanged
        )
        _finish(
            job,
            State.DONE,
            _("Clientes creados: %(created)d; actualizados: %(updated)d; sin cambios: %(unchanged)d.")
            % {"created": created, "updated": updated, "unchanged": unchanged},
        )
    except Exception:
        logger.exception("customer import %s failed", job_id)
        _finish(job, State.FAILED, _("Ocurrió un error inesperado al procesar el archivo; no se guardó ningún cliente."))


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


def _rows(job: ImportJob):
    info = csv_format.CsvInfo(job.encoding, job.delimiter)
    with job.file.open("rb") as f:
        yield from csv_format.read_rows(f, info)


def _validate(job: ImportJob) -> _Validation:
    ImportRowIssue.objects.filter(job=job).delete()
    result = _Validation()
    first_row_of: dict[str, int] = {}
    pending: list[tuple[int, str]] = []
    label = csv_format.LABEL_OF
    create_only = job.mode == ImportJob.Mode.CREATE

    def issue(number: int, column: str, message: str, severity=ImportRowIssue.Severity.ERROR):
        result.issues.append(
            ImportRowIssue(job=job, row_number=number, column=column, message=message, severity=severity)
        )
        if severity == ImportRowIssue.Severity.ERROR:
            result.invalid.add(number)
        else:
            result.warning_rows.add(number)

    def check_catalog():
        if create_only and pending:
            existing = set(
                Company.objects.filter(rfc__in=[rfc for _n, rfc in pending]).values_list("rfc", flat=True)
            )
            for number, rfc in pending:
                if rfc in existing:
                    issue(
                        number,
                        label["rfc"],
                        _("Ya existe un cliente con el RFC %(rfc)s. Para actualizarlo usa el modo «Crear nuevos y actualizar los existentes».")
                        % {"rfc": rfc},
                    )
        pending.clear()
        if result.issues:
            ImportRowIssue.objects.bulk_create(result.issues, batch_size=BATCH)
            result.issue_count += len(result.issues)
            result.issues.clear()
        ImportJob.objects.filter(pk=job.pk).update(processed_rows=result.total)

    for number, values, error in _rows(job):
        result.total += 1
        if error:
            issue(number, "", error)
        else:
            check = check_company(values)
            for name, messages in check.errors.items():
                for message in messages:
                    issue(number, label.get(name, ""), message)
            for name, messages in check.warnings.items():
                for message in messages:
                    issue(number, label.get(name, ""), message, ImportRowIssue.Severity.WARNING)
            rfc = check.values["rfc"]
            if not check.errors and not is_generic(rfc):
                if rfc in first_row_of:
                    issue(
                        number,
                        label["rfc"],
                        _("El RFC %(rfc)s ya aparece en la fila %(row)d del archivo.")
                        % {"rfc": rfc, "row": first_row_of[rfc]},
                    )
                else:
                    first_row_of[rfc] = number
                    pending.append((number, rfc))
        if result.total % BATCH == 0:
            check_catalog()
    check_catalog()
    return result


def _write(job: ImportJob, invalid: set[int]) -> tuple[int, int, int]:
    """One transaction: every valid row or none. Re-checks the catalog, which may have changed."""
    created = updated = unchanged = 0
    actor_id = job.confirmed_by_id or job.created_by_id
    now = timezone.now()
    with transaction.atomic():
        batch: list[dict[str, str]] = []

        def flush():
            nonlocal created, updated, unchanged
            if not batch:
                return
            rfcs = [v["rfc"] for v in batch if not is_generic(v["rfc"])]
            existing = {c.rfc: c for c in Company.objects.filter(rfc__in=rfcs)} if rfcs else {}
            new, changed = [], []
            for values in batch:
                company = existing.get(values["rfc"]) if not is_generic(values["rfc"]) else None
                if company is None:
                    new.append(Company(**values, search_name=search_key(values["legal_name"], values["trade_name"])))
                    continue
                if job.mode == ImportJob.Mode.CREATE:
                    raise _Conflict(
                        _("Mientras se procesaba el archivo alguien creó el cliente con RFC %(rfc)s. No se guardó ningún cliente; vuelve a subir el archivo.")
                        % {"rfc": values["rfc"]}
                    )
                if all(getattr(company, f) == values[f] for f in EDITABLE_FIELDS):
                    unchanged += 1
                    continue
                for f in EDITABLE_FIELDS:
                    setattr(company, f, values[f])
                company.search_name = search_key(values["legal_name"], values["trade_name"])
                company.version += 1
                company.updated_at = now
                changed.append(company)
            Company.objects.bulk_create(new, batch_size=500)
            if changed:
                Company.objects.bulk_update(
                    changed, [*EDITABLE_FIELDS, "search_name", "version", "updated_at"], batch_size=500
                )
            AuditEntry.objects.bulk_create(
                [
                    AuditEntry(actor_id=actor_id, action=action, target_type="customers.company",
                               target_id=str(c.pk), changes={"import_job": job.pk})
                    for action, companies in (("company.import_create", new), ("company.import_update", changed))
                    for c in companies
                ],
                batch_size=1000,
            )
            created += len(new)
            updated += len(changed)
            batch.clear()

        for number, values, _error in _rows(job):
            if number in invalid or values is None:
                continue
            batch.append(normalize_values(values))
            if len(batch) >= BATCH:
                flush()
        flush()
        audit_record(
            actor=job.confirmed_by or job.created_by,
            action="import.write",
            target=job,
            changes={"created": created, "updated": updated, "unchanged": unchanged},
        )
    return created, updated, unchanged
