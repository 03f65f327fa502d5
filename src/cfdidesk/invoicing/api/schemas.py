"""The invoicing API's schemas: what its endpoints take and answer.

The movement payload's schemas are defined once, in invoicing/movements/schema.py (the normaliser
reads every field through them); they are re-exported here for the endpoints.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from ninja import Field, Schema

from ..movements.schema import (
    ConceptIn,
    DeductionIn,
    MovementIn,
    OtherPaymentIn,
    PaidDocumentIn,
    PaymentIn,
    PayrollEmployeeIn,
    PayrollEmployerIn,
    PayrollIn,
    PerceptionIn,
    ReceptorIn,
    RelatedIn,
    TaxIn,
)

__all__ = [
    "ConceptIn",
    "DeductionIn",
    "MovementIn",
    "OtherPaymentIn",
    "PaidDocumentIn",
    "PaymentIn",
    "PayrollEmployeeIn",
    "PayrollEmployerIn",
    "PayrollIn",
    "PerceptionIn",
    "ReceptorIn",
    "RelatedIn",
    "TaxIn",
]

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
    actions: list[str] = Field(
        description="Lo que admite ahora (las mismas reglas que la página): reprocess, hold, cancel"
    )


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
