"""The movement payload ("movto"), defined once: these schemas document it in the API (OpenAPI) and
the normaliser reads every field through them (fields.Block), taking each field's name, whether it is
required and its default from here. A rule that depends on other fields (the payment method is
required for I and E only, a payroll receptor defaults to regime 605 and use CN01...) says so
where it is applied. tests/invoicing/test_movement_schema.py proves both agree.
"""

from __future__ import annotations

from ninja import Field, Schema


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
