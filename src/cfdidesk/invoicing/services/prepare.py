"""The pipeline's first step, run even with the generator paused so support sees errors at once:
received → pre → waiting for input, or → mapping error / validation error."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from lxml import etree

from ..cfdi.mapping import Emitter, MappingError, build, local_now
from ..cfdi.rules import structure_issues
from ..cfdi.xml import to_bytes
from ..models import Document, DocumentXml, InvoicingEnvironment, LogLine, State
from ..naming import pre_file_name
from .batch import BatchStats, StepWrites, batch_save, documents_claim
from .log import issues_format
from .signing import emitter_build

PLACEHOLDER_CERTIFICATE_NUMBER = "0" * 20  # validates a pre-document before the CSD is loaded
PREPARED_FIELDS = ["state", "input_flag", "errors", "total", "currency", "file_name"]
Stage, Level = LogLine.Stage, LogLine.Level


def documents_prepare(*, environment: InvoicingEnvironment, limit: int, stats: BatchStats) -> None:
    """Map and validate the environment's next received documents (one batch)."""
    documents = documents_claim(environment=environment, states=[State.RECEIVED], limit=limit)
    if not documents:
        return
    writes = StepWrites(environment.pk, timezone.now())
    emitter = emitter_build(environment=environment)
    if not emitter.certificate_number:
        emitter = replace(emitter, certificate_number=PLACEHOLDER_CERTIFICATE_NUMBER)
    issued = local_now(environment.postal_code)
    for document in documents:
        _prepare_one(document, emitter, issued, writes)
    stats.prepared += len(documents)
    batch_save(
        stats=stats,
        writes=writes,
        documents=documents,
        fields=PREPARED_FIELDS,
        xml_field="pre_xml",
    )


def _prepare_one(document: Document, emitter: Emitter, issued, writes: StepWrites) -> None:
    movement = document.source_movement.payload if document.source_movement else None
    if movement is None:
        writes.move(document, State.MAPPING_ERROR)
        document.errors = [
            {
                "kind": "mapping",
                "field": "",
                "message": _("El documento no tiene movimiento de origen."),
            }
        ]
        document.input_flag = False
        return
    try:
        root = build(movement, emitter, series=document.series, folio=document.folio, issued=issued)
    except MappingError as exc:
        _mapping_failed(document, exc, writes)
        return
    _pre_built(document, root, writes)
    issues = structure_issues(root, expected_total=movement.get("total"))
    if issues:
        _invalid(document, issues, writes)
    else:
        _valid(document, writes)


def _mapping_failed(document: Document, exc: MappingError, writes: StepWrites) -> None:
    writes.move(document, State.MAPPING_ERROR, _("Error de mapping."))
    document.errors = [i.as_dict("mapping") for i in exc.issues]
    document.input_flag = False
    writes.log(
        Stage.MAPPING,
        _("Error de mapping: %(issues)s") % {"issues": issues_format(issues=document.errors)},
        movement_id=document.movement_id,
        level=Level.ERROR,
    )


def _pre_built(document: Document, root: etree._Element, writes: StepWrites) -> None:
    writes.move(document, State.PRE, _("PRE generado."))
    document.total = Decimal(root.get("Total"))
    document.currency = root.get("Moneda", "")
    document.file_name = pre_file_name(document.series, document.folio, document.movement_id)
    writes.xml_rows.append(DocumentXml(document_id=document.pk, pre_xml=to_bytes(root).decode()))
    writes.log(
        Stage.MAPPING,
        _("Mapping correcto: %(file)s, total %(total)s %(currency)s.")
        % {
            "file": document.file_name,
            "total": root.get("Total"),
            "currency": document.currency,
        },
        movement_id=document.movement_id,
    )


def _invalid(document: Document, issues, writes: StepWrites) -> None:
    writes.move(document, State.VALIDATION_ERROR, _("Error de structure validation."))
    document.errors = [i.as_dict("validation") for i in issues]
    document.input_flag = False
    writes.log(
        Stage.VALIDATION,
        _("Error de structure validation: %(issues)s")
        % {"issues": issues_format(issues=document.errors)},
        movement_id=document.movement_id,
        level=Level.ERROR,
    )


def _valid(document: Document, writes: StepWrites) -> None:
    writes.move(document, State.WAITING_FOR_INPUT, _("Structure validation correcta."))
    document.errors = []
    writes.log(
        Stage.VALIDATION,
        _("Structure validation correcta: en espera del generador (input = 1)."),
        movement_id=document.movement_id,
    )
