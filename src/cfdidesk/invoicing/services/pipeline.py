"""The pipeline of an environment: mapping and structure validation, then the generator.

A pass takes the environment's flagged documents (input = 1) in arrival order, in batches, each
batch one transaction:

1. prepare (always, even with the generator paused, so support sees mapping and validation
   errors at once): received → pre → waiting for input, or → mapping error / validation error;
2. generate (only while the generator runs): waiting for input (or "sin timbres") → next folio
   of its series and type → sealed with the environment's CSD → stamped by its adapter; or
   → generator error; or → "sin timbres" when the emitter RFC has no credits left.

Concurrency: a batch starts by locking the environment's row with SKIP LOCKED, so among many
workers (or the worker's task and periodic threads) exactly one works on an environment at a
time and the others move on to other environments. Arrival order, folio order and "no folio
used twice or skipped" follow from that; the documents' own rows are locked too, so a user's
reprocess or cancel never crosses a batch, and a unique constraint on
(environment, series, type, folio) backs it all. On SQLite, whose writers are serialised by
BEGIN IMMEDIATE, batches of two workers simply alternate.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from ..adapters import AdapterUnavailable, get_adapter
from ..cfdi.mapping import MappingError, build, local_now
from ..cfdi.rules import structure_issues
from ..cfdi.seal import seal
from ..cfdi.xml import to_bytes
from ..models import (
    Document,
    DocumentXml,
    FolioCounter,
    InvoicingEnvironment,
    LogLine,
    StampBalance,
    State,
)
from .intake import pre_file_name, stamped_file_name
from .log import issues_text, log_line, log_write
from .signing import SignerUnavailable, emitter_for, signer_for
from .transitions import move, transitions_save

BATCH_SIZE = 100
PLACEHOLDER_CERTIFICATE_NUMBER = "0" * 20  # validates a pre-document before the CSD is loaded
Stage, Level = LogLine.Stage, LogLine.Level


def schedule(environment_id: int) -> None:
    """Run the environment's pipeline in the worker once the current transaction commits."""
    from cfdidesk.core.tasks import enqueue

    from ..tasks import run_pipeline

    transaction.on_commit(lambda: enqueue(run_pipeline, environment_id))


def pipeline_run_all(*, time_budget: float = 20.0) -> dict[int, int]:
    """Every active environment with flagged documents (the worker's periodic job)."""
    deadline = time.monotonic() + time_budget
    done = {}
    # One read of the small partial index of flagged documents, whatever the number of environments.
    pending = sorted(
        set(
            Document.objects.filter(input_flag=True)
            .values_list("environment_id", flat=True)
            .distinct()
        )
    )
    for environment_id in pending:
        if time.monotonic() > deadline:
            break
        done[environment_id] = pipeline_run(environment_id, deadline=deadline)
    return done


def pipeline_run(
    environment_id: int, *, batch_size: int = BATCH_SIZE, deadline: float | None = None
) -> int:
    """Batches until nothing is left to do, another worker holds the environment, or the deadline."""
    total = 0
    while True:
        stats = run_batch(environment_id, batch_size=batch_size)
        total += stats.done
        if not stats.done or (deadline is not None and time.monotonic() > deadline):
            return total


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


def run_batch(environment_id: int, *, batch_size: int = BATCH_SIZE) -> BatchStats:
    stats = BatchStats()
    with transaction.atomic():
        environment = (
            # NO KEY UPDATE: excludes other workers, but not the foreign-key checks of an intake
            # inserting documents meanwhile (FOR UPDATE would make them wait on this batch while
            # the batch waits on their state counter: a deadlock).
            InvoicingEnvironment.objects.select_for_update(skip_locked=True, no_key=True)
            .filter(pk=environment_id, is_active=True)
            .first()
        )
        if environment is None:  # another worker has it (or it is gone): nothing for us
            return stats
        _prepare(environment, batch_size, stats)
        if environment.generator_running:
            _generate(environment, batch_size, stats)
        transitions_save(environment.pk, stats.transitions)
    stats.transitions = []
    return stats


