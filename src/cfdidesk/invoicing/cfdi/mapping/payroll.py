"""The Nómina 1.2 complement of a payroll CFDI (type N) and the concept SAT fixes for it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _

from .. import Issue
from .common import CENTS, THOUSANDTHS, Emitter, MappingError

# The concept SAT fixes for every payroll CFDI (Guía de llenado del CFDI de nómina, revisión C).
PAYROLL_CONCEPT = {
    "product_key": "84111505",
    "quantity": Decimal(1),
    "unit_key": "ACT",
    "description": "Pago de nómina",
    "tax_object": "01",
}
ISR_DEDUCTION = "002"
SUBSIDY_OTHER_PAYMENT = "002"
# Keys whose Nómina 1.2 node (horas extra, separación, jubilación, acciones, incapacidades,
# compensación de saldos) this mapping does not build yet: refused rather than stamped incomplete.
UNMAPPED_PERCEPTIONS = {
    "014": "Incapacidades",
    "019": "HorasExtra",
    "022": "SeparacionIndemnizacion",
    "023": "SeparacionIndemnizacion",
    "025": "SeparacionIndemnizacion",
    "039": "JubilacionPensionRetiro",
    "044": "JubilacionPensionRetiro",
    "045": "AccionesOTitulos",
}
UNMAPPED_DEDUCTIONS = {"006": "Incapacidades"}
UNMAPPED_OTHER_PAYMENTS = {"004": "CompensacionSaldosAFavor"}


def _seniority(start: date, end: date) -> str:
    """Nómina's Antigüedad in whole weeks: (days from the start of the relation to the period's end + 1) / 7."""
    return f"P{((end - start).days + 1) // 7}W"


def _money(value) -> Decimal:
    return Decimal(value or 0).quantize(CENTS)


def payroll_complement(payroll: dict, emitter: Emitter):
    """The Nómina 1.2 node with its totals, and the concept's unit value and discount."""
    from satcfdi.create.cfd import nomina12

    start, end, paid_on = (
        date.fromisoformat(payroll[k]) for k in ("period_start", "period_end", "payment_date")
    )
    employee, employer = payroll["employee"], payroll.get("employer") or {}
    hired = date.fromisoformat(employee["start_date"]) if employee.get("start_date") else None
    errors = _period_issues(start, end, hired)
    errors.extend(_employer_issues(employer, emitter))
    errors.extend(_unmapped_issues(payroll))
    perceptions = [
        nomina12.Percepcion(
            tipo_percepcion=p["type"],
            clave=p["code"],
            concepto=p["concept"],
            importe_gravado=_money(p["taxed"]),
            importe_exento=_money(p["exempt"]),
        )
        for p in payroll["perceptions"]
    ]
    deductions = [
        nomina12.Deduccion(
            tipo_deduccion=d["type"],
            clave=d["code"],
            concepto=d["concept"],
            importe=_money(d["amount"]),
        )
        for d in payroll["deductions"]
    ]
    other_payments = _other_payments(payroll["other_payments"], nomina12, errors)
    totals = _Totals(perceptions, deductions, other_payments)
    if totals.withheld + totals.other_deductions > totals.gross:
        errors.append(
            Issue(
                "payroll.deductions",
                _(
                    "Las deducciones (%(d)s) son mayores que las percepciones más otros pagos (%(p)s)."
                )
                % {"d": totals.withheld + totals.other_deductions, "p": totals.gross},
            )
        )
    if errors:
        raise MappingError(errors)

    nomina = nomina12.Nomina(
        tipo_nomina=payroll["type"],
        fecha_pago=paid_on,
        fecha_inicial_pago=start,
        fecha_final_pago=end,
        num_dias_pagados=Decimal(payroll["days_paid"]).quantize(THOUSANDTHS),
        receptor=_receptor(employee, hired, end, nomina12),
        emisor=_emisor(employer, nomina12),
    )
    _set_totals(nomina, nomina12, perceptions, deductions, other_payments, totals)
    discount = totals.withheld + totals.other_deductions if deductions else None
    return nomina, totals.gross, discount


def _period_issues(start: date, end: date, hired: date | None) -> list[Issue]:
    errors = []
    if start > end:
        errors.append(
            Issue(
                "payroll.period_end",
                _("El periodo termina (%(end)s) antes de empezar (%(start)s).")
                % {"end": end, "start": start},
            )
        )
    if hired and hired > end:
        errors.append(
            Issue(
                "payroll.employee.start_date",
                _(
                    "La relación laboral empieza (%(start)s) después del fin del periodo pagado (%(end)s)."
                )
                % {"start": hired, "end": end},
            )
        )
    return errors


def _employer_issues(employer: dict, emitter: Emitter) -> list[Issue]:
    if len(emitter.rfc) == 13 and not employer.get("curp"):
        return [
            Issue(
                "payroll.employer.curp",
                _("El patrón es persona física (RFC %(rfc)s): la nómina lleva su CURP.")
                % {"rfc": emitter.rfc},
            )
        ]
    if len(emitter.rfc) == 12 and employer.get("curp"):
        return [
            Issue(
                "payroll.employer.curp",
                _("El patrón es persona moral (RFC %(rfc)s): la nómina no lleva CURP del patrón.")
                % {"rfc": emitter.rfc},
            )
        ]
    return []


