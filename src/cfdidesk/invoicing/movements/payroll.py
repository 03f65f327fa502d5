"""The Nómina 1.2 block of a payroll movement (type N): dates, employer, employee, lines."""

from __future__ import annotations

import re
from decimal import Decimal

from django.utils.translation import gettext as _

from cfdidesk.sat import catalogs

from .fields import Block, Errors
from .schema import (
    DeductionIn,
    OtherPaymentIn,
    PayrollEmployeeIn,
    PayrollEmployerIn,
    PayrollIn,
    PerceptionIn,
)

MAX_PAYROLL_LINES = 200
# tdCFDI's t_CURP, as SAT's XSD writes it.
_CURP = re.compile(
    r"^[A-Z][AEIOUX][A-Z]{2}[0-9]{2}(0[1-9]|1[012])(0[1-9]|[12][0-9]|3[01])[MHX]"
    r"([ABCMTZ]S|[BCJMOT]C|[CNPST]L|[GNQ]T|[GQS]R|C[MH]|[MY]N|[DH]G|NE|VZ|DF|SP)[BCDFGHJ-NP-TV-Z]{3}[0-9A-Z][0-9]$"
)
_DIGITS = re.compile(r"^\d{1,15}$")
# Each kind of line: its schema and SAT's catalog of its types.
LINE_KINDS = {
    "perceptions": (PerceptionIn, catalogs.perception_types, "c_TipoPercepcion"),
    "deductions": (DeductionIn, catalogs.deduction_types, "c_TipoDeduccion"),
    "other_payments": (OtherPaymentIn, catalogs.other_payment_types, "c_TipoOtroPago"),
}


def payroll(raw, errors: Errors) -> dict | None:
    """The Nómina 1.2 block of a payroll movement (type N): dates, employee, perceptions, deductions."""
    if not isinstance(raw, dict):
        errors.add(
            "payroll",
            _(
                "Un CFDI de nómina lleva el bloque «payroll» (fechas, trabajador, percepciones y deducciones)."
            ),
        )
        return None
    block = Block(raw, errors, PayrollIn, "payroll")
    days = block.decimal("days_paid", positive=True)
    if days is not None and (-Decimal(days).as_tuple().exponent > 3 or Decimal(days) > 36160):
        errors.add(
            "payroll.days_paid", _("Los días pagados van de 0.001 a 36160, con hasta 3 decimales.")
        )
    out = {
        "type": block.code("type", catalogs.payroll_types(), "c_TipoNomina"),
        "payment_date": block.date("payment_date"),
        "period_start": block.date("period_start"),
        "period_end": block.date("period_end"),
        "days_paid": days,
        "employer": _employer(block),
        "employee": _employee(block),
    }
    for kind in LINE_KINDS:
        out[kind] = _lines(block.value(kind), errors, f"payroll.{kind}", kind)
    if (
        not out["perceptions"]
        and not out["other_payments"]
        and "payroll.perceptions" not in {e.field for e in errors}
    ):
        errors.add(
            "payroll.perceptions", _("Una nómina lleva al menos una percepción u otro pago.")
        )
    return out


def _employer(payroll: Block) -> dict:
    employer = payroll.value("employer")
    if employer in (None, ""):
        employer = {}
    if not isinstance(employer, dict):
        payroll.errors.add(
            "payroll.employer",
            _("Debe ser un objeto (registro patronal y, si el patrón es persona física, su CURP)."),
        )
        employer = {}
    block = Block(employer, payroll.errors, PayrollEmployerIn, "payroll.employer")
    registration = block.text("registration", max_length=20, upper=True)
    curp = block.text("curp", max_length=18, upper=True)
    if curp and not _CURP.match(curp):
        block.errors.add(
            "payroll.employer.curp", _("«%(value)s» no es una CURP válida.") % {"value": curp}
        )
    return {"registration": registration, "curp": curp}


def _employee(payroll: Block) -> dict:
    employee = payroll.value("employee")
    if not isinstance(employee, dict):
        payroll.errors.add(
            "payroll.employee",
            _(
                "Falta el trabajador (CURP, número de empleado, tipo de contrato, tipo de régimen, periodicidad de pago y entidad federativa)."
            ),
        )
        employee = {}
    block = Block(employee, payroll.errors, PayrollEmployeeIn, "payroll.employee")
    errors = block.errors
    curp = block.text("curp", max_length=18, upper=True)
    if curp and not _CURP.match(curp):
        errors.add(block.path("curp"), _("«%(value)s» no es una CURP válida.") % {"value": curp})
    nss = block.text("social_security_number", max_length=15)
    if nss and not _DIGITS.match(nss):
        errors.add(
            block.path("social_security_number"),
            _("El número de seguridad social son de 1 a 15 dígitos."),
        )
    return {
        "curp": curp,
        "number": block.text("number", max_length=15),
        "social_security_number": nss,
        "start_date": block.date("start_date"),
        "contract_type": block.code("contract_type", catalogs.contract_types(), "c_TipoContrato"),
        "regime_type": block.code("regime_type", catalogs.payroll_regime_types(), "c_TipoRegimen"),
        "periodicity": block.code(
            "periodicity", catalogs.payment_periodicities(), "c_PeriodicidadPago"
        ),
        "state": block.code("state", catalogs.states(), "c_Estado"),
        "job_risk": block.code("job_risk", catalogs.job_risks(), "c_RiesgoPuesto"),
        "daily_integrated_salary": block.amount_mxn("daily_integrated_salary"),
        "department": block.text("department", max_length=100),
        "position": block.text("position", max_length=100),
    }


def _lines(raw_lines, errors: Errors, field: str, kind: str) -> list[dict]:
    if raw_lines in (None, ""):
        return []
    if not isinstance(raw_lines, list):
        errors.add(field, _("Debe ser una lista."))
        return []
    if len(raw_lines) > MAX_PAYROLL_LINES:
        errors.add(field, _("Admite hasta %(n)d renglones.") % {"n": MAX_PAYROLL_LINES})
        return []
    model, catalog, catalog_name = LINE_KINDS[kind]
    types = catalog()
    out = []
    reader = Block({}, errors, model, field)
    for n, raw in enumerate(raw_lines):
        if not isinstance(raw, dict):
            errors.add(f"{field}[{n}]", _("Cada renglón debe ser un objeto."))
            continue
        block = reader.at(raw, n)
        line = {
            "type": block.code("type", types, catalog_name),
            "code": block.key("code"),
            "concept": block.text("concept", max_length=100),
        }
        if kind == "perceptions":
            line["taxed"] = block.amount_mxn("taxed")
            line["exempt"] = block.amount_mxn("exempt")
        else:
            line["amount"] = block.amount_mxn("amount")
        if kind == "other_payments":
            line["subsidy_caused"] = block.amount_mxn("subsidy_caused")
        out.append(line)
    return out