def _claim(environment: InvoicingEnvironment, states: list[str], limit: int) -> list[Document]:
    return list(
        Document.objects.select_for_update(of=("self",))
        .select_related("source_movement")
        .filter(environment=environment, input_flag=True, state__in=states)
        .order_by("id")[:limit]
    )


def _update_documents(documents: list[Document], fields: list[str]) -> None:
    """One prepared UPDATE run for every row (executemany): bulk_update's CASE per column costs more
    than the sealing itself at these batch sizes."""
    concrete = [Document._meta.get_field(name) for name in fields]
    table = connection.ops.quote_name(Document._meta.db_table)
    assignments = ", ".join(f"{connection.ops.quote_name(f.column)} = %s" for f in concrete)
    rows = [
        [*(f.get_db_prep_save(getattr(d, f.attname), connection) for f in concrete), d.pk]
        for d in documents
    ]
    with connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {table} SET {assignments} WHERE id = %s", rows)  # noqa: S608 (column names from the model)


def _save(stats, documents, fields, transitions, xml_rows, xml_field, lines, now) -> None:
    for document in documents:
        document.updated_at = now
    if documents:
        _update_documents(documents, [*fields, "updated_at"])
    if xml_rows:
        DocumentXml.objects.bulk_create(
            xml_rows,
            batch_size=500,
            update_conflicts=True,
            unique_fields=["document"],
            update_fields=[xml_field],
        )
    stats.transitions.extend(transitions)
    log_write(lines)


# ---------------------------------------------------------------- prepare: mapping and structure validation


def _prepare(environment: InvoicingEnvironment, limit: int, stats: BatchStats) -> None:
    documents = _claim(environment, [State.RECEIVED], limit)
    if not documents:
        return
    now = timezone.now()
    emitter = emitter_for(environment)
    if not emitter.certificate_number:
        emitter = emitter.__class__(
            **{**emitter.__dict__, "certificate_number": PLACEHOLDER_CERTIFICATE_NUMBER}
        )
    issued = local_now(environment.postal_code)
    transitions, xml_rows, lines = [], [], []
    for document in documents:
        movement = document.source_movement.payload if document.source_movement else None
        mid = document.movement_id
        if movement is None:
            transitions.append(move(document, State.MAPPING_ERROR, now=now))
            document.errors = [
                {
                    "kind": "mapping",
                    "field": "",
                    "message": _("El documento no tiene movimiento de origen."),
                }
            ]
            document.input_flag = False
            continue
        try:
            root = build(
                movement, emitter, series=document.series, folio=document.folio, issued=issued
            )
        except MappingError as exc:
            transitions.append(
                move(document, State.MAPPING_ERROR, now=now, reason=_("Error de mapping."))
            )
            document.errors = [i.as_dict("mapping") for i in exc.issues]
            document.input_flag = False
            lines.append(
                log_line(
                    environment.pk,
                    Stage.MAPPING,
                    _("Error de mapping: %(issues)s") % {"issues": issues_text(document.errors)},
                    movement_id=mid,
                    level=Level.ERROR,
                    now=now,
                )
            )
            continue
        transitions.append(move(document, State.PRE, now=now, reason=_("PRE generado.")))
        document.total = Decimal(root.get("Total"))
        document.currency = root.get("Moneda", "")
        document.file_name = pre_file_name(document.series, document.folio, mid)
        xml_rows.append(DocumentXml(document_id=document.pk, pre_xml=to_bytes(root).decode()))
        lines.append(
            log_line(
                environment.pk,
                Stage.MAPPING,
                _("Mapping correcto: %(file)s, total %(total)s %(currency)s.")
                % {
                    "file": document.file_name,
                    "total": root.get("Total"),
                    "currency": document.currency,
                },
                movement_id=mid,
                now=now,
            )
        )
        issues = structure_issues(root, expected_total=movement.get("total"))
        if issues:
            transitions.append(
                move(
                    document,
                    State.VALIDATION_ERROR,
                    now=now,
                    reason=_("Error de structure validation."),
                )
            )
            document.errors = [i.as_dict("validation") for i in issues]
            document.input_flag = False
            lines.append(
                log_line(
                    environment.pk,
                    Stage.VALIDATION,
                    _("Error de structure validation: %(issues)s")
                    % {"issues": issues_text(document.errors)},
                    movement_id=mid,
                    level=Level.ERROR,
                    now=now,
                )
            )
        else:
            transitions.append(
                move(
                    document,
                    State.WAITING_FOR_INPUT,
                    now=now,
                    reason=_("Structure validation correcta."),
                )
            )
            document.errors = []
            lines.append(
                log_line(
                    environment.pk,
                    Stage.VALIDATION,
                    _("Structure validation correcta: en espera del generador (input = 1)."),
                    movement_id=mid,
                    now=now,
                )
            )
    stats.prepared += len(documents)
    _save(
        stats,
        documents,
        ["state", "input_flag", "errors", "total", "currency", "file_name"],
        transitions,
        xml_rows,
        "pre_xml",
        lines,
        now,
    )