def _unmapped_issues(payroll: dict) -> list[Issue]:
    errors = []
    for kind, unmapped, label in (
        ("perceptions", UNMAPPED_PERCEPTIONS, _("La percepción")),
        ("deductions", UNMAPPED_DEDUCTIONS, _("La deducción")),
        ("other_payments", UNMAPPED_OTHER_PAYMENTS, _("El otro pago")),
    ):
        for n, line in enumerate(payroll[kind]):
            if line["type"] in unmapped:
                errors.append(
                    Issue(
                        f"payroll.{kind}[{n}].type",
                        _(
                            "%(what)s tipo %(type)s necesita el nodo %(node)s de Nómina 1.2, que aún no se mapea."
                        )
                        % {"what": label, "type": line["type"], "node": unmapped[line["type"]]},
                    )
                )
    return errors


def _subsidy(n: int, line: dict, errors: list[Issue]) -> Decimal | None:
    """The subsidy caused of an other payment: only type 002, at least what it pays."""
    field = f"payroll.other_payments[{n}].subsidy_caused"
    if line["type"] != SUBSIDY_OTHER_PAYMENT:
        if line.get("subsidy_caused") is not None:
            errors.append(
                Issue(
                    field,
                    _(
                        "El subsidio causado solo va en el otro pago tipo 002 (subsidio para el empleo)."
                    ),
                )
            )
        return None
    caused = line.get("subsidy_caused")
    subsidy = _money(caused if caused is not None else line["amount"])
    if subsidy < _money(line["amount"]):
        errors.append(
            Issue(
                field,
                _("El subsidio causado (%(s)s) es menor que el subsidio entregado (%(a)s).")
                % {"s": subsidy, "a": _money(line["amount"])},
            )
        )
    return subsidy


def _other_payments(lines: list[dict], nomina12, errors: list[Issue]) -> list:
    return [
        nomina12.OtroPago(
            tipo_otro_pago=o["type"],
            clave=o["code"],
            concepto=o["concept"],
            importe=_money(o["amount"]),
            subsidio_al_empleo=_subsidy(n, o, errors),
        )
        for n, o in enumerate(lines)
    ]


class _Totals:
    """The Nómina's totals, summed from its lines."""

    def __init__(self, perceptions: list, deductions: list, other_payments: list):
        zero = Decimal("0.00")
        self.taxed = sum((p["ImporteGravado"] for p in perceptions), zero)
        self.exempt = sum((p["ImporteExento"] for p in perceptions), zero)
        self.withheld = sum(
            (d["Importe"] for d in deductions if d["TipoDeduccion"] == ISR_DEDUCTION), zero
        )
        self.other_deductions = sum(
            (d["Importe"] for d in deductions if d["TipoDeduccion"] != ISR_DEDUCTION), zero
        )
        self.other_payments = sum((o["Importe"] for o in other_payments), zero)
        self.gross = self.taxed + self.exempt + self.other_payments


def _receptor(employee: dict, hired: date | None, end: date, nomina12):
    return nomina12.Receptor(
        curp=employee["curp"],
        tipo_contrato=employee["contract_type"],
        tipo_regimen=employee["regime_type"],
        num_empleado=employee["number"],
        periodicidad_pago=employee["periodicity"],
        clave_ent_fed=employee["state"],
        num_seguridad_social=employee.get("social_security_number") or None,
        fecha_inicio_rel_laboral=hired,
        antiguedad=_seniority(hired, end) if hired else None,
        departamento=employee.get("department") or None,
        puesto=employee.get("position") or None,
        riesgo_puesto=employee.get("job_risk") or None,
        salario_diario_integrado=_money(employee["daily_integrated_salary"])
        if employee.get("daily_integrated_salary")
        else None,
    )


def _emisor(employer: dict, nomina12):
    if not (employer.get("registration") or employer.get("curp")):
        return None
    return nomina12.Emisor(
        curp=employer.get("curp") or None,
        registro_patronal=employer.get("registration") or None,
    )


def _set_totals(nomina, nomina12, perceptions, deductions, other_payments, totals: _Totals):
    # satcfdi's Nomina computes its totals only when both perceptions and deductions come (and
    # counts every perception as "sueldos"); they are set here from the lines, as SAT's guide says.
    if perceptions:
        nomina["Percepciones"] = nomina12.Percepciones(percepcion=perceptions)
        nomina["Percepciones"].update(
            {
                "TotalSueldos": totals.taxed + totals.exempt,
                "TotalGravado": totals.taxed,
                "TotalExento": totals.exempt,
            }
        )
        nomina["TotalPercepciones"] = totals.taxed + totals.exempt
    if deductions:
        deduction_totals = {}
        if any(d["TipoDeduccion"] != ISR_DEDUCTION for d in deductions):
            deduction_totals["TotalOtrasDeducciones"] = totals.other_deductions
        if any(d["TipoDeduccion"] == ISR_DEDUCTION for d in deductions):
            deduction_totals["TotalImpuestosRetenidos"] = totals.withheld
        nomina["Deducciones"] = nomina12.Deducciones(deduccion=deductions)
        nomina["Deducciones"].update(deduction_totals)
        nomina["TotalDeducciones"] = totals.withheld + totals.other_deductions
    if other_payments:
        nomina["OtrosPagos"] = other_payments
        nomina["TotalOtrosPagos"] = totals.other_payments


def payroll_concept(cfdi40, unit_value: Decimal, discount: Decimal | None):
    c = PAYROLL_CONCEPT
    return cfdi40.Concepto(
        clave_prod_serv=c["product_key"],
        cantidad=c["quantity"],
        clave_unidad=c["unit_key"],
        descripcion=c["description"],
        valor_unitario=unit_value,
        descuento=discount,
        objeto_imp=c["tax_object"],
    )
