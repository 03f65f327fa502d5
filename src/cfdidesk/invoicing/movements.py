"""What a movement ("movto") must look like when it arrives, by API or file.

`normalize_movement` checks the shape, the SAT catalog codes and the amounts, and returns the
movement in one canonical form (decimals as plain strings, codes upper-case, defaults filled):
two sends of the same movement hash the same whatever their spacing or "100" vs "100.00".
What needs the environment or relations between fields (UsoCFDI for the regime, postal codes
that exist, payment form 99 with PPD, totals) is structure validation, later.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from cfdidesk.sat import catalogs
from cfdidesk.sat.rfc import normalize_rfc

from .models import DocumentType

MAX_CONCEPTS = 500
_UUID = re.compile(r"^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$")
_POSTAL = re.compile(r"^\d{5}$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f|]")
# tdCFDI's t_CURP, as SAT's XSD writes it.
_CURP = re.compile(
    r"^[A-Z][AEIOUX][A-Z]{2}[0-9]{2}(0[1-9]|1[012])(0[1-9]|[12][0-9]|3[01])[MHX]"
    r"([ABCMTZ]S|[BCJMOT]C|[CNPST]L|[GNQ]T|[GQS]R|C[MH]|[MY]N|[DH]G|NE|VZ|DF|SP)[BCDFGHJ-NP-TV-Z]{3}[0-9A-Z][0-9]$"
)
_DIGITS = re.compile(r"^\d{1,15}$")
MAX_PAYROLL_LINES = 200
TYPE_ALIASES = {
    "I": "I",
    "INCOME": "I",
    "INGRESO": "I",
    "E": "E",
    "CREDIT_NOTE": "E",
    "EGRESO": "E",
    "NOTA_DE_CREDITO": "E",
    "P": "P",
    "PAYMENT": "P",
    "PAGO": "P",
    "N": "N",
    "PAYROLL": "N",
    "NOMINA": "N",
    "NÓMINA": "N",
}
TAX_ALIASES = {"ISR": "001", "IVA": "002", "IEPS": "003"}
TAX_KINDS = {
    "traslado": "traslado",
    "transfer": "traslado",
    "retencion": "retencion",
    "retención": "retencion",
    "withholding": "retencion",
}


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str


class _Errors(list):
    def add(self, field: str, message: str) -> None:
        self.append(FieldError(field, message))


def canonical_decimal(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "") else text


def content_hash(movement: dict) -> str:
    data = json.dumps(movement, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(data.encode()).hexdigest()


def _text(
    raw: dict, key: str, errors: _Errors, field: str, *, required=False, max_length=300, upper=False
) -> str:
    value = raw.get(key)
    if value is None:
        value = ""
    elif isinstance(value, int | Decimal) and not isinstance(value, bool):
        value = str(value)
    elif not isinstance(value, str):
        errors.add(field, _("Debe ser texto."))
        return ""
    value = value.strip()
    if upper:
        value = value.upper()
    if required and not value:
        errors.add(field, _("Falta este dato."))
    elif len(value) > max_length:
        errors.add(
            field,
            _("Admite hasta %(n)d caracteres; trae %(len)d.")
            % {"n": max_length, "len": len(value)},
        )
    elif _CONTROL.search(value):
        errors.add(field, _("No admite el carácter «|» ni caracteres de control."))
    return value


def _decimal(
    raw: dict,
    key: str,
    errors: _Errors,
    field: str,
    *,
    required=False,
    positive=False,
    minimum=Decimal(0),
):
    value = raw.get(key)
    if value is None or value == "":
        if required:
            errors.add(field, _("Falta este dato."))
        return None
    if isinstance(value, bool) or isinstance(value, float):
        # JSON is parsed with Decimal; a float here would already have lost cents.
        errors.add(field, _("Debe ser un número decimal."))
        return None
    try:
        number = Decimal(value.strip() if isinstance(value, str) else value)
    except (InvalidOperation, TypeError, ValueError):
        errors.add(
            field,
            _("«%(value)s» no es un número (usa punto decimal y sin separador de miles).")
            % {"value": str(value)[:40]},
        )
        return None
    if not number.is_finite():
        errors.add(field, _("Debe ser un número decimal."))
        return None
    if positive and number <= 0:
        errors.add(
            field,
            _("Debe ser mayor que cero; trae %(value)s.") % {"value": canonical_decimal(number)},
        )
        return None
    if number < minimum:
        errors.add(
            field,
            _("No puede ser negativo; trae %(value)s.") % {"value": canonical_decimal(number)},
        )
        return None
    if abs(number) >= Decimal("1e18") or -number.as_tuple().exponent > 6:
        errors.add(field, _("Admite hasta 18 dígitos enteros y 6 decimales."))
        return None
    return canonical_decimal(number)


def _code(
    raw: dict,
    key: str,
    errors: _Errors,
    field: str,
    catalog,
    catalog_name: str,
    *,
    required=True,
    default="",
) -> str:
    value = raw.get(key)
    if value is None or value == "":
        if required and not default:
            errors.add(field, _("Falta este dato."))
        return default
    value = str(value).strip().upper() if not isinstance(value, str) else value.strip().upper()
    if value not in catalog:
        errors.add(
            field,
            _("«%(code)s» no está en el catálogo %(catalog)s del SAT.")
            % {"code": value[:30], "catalog": catalog_name},
        )
    return value


def _taxes(raw_taxes, errors: _Errors, field: str) -> list[dict]:
    if raw_taxes in (None, ""):
        return []
    if not isinstance(raw_taxes, list):
        errors.add(field, _("Debe ser una lista de impuestos."))
        return []
    out = []
    for n, raw in enumerate(raw_taxes):
        where = f"{field}[{n}]"
        if not isinstance(raw, dict):
            errors.add(where, _("Cada impuesto debe ser un objeto."))
            continue
        tax = str(raw.get("tax") or "").strip().upper()
        tax = TAX_ALIASES.get(tax, tax)
        if not tax:
            errors.add(f"{where}.tax", _("Falta este dato."))
        elif tax not in catalogs.taxes():
            errors.add(
                f"{where}.tax",
                _("«%(code)s» no está en el catálogo c_Impuesto del SAT (ISR, IVA, IEPS).")
                % {"code": tax[:20]},
            )
        kind = TAX_KINDS.get(str(raw.get("kind") or "traslado").strip().lower())
        if kind is None:
            errors.add(f"{where}.kind", _("Debe ser «traslado» o «retencion»."))
        factor = str(raw.get("factor") or "Tasa").strip().capitalize()
        if factor not in catalogs.factor_types():
            errors.add(
                f"{where}.factor",
                _("«%(code)s» no está en el catálogo c_TipoFactor del SAT (Tasa, Cuota, Exento).")
                % {"code": factor[:20]},
            )
        rate = _decimal(
            raw,
            "rate",
            errors,
            f"{where}.rate",
            required=factor != "Exento" and factor in catalogs.factor_types(),
        )
        if factor == "Exento" and kind == "retencion":
            errors.add(f"{where}.factor", _("Una retención no puede ser exenta."))
        if rate is not None and factor == "Tasa" and Decimal(rate) > 1:
            errors.add(f"{where}.rate", _("La tasa se escribe como fracción: 0.16 para el 16 %."))
        out.append(
            {
                "tax": tax,
                "kind": kind or "",
                "factor": factor,
                "rate": rate if factor != "Exento" else None,
            }
        )
    return out


def _concepts(raw_concepts, errors: _Errors) -> list[dict]:
    if not isinstance(raw_concepts, list) or not raw_concepts:
        errors.add("concepts", _("Debe traer al menos un concepto."))
        return []
    if len(raw_concepts) > MAX_CONCEPTS:
        errors.add("concepts", _("Admite hasta %(n)d conceptos.") % {"n": MAX_CONCEPTS})
        return []
    out = []
    product_keys, unit_keys = catalogs.product_service_keys(), catalogs.unit_keys()
    for n, raw in enumerate(raw_concepts):
        where = f"concepts[{n}]"
        if not isinstance(raw, dict):
            errors.add(where, _("Cada concepto debe ser un objeto."))
            continue
        concept = {
            "product_key": _code(
                raw, "product_key", errors, f"{where}.product_key", product_keys, "c_ClaveProdServ"
            ),
            "quantity": _decimal(
                raw, "quantity", errors, f"{where}.quantity", required=True, positive=True
            ),
            "unit_key": _code(
                raw, "unit_key", errors, f"{where}.unit_key", unit_keys, "c_ClaveUnidad"
            ),
            "unit": _text(raw, "unit", errors, f"{where}.unit", max_length=20),
            "description": _text(
                raw, "description", errors, f"{where}.description", required=True, max_length=1000
            ),
            "unit_value": _decimal(raw, "unit_value", errors, f"{where}.unit_value", required=True),
            "discount": _decimal(raw, "discount", errors, f"{where}.discount"),
            "sku": _text(raw, "sku", errors, f"{where}.sku", max_length=100),
            "tax_object": _code(
                raw,
                "tax_object",
                errors,
                f"{where}.tax_object",
                catalogs.tax_objects(),
                "c_ObjetoImp",
                required=False,
            ),
            "taxes": _taxes(raw.get("taxes"), errors, f"{where}.taxes"),
        }
        out.append(concept)
    return out


def _receptor(raw, errors: _Errors, *, payroll: bool = False) -> dict:
    if not isinstance(raw, dict):
        errors.add(
            "receptor", _("Falta el receptor (RFC, nombre, régimen, código postal y uso del CFDI).")
        )
        return {}
    rfc = normalize_rfc(_text(raw, "rfc", errors, "receptor.rfc", required=True, max_length=20))
    if rfc and len(rfc) not in (12, 13):
        errors.add(
            "receptor.rfc",
            _("El RFC debe tener 12 caracteres (persona moral) o 13 (persona física); tiene %(n)d.")
            % {"n": len(rfc)},
        )
    postal_code = _text(
        raw, "postal_code", errors, "receptor.postal_code", required=True, max_length=5
    )
    if postal_code and not _POSTAL.match(postal_code):
        errors.add("receptor.postal_code", _("El código postal son 5 dígitos."))
    return {
        "rfc": rfc,
        "name": _text(raw, "name", errors, "receptor.name", required=True, max_length=300),
        # A payroll receptor is the employee: regime 605 and use CN01 unless the movement says otherwise
        # (and then structure validation says why it cannot be).
        "tax_regime": _code(
            raw,
            "tax_regime",
            errors,
            "receptor.tax_regime",
            catalogs.tax_regimes(),
            "c_RegimenFiscal",
            default="605" if payroll else "",
        ),
        "postal_code": postal_code,
        "cfdi_use": _code(
            raw,
            "cfdi_use",
            errors,
            "receptor.cfdi_use",
            catalogs.cfdi_uses(),
            "c_UsoCFDI",
            default="CN01" if payroll else "",
        ),
    }


def _related(raw, errors: _Errors) -> dict | None:
    if raw in (None, "", {}):
        return None
    if not isinstance(raw, dict):
        errors.add("related", _("Debe ser un objeto con «relation» y «uuids»."))
        return None
    relation = _code(
        raw, "relation", errors, "related.relation", catalogs.relation_types(), "c_TipoRelacion"
    )
    uuids = raw.get("uuids") or []
    if isinstance(uuids, str):
        uuids = uuids.split()
    if not isinstance(uuids, list) or not uuids:
        errors.add("related.uuids", _("Escribe al menos un UUID relacionado."))
        uuids = []
    clean = []
    for n, value in enumerate(uuids):
        text = str(value).strip().upper()
        if not _UUID.match(text):
            errors.add(
                f"related.uuids[{n}]",
                _("«%(value)s» no es un UUID (folio fiscal).") % {"value": text[:40]},
            )
        clean.append(text)
    return {"relation": relation, "uuids": clean}


def _payment(raw, errors: _Errors) -> dict | None:
    if not isinstance(raw, dict):
        errors.add(
            "payment",
            _(
                "Un CFDI de pago lleva el bloque «payment» (fecha, forma, moneda y documentos pagados)."
            ),
        )
        return None
    date = _text(raw, "date", errors, "payment.date", required=True, max_length=19)
    if date and not re.match(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2})?$", date):
        errors.add("payment.date", _("La fecha de pago va como AAAA-MM-DD o AAAA-MM-DDThh:mm:ss."))
    elif date and len(date) == 10:
        date += "T12:00:00"  # SAT's rule when the hour is unknown
    payment = {
        "date": date,
        "form": _code(raw, "form", errors, "payment.form", catalogs.payment_forms(), "c_FormaPago"),
        "currency": _code(
            raw,
            "currency",
            errors,
            "payment.currency",
            catalogs.currencies(),
            "c_Moneda",
            default="MXN",
        ),
        "exchange_rate": _decimal(
            raw, "exchange_rate", errors, "payment.exchange_rate", positive=True
        ),
        "operation_number": _text(
            raw, "operation_number", errors, "payment.operation_number", max_length=100
        ),
        "documents": [],
    }
    documents = raw.get("documents")
    if not isinstance(documents, list) or not documents:
        errors.add("payment.documents", _("Escribe al menos un documento pagado."))
        return payment
    for n, doc in enumerate(documents):
        where = f"payment.documents[{n}]"
        if not isinstance(doc, dict):
            errors.add(where, _("Cada documento pagado debe ser un objeto."))
            continue
        uuid = str(doc.get("uuid") or "").strip().upper()
        if not _UUID.match(uuid):
            errors.add(
                f"{where}.uuid",
                _("«%(value)s» no es un UUID (folio fiscal).") % {"value": uuid[:40]},
            )
        installment = doc.get("installment", 1)
        if not isinstance(installment, int) or isinstance(installment, bool) or installment < 1:
            errors.add(f"{where}.installment", _("El número de parcialidad es un entero desde 1."))
            installment = 1
        payment["documents"].append(
            {
                "uuid": uuid,
                "series": _text(doc, "series", errors, f"{where}.series", max_length=25),
                "folio": _text(doc, "folio", errors, f"{where}.folio", max_length=40),
                "currency": _code(
                    doc,
                    "currency",
                    errors,
                    f"{where}.currency",
                    catalogs.currencies(),
                    "c_Moneda",
                    default=payment["currency"],
                ),
                "installment": installment,
                "previous_balance": _decimal(
                    doc,
                    "previous_balance",
                    errors,
                    f"{where}.previous_balance",
                    required=True,
                    positive=True,
                ),
                "amount_paid": _decimal(
                    doc, "amount_paid", errors, f"{where}.amount_paid", required=True, positive=True
                ),
                "tax_object": _code(
                    doc,
                    "tax_object",
                    errors,
                    f"{where}.tax_object",
                    catalogs.tax_objects(),
                    "c_ObjetoImp",
                    default="01",
                ),
                "taxes": _taxes(doc.get("taxes"), errors, f"{where}.taxes"),
            }
        )
    return payment


def _date(raw: dict, key: str, errors: _Errors, field: str, *, required=True) -> str:
    value = _text(raw, key, errors, field, required=required, max_length=10)
    if not value:
        return ""
    try:
        date.fromisoformat(value)
    except ValueError:
        errors.add(field, _("«%(value)s» no es una fecha: va como AAAA-MM-DD.") % {"value": value})
    else:
        if not re.match(r"^\d{4}-\d{2}-\d{2}$", value):
            errors.add(
                field, _("«%(value)s» no es una fecha: va como AAAA-MM-DD.") % {"value": value}
            )
    return value


def _amount_mxn(
    raw: dict, key: str, errors: _Errors, field: str, *, required=True, default: str | None = None
):
    """A payroll amount: pesos, not negative, at most 2 decimals (tdCFDI's t_ImporteMXN)."""
    if default is not None and raw.get(key) in (None, ""):
        return default
    value = _decimal(raw, key, errors, field, required=required)
    if value is not None and -Decimal(value).as_tuple().exponent > 2:
        errors.add(
            field,
            _("Un importe de nómina lleva hasta 2 decimales; trae %(value)s.") % {"value": value},
        )
        return None
    return value


def _key(raw: dict, key: str, errors: _Errors, field: str, *, min_length=3, max_length=15) -> str:
    value = _text(raw, key, errors, field, required=True, max_length=max_length)
    if value and len(value) < min_length:
        errors.add(
            field,
            _("Lleva de %(min)d a %(max)d caracteres; trae %(len)d.")
            % {"min": min_length, "max": max_length, "len": len(value)},
        )
    return value


def _payroll_lines(raw_lines, errors: _Errors, field: str, kind: str) -> list[dict]:
    if raw_lines in (None, ""):
        return []
    if not isinstance(raw_lines, list):
        errors.add(field, _("Debe ser una lista."))
        return []
    if len(raw_lines) > MAX_PAYROLL_LINES:
        errors.add(field, _("Admite hasta %(n)d renglones.") % {"n": MAX_PAYROLL_LINES})
        return []
    types = {
        "perceptions": (catalogs.perception_types(), "c_TipoPercepcion"),
        "deductions": (catalogs.deduction_types(), "c_TipoDeduccion"),
        "other_payments": (catalogs.other_payment_types(), "c_TipoOtroPago"),
    }[kind]
    out = []
    for n, raw in enumerate(raw_lines):
        where = f"{field}[{n}]"
        if not isinstance(raw, dict):
            errors.add(where, _("Cada renglón debe ser un objeto."))
            continue
        line = {
            "type": _code(raw, "type", errors, f"{where}.type", types[0], types[1]),
            "code": _key(raw, "code", errors, f"{where}.code"),
            "concept": _text(
                raw, "concept", errors, f"{where}.concept", required=True, max_length=100
            ),
        }
        if kind == "perceptions":
            line["taxed"] = _amount_mxn(raw, "taxed", errors, f"{where}.taxed", default="0")
            line["exempt"] = _amount_mxn(raw, "exempt", errors, f"{where}.exempt", default="0")
        else:
            line["amount"] = _amount_mxn(raw, "amount", errors, f"{where}.amount")
        if kind == "other_payments":
            line["subsidy_caused"] = _amount_mxn(
                raw, "subsidy_caused", errors, f"{where}.subsidy_caused", required=False
            )
        out.append(line)
    return out


def _payroll(raw, errors: _Errors) -> dict | None:
    """The Nómina 1.2 block of a payroll movement (type N): dates, employee, perceptions, deductions."""
    if not isinstance(raw, dict):
        errors.add(
            "payroll",
            _(
                "Un CFDI de nómina lleva el bloque «payroll» (fechas, trabajador, percepciones y deducciones)."
            ),
        )
        return None
    days = _decimal(raw, "days_paid", errors, "payroll.days_paid", required=True, positive=True)
    if days is not None and (-Decimal(days).as_tuple().exponent > 3 or Decimal(days) > 36160):
        errors.add(
            "payroll.days_paid", _("Los días pagados van de 0.001 a 36160, con hasta 3 decimales.")
        )
    payroll = {
        "type": _code(
            raw,
            "type",
            errors,
            "payroll.type",
            catalogs.payroll_types(),
            "c_TipoNomina",
            default="O",
        ),
        "payment_date": _date(raw, "payment_date", errors, "payroll.payment_date"),
        "period_start": _date(raw, "period_start", errors, "payroll.period_start"),
        "period_end": _date(raw, "period_end", errors, "payroll.period_end"),
        "days_paid": days,
    }
    employer = raw.get("employer")
    if employer in (None, ""):
        employer = {}
    if not isinstance(employer, dict):
        errors.add(
            "payroll.employer",
            _("Debe ser un objeto (registro patronal y, si el patrón es persona física, su CURP)."),
        )
        employer = {}
    registration = _text(
        employer, "registration", errors, "payroll.employer.registration", max_length=20, upper=True
    )
    employer_curp = _text(
        employer, "curp", errors, "payroll.employer.curp", max_length=18, upper=True
    )
    if employer_curp and not _CURP.match(employer_curp):
        errors.add(
            "payroll.employer.curp",
            _("«%(value)s» no es una CURP válida.") % {"value": employer_curp},
        )
    payroll["employer"] = {"registration": registration, "curp": employer_curp}

    employee = raw.get("employee")
    if not isinstance(employee, dict):
        errors.add(
            "payroll.employee",
            _(
                "Falta el trabajador (CURP, número de empleado, tipo de contrato, tipo de régimen, periodicidad de pago y entidad federativa)."
            ),
        )
        employee = {}
    where = "payroll.employee"
    curp = _text(
        employee, "curp", errors, f"{where}.curp", required=True, max_length=18, upper=True
    )
    if curp and not _CURP.match(curp):
        errors.add(f"{where}.curp", _("«%(value)s» no es una CURP válida.") % {"value": curp})
    nss = _text(
        employee, "social_security_number", errors, f"{where}.social_security_number", max_length=15
    )
    if nss and not _DIGITS.match(nss):
        errors.add(
            f"{where}.social_security_number",
            _("El número de seguridad social son de 1 a 15 dígitos."),
        )
    payroll["employee"] = {
        "curp": curp,
        "number": _text(
            employee, "number", errors, f"{where}.number", required=True, max_length=15
        ),
        "social_security_number": nss,
        "start_date": _date(employee, "start_date", errors, f"{where}.start_date", required=False),
        "contract_type": _code(
            employee,
            "contract_type",
            errors,
            f"{where}.contract_type",
            catalogs.contract_types(),
            "c_TipoContrato",
        ),
        "regime_type": _code(
            employee,
            "regime_type",
            errors,
            f"{where}.regime_type",
            catalogs.payroll_regime_types(),
            "c_TipoRegimen",
        ),
        "periodicity": _code(
            employee,
            "periodicity",
            errors,
            f"{where}.periodicity",
            catalogs.payment_periodicities(),
            "c_PeriodicidadPago",
        ),
        "state": _code(employee, "state", errors, f"{where}.state", catalogs.states(), "c_Estado"),
        "job_risk": _code(
            employee,
            "job_risk",
            errors,
            f"{where}.job_risk",
            catalogs.job_risks(),
            "c_RiesgoPuesto",
            required=False,
        ),
        "daily_integrated_salary": _amount_mxn(
            employee,
            "daily_integrated_salary",
            errors,
            f"{where}.daily_integrated_salary",
            required=False,
        ),
        "department": _text(employee, "department", errors, f"{where}.department", max_length=100),
        "position": _text(employee, "position", errors, f"{where}.position", max_length=100),
    }
    payroll["perceptions"] = _payroll_lines(
        raw.get("perceptions"), errors, "payroll.perceptions", "perceptions"
    )
    payroll["deductions"] = _payroll_lines(
        raw.get("deductions"), errors, "payroll.deductions", "deductions"
    )
    payroll["other_payments"] = _payroll_lines(
        raw.get("other_payments"), errors, "payroll.other_payments", "other_payments"
    )
    if (
        not payroll["perceptions"]
        and not payroll["other_payments"]
        and "payroll.perceptions" not in {e.field for e in errors}
    ):
        errors.add(
            "payroll.perceptions", _("Una nómina lleva al menos una percepción u otro pago.")
        )
    return payroll


def normalize_movement(raw: Any) -> tuple[dict | None, list[FieldError]]:
    """(canonical movement, []) or (None, errors naming each field)."""
    errors = _Errors()
    if not isinstance(raw, dict):
        errors.add("", _("Cada movimiento debe ser un objeto JSON."))
        return None, errors
    movement_id = _text(raw, "movement_id", errors, "movement_id", required=True, max_length=100)
    raw_type = str(raw.get("document_type") or "").strip().upper()
    document_type = TYPE_ALIASES.get(raw_type, "")
    if not raw_type:
        errors.add("document_type", _("Falta este dato."))
    elif not document_type:
        errors.add(
            "document_type",
            _(
                "«%(code)s» no es un tipo de documento: usa I (ingreso), E (egreso), P (pago) o N (nómina)."
            )
            % {"code": raw_type[:20]},
        )
    movement = {
        "movement_id": movement_id,
        "document_type": document_type,
        "series": _text(raw, "series", errors, "series", max_length=25),
        "receptor": _receptor(
            raw.get("receptor"), errors, payroll=document_type == DocumentType.PAYROLL
        ),
        "related": _related(raw.get("related"), errors),
        "total": _decimal(raw, "total", errors, "total"),
    }
    if document_type == DocumentType.PAYMENT:
        movement["payment"] = _payment(raw.get("payment"), errors)
    elif document_type == DocumentType.PAYROLL:
        # SAT fixes the concept, the currency (MXN), the method (PUE) and leaves out the payment form.
        for key in ("concepts", "payment_form", "payment_method", "exchange_rate"):
            if raw.get(key) not in (None, "", []) and not (
                key == "payment_method" and str(raw[key]).strip().upper() == "PUE"
            ):
                errors.add(
                    key,
                    _(
                        "Un CFDI de nómina no lleva «%(key)s»: el SAT fija el concepto, la moneda y el método de pago."
                    )
                    % {"key": key},
                )
        if str(raw.get("currency") or "MXN").strip().upper() != "MXN":
            errors.add("currency", _("La nómina se emite en MXN."))
        movement["currency"] = "MXN"
        movement["payroll"] = _payroll(raw.get("payroll"), errors)
    else:
        currency = _code(
            raw, "currency", errors, "currency", catalogs.currencies(), "c_Moneda", default="MXN"
        )
        needs_payment = document_type in (DocumentType.INCOME, DocumentType.CREDIT_NOTE)
        movement.update(
            {
                "currency": currency,
                "exchange_rate": _decimal(
                    raw, "exchange_rate", errors, "exchange_rate", positive=True
                ),
                "payment_method": _code(
                    raw,
                    "payment_method",
                    errors,
                    "payment_method",
                    catalogs.payment_methods(),
                    "c_MetodoPago",
                    required=needs_payment,
                ),
                "payment_form": _code(
                    raw,
                    "payment_form",
                    errors,
                    "payment_form",
                    catalogs.payment_forms(),
                    "c_FormaPago",
                    required=needs_payment,
                ),
                "payment_terms": _text(
                    raw, "payment_terms", errors, "payment_terms", max_length=1000
                ),
                "concepts": _concepts(raw.get("concepts"), errors),
            }
        )
    if errors:
        return None, errors
    return movement, []