# ---------------------------------------------------------------- generate: folio, seal, stamp


def locked_counter(
    environment: InvoicingEnvironment, series: str, document_type: str
) -> FolioCounter:
    """The folio counter of (environment, series, type), row-locked; created at 0 if missing."""
    lookup = {"environment": environment, "series": series, "document_type": document_type}
    counter = FolioCounter.objects.select_for_update().filter(**lookup).first()
    if counter is None:
        try:
            with transaction.atomic():
                counter = FolioCounter.objects.create(**lookup)
        except IntegrityError:  # created meanwhile by another writer
            counter = FolioCounter.objects.select_for_update().get(**lookup)
    return counter


class _Folios:
    """The environment's folio counters, locked for the batch and written once at its end."""

    def __init__(self, environment: InvoicingEnvironment):
        self.environment = environment
        self.counters: dict[tuple[str, str], FolioCounter] = {}

    def _counter(self, series: str, document_type: str) -> FolioCounter:
        key = (series, document_type)
        counter = self.counters.get(key)
        if counter is None:
            counter = locked_counter(self.environment, series, document_type)
            counter.start = counter.last
            self.counters[key] = counter
        return counter

    def take(self, series: str, document_type: str) -> int:
        counter = self._counter(series, document_type)
        counter.last += 1
        return counter.last

    def give_back(self, series: str, document_type: str, folio: int) -> None:
        counter = self._counter(series, document_type)
        if counter.last == folio:
            counter.last -= 1

    def save(self) -> None:
        for counter in self.counters.values():
            if counter.last != counter.start:
                FolioCounter.objects.filter(pk=counter.pk).update(last=counter.last)


