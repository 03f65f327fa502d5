"""The invoicing pipeline over the API: the same services, selectors and access rules as the pages."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from cfdidesk.accounts.roles import has_capability
from cfdidesk.core.pagination import page_of
from cfdidesk.core.people import display_name
from cfdidesk.core.uploads import upload_too_large
from cfdidesk.customers.access import get_company_for

from . import selectors, services
from .access import get_document_for, get_environment_for
from .models import Document, DocumentType, InvoicingEnvironment, State

router = Router(tags=["Facturación"])


# ---------------------------------------------------------------- movement schema (documents the body)


class TaxIn(Schema):
    tax: str = Field(description="c_Impuesto: 001/ISR, 002/IVA, 003/IEPS")
    kind: str = Field("traslado", description="traslado o retencion")
    factor: str = Field("Tasa", description="c_TipoFactor: Tasa, Cuota o Exento")
    rate: str | None = Field(
        None, description="Tasa como fracción (0.16) o cuota; número o texto decimal"
    )


class ConceptIn(Schema):
    product_key: str = Field(description="c_ClaveProdServ")
    quantity: str = Field(description="Mayor que cero; número o texto decimal")
    unit_key: str = Field(description="c_ClaveUnidad")
    unit: str = ""
    description: str
    unit_value: str = Field(description="Valor unitario, sin impuestos")
    discount: str | None = None
    sku: str = ""
    tax_object: str = Field("", description="c_ObjetoImp; vacío: 02 si lleva impuestos, 01 si no")
    taxes: list[TaxIn] = []


class ReceptorIn(Schema):
    rfc: str
    name: str = Field(description="Nombre o razón social como en su constancia de situación fiscal")
    tax_regime: str = Field(description="c_RegimenFiscal del receptor")
    postal_code: str = Field(description="Código postal de su domicilio fiscal")
    cfdi_use: str = Field(description="c_UsoCFDI")


class RelatedIn(Schema):
    relation: str = Field(description="c_TipoRelacion")
    uuids: list[str]


class PaidDocumentIn(Schema):
    uuid: str
    series: str = ""
    folio: str = ""
    currency: str = "MXN"
    installment: int = 1
    previous_balance: str
    amount_paid: str
    tax_object: str = "01"
    taxes: list[TaxIn] = []


class PaymentIn(Schema):
    date: str = Field(description="AAAA-MM-DD o AAAA-MM-DDThh:mm:ss")
    form: str = Field(description="c_FormaPago")
    currency: str = "MXN"
    exchange_rate: str | None = None
    operation_number: str = ""
    documents: list[PaidDocumentIn]


class PayrollEmployerIn(Schema):
    registration: str = Field(
        "", description="Registro patronal (obligatorio con tipo de contrato 01 a 08)"
    )
    curp: str = Field("", description="CURP del patrón, solo si es persona física")


class PayrollEmployeeIn(Schema):
    curp: str
    number: str = Field(description="Número de empleado (1 a 15 caracteres)")
    social_security_number: str = Field("", description="NSS; obligatorio con registro patronal")
    start_date: str = Field(
        "",
        description="Inicio de la relación laboral, AAAA-MM-DD; la antigüedad se calcula en semanas",
    )
    contract_type: str = Field(description="c_TipoContrato")
    regime_type: str = Field(description="c_TipoRegimen")
    periodicity: str = Field(description="c_PeriodicidadPago")
    state: str = Field(description="c_Estado: entidad donde prestó el servicio (ClaveEntFed)")
    job_risk: str = Field("", description="c_RiesgoPuesto; obligatorio con registro patronal")
    daily_integrated_salary: str | None = Field(
        None, description="Salario diario integrado; obligatorio con registro patronal"
    )
    department: str = ""
    position: str = ""


class PerceptionIn(Schema):
    type: str = Field(description="c_TipoPercepcion")
    code: str = Field(description="Clave propia del patrón (3 a 15 caracteres)")
    concept: str
    taxed: str = Field("0", description="Importe gravado")
    exempt: str = Field("0", description="Importe exento")


class DeductionIn(Schema):
    type: str = Field(description="c_TipoDeduccion (002: ISR)")
    code: str = Field(description="Clave propia del patrón (3 a 15 caracteres)")
    concept: str
    amount: str


class OtherPaymentIn(Schema):
    type: str = Field(description="c_TipoOtroPago")
    code: str = Field(description="Clave propia del patrón (3 a 15 caracteres)")
    concept: str
    amount: str
    subsidy_caused: str | None = Field(
        None, description="Subsidio causado (tipo 002); vacío: el importe"
    )


class PayrollIn(Schema):
    type: str = Field("O", description="c_TipoNomina: O ordinaria, E extraordinaria")
    payment_date: str = Field(description="AAAA-MM-DD")
    period_start: str = Field(description="AAAA-MM-DD")
    period_end: str = Field(description="AAAA-MM-DD")
    days_paid: str = Field(description="Días pagados, hasta 3 decimales")
    employer: PayrollEmployerIn | None = None
    employee: PayrollEmployeeIn
    perceptions: list[PerceptionIn] = []
    deductions: list[DeductionIn] = []
    other_payments: list[OtherPaymentIn] = []


class MovementIn(Schema):
    """A source movement ("movto"). Decimal amounts may be JSON numbers or strings."""

    movement_id: str = Field(
        description="Identificador del movimiento en el sistema del cliente; único por ambiente"
    )
    document_type: str = Field(description="I (ingreso), E (egreso), P (pago) o N (nómina)")
    series: str = Field("", description="Vacío: la serie del ambiente para el tipo de documento")
    currency: str = "MXN"
    exchange_rate: str | None = None
    payment_method: str = Field("", description="c_MetodoPago: PUE o PPD (ingresos y egresos)")
    payment_form: str = Field("", description="c_FormaPago; 99 solo con PPD")
    payment_terms: str = ""
    receptor: ReceptorIn
    concepts: list[ConceptIn] = []
    related: RelatedIn | None = None
    payment: PaymentIn | None = Field(None, description="Solo en CFDI de pago (P)")
    payroll: PayrollIn | None = Field(
        None,
        description="Solo en CFDI de nómina (N, complemento Nómina 1.2): sin conceptos ni forma de pago; el receptor es el trabajador (régimen 605, uso CN01)",
    )
    total: str | None = Field(
        None,
        description="Total que calculó el sistema del cliente; si no coincide, error de structure validation",
    )


MOVEMENTS_BODY = {
    "required": True,
    "content": {
        "application/json": {
            "schema": {
                "oneOf": [
                    {"$ref": "#/components/schemas/MovementIn"},
                    {"type": "array", "items": {"$ref": "#/components/schemas/MovementIn"}},
                    {
                        "type": "object",
                        "properties": {
                            "movements": {
                                "type": "array",
                                "items": {"$ref": "#/components/schemas/MovementIn"},
                            }
                        },
                    },
                ]
            }
        }
    },
}


# ---------------------------------------------------------------- answers


class CompanyRef(Schema):
    id: int
    legal_name: str
    rfc: str


class EnvironmentOut(Schema):
    id: int
    name: str
    company: CompanyRef
    emitter_rfc: str
    emitter_name: str
    tax_regime: str
    postal_code: str
    series: dict[str, str] = Field(description="Serie por tipo de documento (I, E, P, N)")
    adapter: str
    generator_running: bool
    certificate_number: str
    certificate_valid_until: datetime | None
    has_csd: bool
    is_active: bool


class EnvironmentDetailOut(EnvironmentOut):
    documents_by_state: dict[str, int]
    stamp_credits: int


class EnvironmentIn(Schema):
    company_id: int
    name: str
    emitter_rfc: str | None = Field(None, description="Vacío: el RFC del cliente")
    emitter_name: str | None = None
    tax_regime: str | None = None
    postal_code: str | None = Field(None, description="Lugar de expedición")
    series_income: str | None = None
    series_credit_note: str | None = None
    series_payment: str | None = None
    series_payroll: str | None = None
    adapter: str | None = None


class IntakeItemOut(Schema):
    index: int
    movement_id: str
    status: str = Field(
        description="accepted (recibido) o already_received (ya recibido: mismo id y mismo contenido)"
    )
    document_id: int | None


class IntakeOut(Schema):
    accepted: int
    already_received: int
    items: list[IntakeItemOut]


class ItemErrorOut(Schema):
    index: int = Field(description="Posición del movimiento en el envío (desde 0)")
    movement_id: str
    field: str
    message: str


class RefusedOut(Schema):
    detail: str
    errors: list[ItemErrorOut]


class MessageOut(Schema):
    detail: str


class DocumentOut(Schema):
    id: int
    environment_id: int
    movement_id: str
    document_type: str
    series: str
    folio: int | None
    series_folio: str
    state: str
    state_label: str
    waiting_for_input: bool = Field(description="input = 1: el pipeline lo tomará")
    receptor_rfc: str
    receptor_name: str
    currency: str
    total: Decimal | None
    uuid: str | None
    file_name: str
    created_at: datetime
    stamped_at: datetime | None


class DocumentPage(Schema):
    items: list[DocumentOut]
    page: int
    has_next: bool


class ErrorOut(Schema):
    kind: str = Field(description="mapping, validation o generator")
    field: str
    message: str


class TransitionOut(Schema):
    from_state: str
    to_state: str
    actor: str | None
    reason: str
    created_at: datetime


class LogLineOut(Schema):
    id: int
    movement_id: str
    stage: str
    level: str
    message: str
    created_at: datetime


class DocumentDetailOut(DocumentOut):
    errors: list[ErrorOut]
    issued_at: datetime | None
    history: list[TransitionOut]
    log: list[LogLineOut]
    movement: MovementIn | None
    xml_url: str | None


class GeneratorEventOut(Schema):
    action: str
    actor: str | None
    reason: str
    created_at: datetime


class GeneratorOut(Schema):
    running: bool
    changed_at: datetime | None
    changed_by: str | None
    pending: int = Field(
        description="Documentos con input = 1 (por validar, por timbrar o sin timbres)"
    )
    events: list[GeneratorEventOut]
    changed: bool | None = None


class GeneratorIn(Schema):
    action: str = Field(description="pause o resume")
    reason: str = ""


class ReasonIn(Schema):
    reason: str = ""


class CreditsIn(Schema):
    quantity: int
    note: str = ""


class CreditsOut(Schema):
    rfc: str
    available: int
    used: int


class DocumentFilters(Schema):
    state: str = Field(
        "",
        description="received, mapping_error, pre, validation_error, waiting_for_input, stamped, generator_error, cancelled, no_credits",
    )
    type: str = Field("", description="I, E, P o N")
    series: str | None = None
    receptor_rfc: str = ""
    date_from: date | None = Field(None, description="Fecha de recepción, desde")
    date_to: date | None = Field(None, description="Fecha de recepción, hasta (incluida)")
    search: str = Field(
        "", description="UUID, nombre de archivo, serie-folio (A-123) o número de movimiento"
    )
    sort: str = Field("recientes", description="recientes (más nuevos primero) o antiguos")
    page: int = 1
    page_size: int = Field(50, le=200, ge=1)


# ---------------------------------------------------------------- helpers


def _name(user) -> str | None:
    return display_name(user) if user else None


def _environment_out(environment: InvoicingEnvironment) -> dict:
    return {
        **{
            f: getattr(environment, f)
            for f in (
                "id",
                "name",
                "emitter_rfc",
                "emitter_name",
                "tax_regime",
                "postal_code",
                "adapter",
                "generator_running",
                "certificate_number",
                "certificate_valid_until",
                "has_csd",
                "is_active",
            )
        },
        "company": environment.company,
        "series": {t.value: environment.series_for(t.value) for t in DocumentType},
    }


def _document_out(document: Document) -> dict:
    return {
        **{
            f: getattr(document, f)
            for f in (
                "id",
                "environment_id",
                "movement_id",
                "document_type",
                "series",
                "folio",
                "series_folio",
                "state",
                "receptor_rfc",
                "receptor_name",
                "currency",
                "total",
                "uuid",
                "file_name",
                "created_at",
                "stamped_at",
            )
        },
        "state_label": str(State(document.state).label),
        "waiting_for_input": document.input_flag,
    }


def _generator_out(environment: InvoicingEnvironment, changed: bool | None = None) -> dict:
    return {
        "running": environment.generator_running,
        "changed_at": environment.generator_changed_at,
        "changed_by": _name(environment.generator_changed_by),
        "pending": Document.objects.filter(environment=environment, input_flag=True).count(),
        "events": [
            {
                "action": e.action,
                "actor": _name(e.actor),
                "reason": e.reason,
                "created_at": e.created_at,
            }
            for e in selectors.generator_events(environment)
        ],
        "changed": changed,
    }


def _refused(exc: services.IntakeRefused):
    return Status(422, {"detail": exc.message, "errors": [e.as_dict() for e in exc.errors]})


# ---------------------------------------------------------------- environments


@router.get("/environments", response=list[EnvironmentOut], summary="Ambientes de facturación")
def list_environments(request, company: int | None = None):
    if not has_capability(request.user, "invoicing.view"):
        raise PermissionDenied
    qs = selectors.environment_list()
    if company:
        qs = qs.filter(company_id=company)
    return [_environment_out(e) for e in qs[:500]]


@router.post(
    "/environments",
    response={201: EnvironmentOut},
    summary="Crear un ambiente (empieza con el generador pausado)",
)
def create_environment(request, payload: EnvironmentIn):
    if not has_capability(request.user, "invoicing.manage"):
        raise PermissionDenied
    company = get_company_for(request.user, payload.company_id)
    data = payload.dict(exclude={"company_id"}, exclude_none=True)
    environment = services.environment_create(actor=request.user, company=company, data=data)
    return Status(201, _environment_out(environment))


@router.get(
    "/environments/{environment_id}",
    response=EnvironmentDetailOut,
    summary="Un ambiente, con sus documentos por estado y sus timbres",
)
def get_environment(request, environment_id: int):
    environment = get_environment_for(request.user, environment_id)
    return {
        **_environment_out(environment),
        "documents_by_state": selectors.state_counts(environment),
        "stamp_credits": services.balance_of(environment.emitter_rfc).available,
    }


@router.post(
    "/environments/{environment_id}/csd",
    response={200: EnvironmentOut},
    summary="Cargar el CSD (.cer, .key y contraseña)",
)
def upload_csd(
    request,
    environment_id: int,
    certificate: File[UploadedFile],
    key: File[UploadedFile],
    password: Form[str],
):
    """Se rechaza si la contraseña no es la de la llave, si la llave no es del certificado, si es una e.firma o si el
    certificado es de otro RFC. La llave y la contraseña se guardan cifradas y nunca se devuelven."""
    environment = get_environment_for(request.user, environment_id, capability="invoicing.manage")
    environment = services.environment_set_csd(
        actor=request.user,
        environment=environment,
        certificate=certificate.read(64 * 1024 + 1),
        key=key.read(64 * 1024 + 1),
        password=password,
    )
    return _environment_out(environment)


# ---------------------------------------------------------------- movements


@router.post(
    "/environments/{environment_id}/movements",
    response={202: IntakeOut, 413: MessageOut, 422: RefusedOut},
    summary="Enviar movimientos (uno o un lote)",
    openapi_extra={"requestBody": MOVEMENTS_BODY},
)
def post_movements(request, environment_id: int):
    """Un movimiento, una lista o `{"movements": [...]}` (hasta INVOICING_BATCH_MAX por envío).

    El lote es todo o nada: si un movimiento tiene errores (JSON, catálogos del SAT, cantidades en cero o negativas,
    un número de movimiento ya recibido con otro contenido) se rechaza el lote completo con un mensaje por error y no
    se guarda nada. Un movimiento ya recibido con el mismo contenido se informa como `already_received` («ya recibido»).
    Con el generador pausado los movimientos se aceptan y esperan, en orden, a que se reanude."""
    environment = get_environment_for(request.user, environment_id, capability="invoicing.operate")
    try:
        raw = request.body
    except RequestDataTooBig:
        return Status(
            413,
            {
                "detail": _(
                    "El envío pesa más de %(mb)s MB: divide el lote (hasta %(n)s movimientos por envío)."
                )
                % {
                    "mb": settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 1048576,
                    "n": settings.INVOICING_BATCH_MAX,
                }
            },
        )
    try:
        body = json.loads(raw or b"null", parse_float=Decimal)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        return Status(
            422,
            {
                "detail": _("El cuerpo no es JSON válido: %(error)s.")
                % {"error": getattr(exc, "msg", str(exc))},
                "errors": [],
            },
        )
    if isinstance(body, dict) and "movements" in body:
        body = body["movements"]
    payloads = body if isinstance(body, list) else [body]
    try:
        result = services.movements_receive(
            environment=environment, payloads=payloads, actor=request.user
        )
    except services.IntakeRefused as exc:
        return _refused(exc)
    return Status(
        202,
        {
            "accepted": result.accepted,
            "already_received": result.already_received,
            "items": [vars(i) for i in result.items],
        },
    )


# ---------------------------------------------------------------- documents


@router.get(
    "/environments/{environment_id}/documents",
    response=DocumentPage,
    summary="Documentos de un ambiente",
)
def list_documents(request, environment_id: int, filters: Query[DocumentFilters]):
    environment = get_environment_for(request.user, environment_id)
    qs = selectors.document_list(
        environment=environment,
        state=filters.state,
        document_type=filters.type.upper(),
        series=filters.series,
        receptor_rfc=filters.receptor_rfc,
        date_from=filters.date_from,
        date_to=filters.date_to,
        query=filters.search[:100],
        sort=filters.sort,
    )
    page = page_of(qs, number=filters.page, size=filters.page_size)
    return {
        "items": [_document_out(d) for d in page.items],
        "page": page.number,
        "has_next": page.has_next,
    }


class ImportFileOut(Schema):
    file: str
    message: str


class ImportOut(Schema):
    imported: int
    documents: list[DocumentOut]
    duplicates: list[ImportFileOut]


class ImportRefusedOut(Schema):
    detail: str
    errors: list[ImportFileOut]


@router.post(
    "/environments/{environment_id}/documents/import",
    response={201: ImportOut, 413: ImportRefusedOut, 422: ImportRefusedOut},
    summary="Importar CFDI ya timbrados (un .xml o un .zip)",
)
def import_documents(request, environment_id: int, file: File[UploadedFile]):
    """Reconocidos por su TimbreFiscalDigital; el emisor debe ser el del ambiente. Todo o nada por envío:
    si un archivo no sirve no se guarda ninguno (`errors` dice cuál y por qué); un UUID ya registrado
    se informa en `duplicates` y no se duplica. Los contadores de folio avanzan más allá de los folios importados."""
    environment = get_environment_for(request.user, environment_id, capability="invoicing.operate")
    limit = settings.INVOICING_UPLOAD_MAX_BYTES
    if upload_too_large(request) or (file.size or 0) > limit:
        return Status(
            413,
            {
                "detail": _("El archivo pesa más de %(mb)s MB.") % {"mb": limit // 1048576},
                "errors": [],
            },
        )
    try:
        result = services.documents_import(
            environment=environment,
            name=file.name or "",
            data=file.read(limit + 1),
            actor=request.user,
        )
    except services.ImportRefused as exc:
        return Status(422, {"detail": exc.message, "errors": [vars(e) for e in exc.errors]})
    return Status(
        201,
        {
            "imported": len(result.imported),
            "documents": [_document_out(d) for d in result.imported],
            "duplicates": [vars(e) for e in result.duplicates],
        },
    )


@router.get(
    "/documents/{document_id}",
    response=DocumentDetailOut,
    summary="Un documento: estado, errores, historial, bitácora",
)
def get_document(request, document_id: int):
    document = get_document_for(request.user, document_id)
    movement = document.source_movement.payload if document.source_movement_id else None
    has_xml = document.state not in (State.RECEIVED, State.MAPPING_ERROR) or document.is_stamped
    return {
        **_document_out(document),
        "errors": document.errors,
        "issued_at": document.issued_at,
        "history": [
            {
                "from_state": t.from_state,
                "to_state": t.to_state,
                "actor": _name(t.actor),
                "reason": t.reason,
                "created_at": t.created_at,
            }
            for t in selectors.document_history(document)
        ],
        "log": selectors.log_lines(environment=document.environment, movement=document.movement_id)
        if document.movement_id
        else [],
        "movement": movement,
        "xml_url": f"/api/v1/documents/{document.pk}/xml" if has_xml else None,
    }


@router.get(
    "/documents/{document_id}/xml",
    summary="El XML: timbrado si lo hay, si no el PRE",
    response={200: None, 404: MessageOut},
)
def get_document_xml(request, document_id: int, kind: str = "auto"):
    """`kind`: auto (timbrado, o el PRE si aún no se timbra), stamped o pre."""
    document = get_document_for(request.user, document_id)
    xml = getattr(document, "xml", None)
    stamped = xml.stamped_xml if xml else ""
    pre = xml.pre_xml if xml else ""
    if kind == "stamped" or (kind == "auto" and stamped):
        content, name = stamped, document.file_name
    else:
        content, name = (
            pre,
            document.file_name if not document.is_stamped else f"PRE_{document.file_name}",
        )
    if not content:
        return Status(404, {"detail": _("Este documento aún no tiene ese XML.")})
    response = HttpResponse(content.encode(), content_type="application/xml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name or document.pk}"'
    return response


@router.post(
    "/documents/{document_id}/reprocess", response=DocumentOut, summary="Reprocesar (input = 1)"
)
def reprocess_document(request, document_id: int, payload: ReasonIn):
    document = get_document_for(request.user, document_id, capability="invoicing.operate")
    return _document_out(
        services.document_reprocess(actor=request.user, document=document, reason=payload.reason)
    )


@router.post(
    "/documents/{document_id}/hold",
    response=DocumentOut,
    summary="Retener (input = 0): el pipeline no lo toma",
)
def hold_document(request, document_id: int, payload: ReasonIn):
    document = get_document_for(request.user, document_id, capability="invoicing.operate")
    return _document_out(
        services.document_hold(actor=request.user, document=document, reason=payload.reason)
    )


@router.post(
    "/documents/{document_id}/cancel",
    response=DocumentOut,
    summary="Cancelar un documento aún no timbrado",
)
def cancel_document(request, document_id: int, payload: ReasonIn):
    document = get_document_for(request.user, document_id, capability="invoicing.operate")
    return _document_out(
        services.document_cancel(actor=request.user, document=document, reason=payload.reason)
    )


# ---------------------------------------------------------------- generator, log, credits


@router.get(
    "/environments/{environment_id}/generator",
    response=GeneratorOut,
    summary="Estado del generador",
)
def get_generator(request, environment_id: int):
    return _generator_out(get_environment_for(request.user, environment_id))


@router.post(
    "/environments/{environment_id}/generator",
    response={200: GeneratorOut, 422: MessageOut},
    summary="Pausar o reanudar el generador",
)
def set_generator(request, environment_id: int, payload: GeneratorIn):
    environment = get_environment_for(request.user, environment_id, capability="invoicing.operate")
    if payload.action not in ("pause", "resume"):
        return Status(422, {"detail": _("La acción es «pause» o «resume».")})
    service = services.generator_pause if payload.action == "pause" else services.generator_resume
    environment, changed = service(
        actor=request.user, environment=environment, reason=payload.reason
    )
    environment = get_environment_for(request.user, environment.pk)
    return Status(200, _generator_out(environment, changed))


@router.get(
    "/environments/{environment_id}/log",
    response=list[LogLineOut],
    summary="Bitácora (debug) del ambiente",
)
def get_log(request, environment_id: int, movement: str = "", limit: int = 200):
    """Con `movement`, todas las líneas de ese movimiento (como «control f con movto» en el debug)."""
    environment = get_environment_for(request.user, environment_id)
    return selectors.log_lines(
        environment=environment, movement=movement[:100], limit=max(1, min(limit, 1000))
    )


@router.get(
    "/environments/{environment_id}/credits", response=CreditsOut, summary="Timbres del RFC emisor"
)
def get_credits(request, environment_id: int):
    environment = get_environment_for(request.user, environment_id)
    balance = services.balance_of(environment.emitter_rfc)
    return {"rfc": balance.rfc, "available": balance.available, "used": balance.used}


@router.post(
    "/environments/{environment_id}/credits",
    response=CreditsOut,
    summary="Cargar timbres al RFC emisor",
)
def load_credits(request, environment_id: int, payload: CreditsIn):
    environment = get_environment_for(request.user, environment_id, capability="invoicing.credits")
    balance = services.credits_load(
        actor=request.user,
        rfc=environment.emitter_rfc,
        quantity=payload.quantity,
        note=payload.note,
    )
    return {"rfc": balance.rfc, "available": balance.available, "used": balance.used}
