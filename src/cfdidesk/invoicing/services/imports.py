"""Import of CFDI already stamped elsewhere (one .xml or a .zip) into an environment's registry.

Recognised by their TimbreFiscalDigital (UUID and stamping date). All or nothing per upload: any
file that is not a stamped CFDI 4.0 of the environment's emitter (or unsafe, or too big) refuses
the whole upload with a message per file, and nothing is saved. A UUID already in the registry
(or twice in the upload) is reported as a duplicate and skipped, never stored twice.

The environment's row is locked for the import (the pipeline skips a locked environment), then
its folio counters; each counter moves forward past the highest imported folio of its series and
type, so the generator never reuses an imported folio.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from pathlib import PurePosixPath
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cfdidesk.audit.services import audit_record
from cfdidesk.core.actors import actor_or_none
from cfdidesk.core.audit_actions import AuditAction

from ..cfdi import CFDI_NS
from ..cfdi.archive import xml_files_in_zip
from ..cfdi.tfd import read_stamp
from ..cfdi.xml import XmlRefused, parse_xml
from ..models import (
    Document,
    DocumentTransition,
    DocumentType,
    DocumentXml,
    FolioCounter,
    InvoicingEnvironment,
    LogLine,
    State,
)
from .folios import folio_counter_lock
from .log import log_line_build, log_write
from .transitions import transitions_save

MEXICO = ZoneInfo("America/Mexico_City")
_UUID = re.compile(r"^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$")
_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]")


@dataclass(frozen=True)
class FileError:
    file: str
    message: str


class ImportRefused(Exception):
    """The upload was refused as a whole; nothing was saved. `errors` says which file and why."""

    def __init__(self, message: str, errors: list[FileError] | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors or []


@dataclass
class ImportResult:
    imported: list[Document] = field(default_factory=list)
    duplicates: list[FileError] = field(default_factory=list)


@dataclass
class _Parsed:
    name: str
    xml: str
    uuid: str
    document_type: str
    series: str
    folio: int | None
    receptor_rfc: str
    receptor_name: str
    currency: str
    total: Decimal | None
    issued_at: datetime | None
    stamped_at: datetime


def _local(text: str) -> datetime | None:
    try:
        value = datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return None
    return value if value.tzinfo else value.replace(tzinfo=MEXICO)


def _parse(environment: InvoicingEnvironment, name: str, data: bytes) -> _Parsed:
    """One stamped CFDI of this emitter, or XmlRefused with the reason."""
    root = parse_xml(data)
    if root.tag != f"{{{CFDI_NS}}}Comprobante":
        raise XmlRefused(
            _("No es un CFDI 4.0 (el elemento raíz no es cfdi:Comprobante de la versión 4.0).")
        )
    stamp = read_stamp(root)
    if stamp is None or not _UUID.match(stamp.uuid):
        raise XmlRefused(_("El CFDI no está timbrado: no trae TimbreFiscalDigital con UUID."))
    stamped_at = _local(stamp.stamped_at)
    if stamped_at is None:
        raise XmlRefused(_("La FechaTimbrado del TimbreFiscalDigital no es una fecha válida."))
    emitter = root.find(f"{{{CFDI_NS}}}Emisor")
    emitter_rfc = (emitter.get("Rfc") if emitter is not None else "") or ""
    if emitter_rfc.upper() != environment.emitter_rfc:
        raise XmlRefused(
            _("El emisor del CFDI es %(rfc)s; este ambiente emite como %(own)s.")
            % {"rfc": emitter_rfc or "—", "own": environment.emitter_rfc}
        )
    document_type = root.get("TipoDeComprobante", "")
    if document_type not in DocumentType.values:
        raise XmlRefused(
            _("TipoDeComprobante «%(type)s» no se registra aquí (solo I, E, P y N).")
            % {"type": document_type}
        )
    folio_text = (root.get("Folio") or "").strip()
    folio = (
        int(folio_text)
        if folio_text.isascii() and folio_text.isdigit() and len(folio_text) <= 18
        else None
    )
    receptor = root.find(f"{{{CFDI_NS}}}Receptor")
    try:
        total = Decimal(root.get("Total", ""))
    except InvalidOperation:
        total = None
    return _Parsed(
        name=name,
        xml=data.decode("utf-8", errors="replace"),
        uuid=stamp.uuid,
        document_type=document_type,
        series=(root.get("Serie") or "")[:25],
        folio=folio,
        receptor_rfc=((receptor.get("Rfc") if receptor is not None else "") or "")[:13].upper(),
        receptor_name=((receptor.get("Nombre") if receptor is not None else "") or "")[:300],
        currency=(root.get("Moneda") or "")[:3],
        total=total,
        issued_at=_local(root.get("Fecha", "")),
        stamped_at=stamped_at,
    )


def _files(name: str, data: bytes) -> list[tuple[str, bytes]]:
    limit = settings.INVOICING_UPLOAD_MAX_BYTES
    if len(data) > limit:
        raise ImportRefused(_("El archivo pesa más de %(mb)s MB.") % {"mb": limit // 1048576})
    if name.lower().endswith(".zip") or data[:4] == b"PK\x03\x04":
        try:
            files = xml_files_in_zip(data)
        except XmlRefused as exc:
            raise ImportRefused(str(exc)) from exc
        if not files:
            raise ImportRefused(_("El .zip no trae ningún archivo .xml."))
        return files
    if not name.lower().endswith(".xml"):
        raise ImportRefused(_("Sube un archivo .xml o un .zip con archivos .xml."))
    return [(name, data)]


def _file_name(parsed: _Parsed) -> str:
    base = PurePosixPath(parsed.name).name
    return _UNSAFE.sub("_", base)[-120:] or f"{parsed.uuid}.xml"


@transaction.atomic
def documents_import(
    *, environment: InvoicingEnvironment, name: str, data: bytes, actor
) -> ImportResult:
    """Store the stamped CFDI of the upload as stamped documents, or ImportRefused (nothing saved)."""
    parsed = _parse_all(environment, _files(name, data))
    # The pipeline skips an environment whose row is locked: no folio is taken while we look.
    InvoicingEnvironment.objects.select_for_update(no_key=True).filter(pk=environment.pk).first()
    result = ImportResult()
    fresh = _without_duplicates(parsed, result)
    top, counters = _check_folios(environment, fresh)
    documents = _store(environment, fresh, actor=actor)
    for key, counter in counters.items():
        if top[key] > counter.last:
            FolioCounter.objects.filter(pk=counter.pk).update(last=top[key])
    _log(environment, documents)
    if documents or result.duplicates:
        audit_record(
            actor=actor,
            action=AuditAction.INVOICING_DOCUMENTS_IMPORT,
            target=environment,
            changes={
                "file": name[:200],
                "imported": len(documents),
                "duplicates": len(result.duplicates),
            },
        )
    result.imported = documents
    return result


def _refused(errors: list[FileError]) -> ImportRefused:
    return ImportRefused(
        _("No se importó nada: corrige los archivos señalados y vuelve a subirlos."), errors
    )


def _parse_all(environment: InvoicingEnvironment, files: list[tuple[str, bytes]]) -> list[_Parsed]:
    errors: list[FileError] = []
    parsed: list[_Parsed] = []
    for file_name, content in files:
        try:
            parsed.append(_parse(environment, file_name, content))
        except XmlRefused as exc:
            errors.append(FileError(file_name, str(exc)))
    if errors:
        raise _refused(errors)
    return parsed


def _without_duplicates(parsed: list[_Parsed], result: ImportResult) -> list[_Parsed]:
    """The CFDI whose UUID is new; the others go to result.duplicates."""
    known: set[str | None] = set()
    uuids = [p.uuid for p in parsed]
    for start in range(0, len(uuids), 500):
        known.update(
            Document.objects.filter(uuid__in=uuids[start : start + 500]).values_list(
                "uuid", flat=True
            )
        )
    fresh: list[_Parsed] = []
    for p in parsed:
        if p.uuid in known:
            result.duplicates.append(
                FileError(
                    p.name,
                    _("El UUID %(uuid)s ya está registrado; no se duplicó.") % {"uuid": p.uuid},
                )
            )
            continue
        known.add(p.uuid)
        fresh.append(p)
    return fresh


def _check_folios(
    environment: InvoicingEnvironment, fresh: list[_Parsed]
) -> tuple[dict[tuple[str, str], int], dict[tuple[str, str], FolioCounter]]:
    """Lock the counters, then make sure no imported folio is already used (in the upload or the
    registry); returns the highest imported folio and the locked counter per (series, type)."""
    errors: list[FileError] = []
    top: dict[tuple[str, str], int] = {}
    seen: dict[tuple[str, str, int], str] = {}
    for p in fresh:
        if p.folio is None:
            continue
        key = (p.series, p.document_type, p.folio)
        if key in seen:
            errors.append(
                FileError(
                    p.name,
                    _("El folio %(folio)s ya viene en «%(other)s» con otro UUID.")
                    % {"folio": f"{p.series}-{p.folio}", "other": seen[key]},
                )
            )
        seen[key] = p.name
        top[key[:2]] = max(top.get(key[:2], 0), p.folio)
    counters = {
        key: folio_counter_lock(environment=environment, series=key[0], document_type=key[1])
        for key in sorted(top)
    }
    if seen:
        errors.extend(_used_folios(environment, seen))
    if errors:
        raise _refused(errors)
    return top, counters


def _used_folios(
    environment: InvoicingEnvironment, seen: dict[tuple[str, str, int], str]
) -> list[FileError]:
    condition = Q()
    for series, document_type, folio in seen:
        condition |= Q(series=series, document_type=document_type, folio=folio)
    used = Document.objects.filter(Q(environment=environment) & condition).values_list(
        "series", "document_type", "folio", "file_name"
    )
    return [
        FileError(
            seen[(series, document_type, folio)],
            _("El folio %(folio)s ya lo tiene el documento «%(other)s» de este ambiente.")
            % {"folio": f"{series}-{folio}" if series else folio, "other": other},
        )
        for series, document_type, folio, other in used
        if folio is not None
    ]


def _store(environment: InvoicingEnvironment, fresh: list[_Parsed], *, actor) -> list[Document]:
    now = timezone.now()
    user = actor_or_none(actor)
    documents = [
        Document(
            environment=environment,
            movement_id="",
            document_type=p.document_type,
            series=p.series,
            folio=p.folio,
            state=State.STAMPED,
            input_flag=False,
            receptor_rfc=p.receptor_rfc,
            receptor_name=p.receptor_name,
            currency=p.currency,
            total=p.total,
            uuid=p.uuid,
            file_name=_file_name(p),
            issued_at=p.issued_at,
            stamped_at=p.stamped_at,
            created_at=now,
        )
        for p in fresh
    ]
    Document.objects.bulk_create(documents, batch_size=500)
    DocumentXml.objects.bulk_create(
        [
            DocumentXml(document_id=d.pk, stamped_xml=p.xml)
            for d, p in zip(documents, fresh, strict=True)
        ],
        batch_size=200,
    )
    reason = _("Importado de un XML timbrado.")
    transitions_save(
        environment_id=environment.pk,
        rows=[
            DocumentTransition(
                document_id=d.pk,
                from_state="",
                to_state=State.STAMPED,
                actor=user,
                reason=reason,
                created_at=now,
            )
            for d in documents
        ],
    )
    return documents


def _log(environment: InvoicingEnvironment, documents: list[Document]) -> None:
    text = _("Importado %(file)s, UUID %(uuid)s.")
    now = documents[0].created_at if documents else None
    log_write(
        lines=[
            log_line_build(
                environment_id=environment.pk,
                stage=LogLine.Stage.INTAKE,
                message=text % {"file": d.file_name, "uuid": d.uuid},
                now=now,
            )
            for d in documents
        ]
    )