def _generate(environment: InvoicingEnvironment, limit: int, stats: BatchStats) -> None:
    balance = StampBalance.objects.select_for_update().filter(rfc=environment.emitter_rfc).first()
    available = balance.available if balance else 0
    # Without credits only the newly waiting are taken (to mark them "sin timbres"), so a pass
    # ends instead of reading the same "sin timbres" documents again and again.
    states = (
        [State.WAITING_FOR_INPUT, State.NO_CREDITS] if available > 0 else [State.WAITING_FOR_INPUT]
    )
    documents = _claim(environment, states, limit)
    if not documents:
        return
    now = timezone.now()
    transitions, xml_rows, lines, changed = [], [], [], []
    fields = [
        "state",
        "input_flag",
        "errors",
        "folio",
        "uuid",
        "stamped_at",
        "issued_at",
        "file_name",
    ]

    def fail(document, message, *, level=Level.ERROR):
        transitions.append(
            move(document, State.GENERATOR_ERROR, now=now, reason=_("Error del generador."))
        )
        document.errors = [{"kind": "generator", "field": "", "message": message}]
        document.file_name = pre_file_name(document.series, document.folio, document.movement_id)
        document.input_flag = False
        changed.append(document)
        stats.failed += 1
        lines.append(
            log_line(
                environment.pk,
                Stage.GENERATOR,
                _("Error del generador: %(message)s") % {"message": message},
                movement_id=document.movement_id,
                level=level,
                now=now,
            )
        )

    try:
        signer = signer_for(environment)
        adapter = get_adapter(environment.adapter)
    except SignerUnavailable as exc:
        for document in documents:
            fail(document, str(exc))
        _save(stats, changed, fields, transitions, [], "stamped_xml", lines, now)
        return
    except KeyError:
        for document in documents:
            fail(
                document,
                _("No existe el adaptador de timbrado «%(name)s».") % {"name": environment.adapter},
            )
        _save(stats, changed, fields, transitions, [], "stamped_xml", lines, now)
        return

    used = 0
    folios = _Folios(environment)
    emitter = emitter_for(environment, signer)
    for document in documents:
        mid = document.movement_id
        if available <= 0:
            if document.state != State.NO_CREDITS:
                transitions.append(
                    move(document, State.NO_CREDITS, now=now, reason=_("Sin timbres."))
                )
                changed.append(document)
                stats.no_credits += 1
                lines.append(
                    log_line(
                        environment.pk,
                        Stage.GENERATOR,
                        _(
                            "Sin timbres: el RFC %(rfc)s no tiene timbres disponibles; el documento se timbrará al cargar timbres."
                        )
                        % {"rfc": environment.emitter_rfc},
                        movement_id=mid,
                        level=Level.WARNING,
                        now=now,
                    )
                )
            continue
        new_folio = document.folio is None
        folio = (
            folios.take(document.series, document.document_type) if new_folio else document.folio
        )
        issued = local_now(environment.postal_code)
        try:
            root = build(
                document.source_movement.payload,
                emitter,
                series=document.series,
                folio=folio,
                issued=issued,
            )
            seal(root, signer)
            result = adapter.stamp(to_bytes(root))
        except AdapterUnavailable as exc:
            if new_folio:
                folios.give_back(document.series, document.document_type, folio)
            lines.append(
                log_line(
                    environment.pk,
                    Stage.GENERATOR,
                    _("El PAC no respondió (%(error)s); se reintentará.") % {"error": exc},
                    movement_id=mid,
                    level=Level.WARNING,
                    now=now,
                )
            )
            break  # the rest of the batch waits, in order, for the next pass
        except MappingError as exc:
            document.folio = folio
            fail(document, "; ".join(f"{i.field}: {i.message}" for i in exc.issues))
            continue
        except Exception as exc:  # a seal or a PAC refusal is this document's generator error
            document.folio = folio
            fail(document, str(exc)[:1000] or exc.__class__.__name__)
            continue
        available -= 1
        used += 1
        transitions.append(
            move(
                document,
                State.STAMPED,
                now=now,
                reason=_("Timbrado por %(adapter)s.") % {"adapter": adapter.name},
            )
        )
        document.folio = folio
        document.uuid = result.uuid
        document.stamped_at = result.stamped_at
        document.issued_at = issued
        document.file_name = stamped_file_name(document.series, folio)
        document.errors = []
        document.input_flag = False
        changed.append(document)
        stats.stamped += 1
        xml_rows.append(DocumentXml(document_id=document.pk, stamped_xml=result.xml.decode()))
        lines.append(
            log_line(
                environment.pk,
                Stage.GENERATOR,
                _("Timbrado: %(file)s, folio %(series_folio)s, UUID %(uuid)s.")
                % {
                    "file": document.file_name,
                    "series_folio": document.series_folio,
                    "uuid": result.uuid,
                },
                movement_id=mid,
                now=now,
            )
        )
    folios.save()
    if used:
        StampBalance.objects.filter(pk=balance.pk).update(
            available=available, used=F("used") + used
        )
    _save(stats, changed, fields, transitions, xml_rows, "stamped_xml", lines, now)
