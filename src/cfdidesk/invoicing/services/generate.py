"""The pipeline's second step, only while the generator runs: waiting for input (or "sin timbres")
→ next folio of its series and type → sealed with the environment's CSD → stamped by its adapter;
or → generator error; or → "sin timbres" when the emitter RFC has no credits left."""

from __future__ import annotations

from typing import cast

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from ..adapters import AdapterUnavailable, StampingAdapter, get_adapter
from ..cfdi.mapping import Emitter, MappingError, build, local_now
from ..cfdi.seal import seal
from ..cfdi.xml import to_bytes
from ..models import (
    Document,
    DocumentXml,
    InvoicingEnvironment,
    LogLine,
    Movement,
    StampBalance,
    State,
)
from ..naming import pre_file_name, stamped_file_name
from .batch import BatchStats, StepWrites, batch_save, documents_claim
from .folios import Folios
from .signing import SignerUnavailable, emitter_build, signer_get

GENERATED_FIELDS = [
    "state",
    "input_flag",
    "errors",
    "folio",
    "uuid",
    "stamped_at",
    "issued_at",
    "file_name",
]
Stage, Level = LogLine.Stage, LogLine.Level


class _Credits:
    """The emitter RFC's stamp credits, row-locked for the batch and written once at its end."""

    def __init__(self, environment: InvoicingEnvironment):
        self.balance = (
            StampBalance.objects.select_for_update().filter(rfc=environment.emitter_rfc).first()
        )
        self.available = self.balance.available if self.balance else 0
        self.used = 0

    def spend(self) -> None:
        self.available -= 1
        self.used += 1

    def save(self) -> None:
        if self.used and self.balance is not None:
            StampBalance.objects.filter(pk=self.balance.pk).update(
                available=self.available, used=F("used") + self.used
            )


class _Pass:
    """One generator pass over a batch: its writes and counts, saved together at the end."""

    def __init__(self, environment: InvoicingEnvironment, stats: BatchStats):
        self.environment = environment
        self.stats = stats
        self.writes = StepWrites(environment.pk, timezone.now())
        self.changed: list[Document] = []

    def log(self, document: Document, message: str, *, level: str = Level.INFO) -> None:
        self.writes.log(Stage.GENERATOR, message, movement_id=document.movement_id, level=level)

    def fail(self, document: Document, message: str, *, level: str = Level.ERROR) -> None:
        self.writes.move(document, State.GENERATOR_ERROR, _("Error del generador."))
        document.errors = [{"kind": "generator", "field": "", "message": message}]
        document.file_name = pre_file_name(document.series, document.folio, document.movement_id)
        document.input_flag = False
        self.changed.append(document)
        self.stats.failed += 1
        self.log(
            document, _("Error del generador: %(message)s") % {"message": message}, level=level
        )

    def no_credits(self, document: Document) -> None:
        if document.state == State.NO_CREDITS:
            return
        self.writes.move(document, State.NO_CREDITS, _("Sin timbres."))
        self.changed.append(document)
        self.stats.no_credits += 1
        self.log(
            document,
            _(
                "Sin timbres: el RFC %(rfc)s no tiene timbres disponibles; el documento se timbrará al cargar timbres."
            )
            % {"rfc": self.environment.emitter_rfc},
            level=Level.WARNING,
        )

    def stamped(self, document: Document, folio: int, issued, result, adapter_name: str) -> None:
        self.writes.move(
            document, State.STAMPED, _("Timbrado por %(adapter)s.") % {"adapter": adapter_name}
        )
        document.folio = folio
        document.uuid = result.uuid
        document.stamped_at = result.stamped_at
        document.issued_at = issued
        document.file_name = stamped_file_name(document.series, folio)
        document.errors = []
        document.input_flag = False
        self.changed.append(document)
        self.stats.stamped += 1
        self.writes.xml_rows.append(
            DocumentXml(document_id=document.pk, stamped_xml=result.xml.decode())
        )
        self.log(
            document,
            _("Timbrado: %(file)s, folio %(series_folio)s, UUID %(uuid)s.")
            % {
                "file": document.file_name,
                "series_folio": document.series_folio,
                "uuid": result.uuid,
            },
        )

    def save(self) -> None:
        batch_save(
            stats=self.stats,
            writes=self.writes,
            documents=self.changed,
            fields=GENERATED_FIELDS,
            xml_field="stamped_xml",
        )


def documents_generate(*, environment: InvoicingEnvironment, limit: int, stats: BatchStats) -> None:
    """Stamp the environment's next waiting documents (one batch), in arrival and folio order."""
    credits = _Credits(environment)
    # Without credits only the newly waiting are taken (to mark them "sin timbres"), so a pass
    # ends instead of reading the same "sin timbres" documents again and again.
    states: list[str] = (
        [State.WAITING_FOR_INPUT, State.NO_CREDITS]
        if credits.available > 0
        else [State.WAITING_FOR_INPUT]
    )
    documents = documents_claim(environment=environment, states=states, limit=limit)
    if not documents:
        return
    run = _Pass(environment, stats)
    tools = _tools(environment, documents, run)
    if tools is not None:
        signer, adapter = tools
        folios = Folios(environment)
        emitter = emitter_build(environment=environment, signer=signer)
        for document in documents:
            if credits.available <= 0:
                run.no_credits(document)
                continue
            if not _stamp_one(document, run, emitter, signer, adapter, folios, credits):
                break  # the PAC is down: the rest of the batch waits, in order, for the next pass
        folios.save()
        credits.save()
    run.save()


def _tools(environment: InvoicingEnvironment, documents: list[Document], run: _Pass):
    """(signer, adapter), or None after failing every document when either is missing."""
    try:
        return signer_get(environment=environment), get_adapter(environment.adapter)
    except SignerUnavailable as exc:
        message = str(exc)
    except KeyError:
        message = _("No existe el adaptador de timbrado «%(name)s».") % {
            "name": environment.adapter
        }
    for document in documents:
        run.fail(document, message)
    return None


def _stamp_one(
    document: Document,
    run: _Pass,
    emitter: Emitter,
    signer,
    adapter: StampingAdapter,
    folios: Folios,
    credits: _Credits,
) -> bool:
    """Folio, build, seal and stamp one document; False when the PAC did not answer."""
    new_folio = document.folio is None
    folio = (
        folios.take(document.series, document.document_type)
        if document.folio is None
        else document.folio
    )
    issued = local_now(run.environment.postal_code)
    try:
        root = build(
            cast(Movement, document.source_movement).payload,
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
        run.log(
            document,
            _("El PAC no respondió (%(error)s); se reintentará.") % {"error": exc},
            level=Level.WARNING,
        )
        return False
    except MappingError as exc:
        document.folio = folio
        run.fail(document, "; ".join(f"{i.field}: {i.message}" for i in exc.issues))
        return True
    except Exception as exc:  # a seal or a PAC refusal is this document's generator error
        document.folio = folio
        run.fail(document, str(exc)[:1000] or exc.__class__.__name__)
        return True
    credits.spend()
    run.stamped(document, folio, issued, result, adapter.name)
    return True
