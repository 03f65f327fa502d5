"""The SAT rules of a payroll CFDI (type N with Nómina 1.2) that the XSD leaves open."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _
from lxml import etree

from .. import Issue
from .common import C, N, dec, dec_sum

# ---------------------------------------------------------------- payroll (CFDI type N with Nómina 1.2)
# SAT's payroll guide (Guía de llenado del CFDI de nómina, revisión C) on what the XSD leaves open.
PAYROLL_CONCEPT = {
    "ClaveProdServ": "84111505",
    "Cantidad": "1",
    "ClaveUnidad": "ACT",
    "Descripcion": "Pago de nómina",
    "ObjetoImp": "01",
}
# c_TipoContrato 01-08 are labour relations (sueldos: c_TipoRegimen 02-04, with a registro patronal);
# 09, 10 and 99 are not (asimilados and the rest: c_TipoRegimen 05-99, no registro patronal).
LABOUR_CONTRACTS = frozenset(f"0{n}" for n in range(1, 9))
SALARY_REGIMES = frozenset({"02", "03", "04"})
SEVERANCE_PERCEPTIONS = frozenset({"022", "023", "025"})
RETIREMENT_PERCEPTIONS = frozenset({"039", "044"})
ISR_DEDUCTION = "002"


def _must_equal(issues: list[Issue], field: str, declared, expected: Decimal, what: str) -> None:
    value = dec(declared) if declared is not None else None
    if value is None and expected == 0:
        return
    if value != expected:
        issues.append(
            Issue(
                field,
                _("%(what)s es %(declared)s y la suma de sus renglones da %(sum)s.")
                % {
                    "what": what,
                    "declared": declared if declared is not None else _("(no viene)"),
                    "sum": expected,
                },
            )
        )


def payroll_issues(root: etree._Element) -> list[Issue]:
    """A payroll CFDI: the fixed receptor use and regime, method, concept, and the Nómina's totals."""
    issues: list[Issue] = []
    receptor = root.find(f"{C}Receptor")
    if receptor is not None:
        issues.extend(_payroll_receptor_issues(receptor))
    issues.extend(_payroll_header_issues(root))
    nominas = root.findall(f"{C}Complemento/{N}Nomina")
    if not nominas:
        issues.append(Issue("Complemento", _("Un CFDI de nómina lleva el complemento Nómina 1.2.")))
        return issues
    perceptions_total = other_payments_total = deductions_total = Decimal(0)
    for nomina in nominas:
        issues.extend(_nomina_issues(nomina))
        perceptions_total += dec(nomina.get("TotalPercepciones")) or Decimal(0)
        other_payments_total += dec(nomina.get("TotalOtrosPagos")) or Decimal(0)
        deductions_total += dec(nomina.get("TotalDeducciones")) or Decimal(0)
    concepts = root.findall(f"{C}Conceptos/{C}Concepto")
    if len(concepts) != 1:
        issues.append(
            Issue(
                "Conceptos",
                _("Un CFDI de nómina lleva un solo concepto; trae %(n)d.") % {"n": len(concepts)},
            )
        )
    if concepts:
        issues.extend(_fixed_concept_issues(concepts[0]))
        issues.extend(
            _concept_amount_issues(
                concepts[0], perceptions_total + other_payments_total, deductions_total
            )
        )
    return issues


def _payroll_receptor_issues(receptor: etree._Element) -> list[Issue]:
    issues: list[Issue] = []
    if receptor.get("UsoCFDI") != "CN01":
        issues.append(
            Issue(
                "Receptor@UsoCFDI",
                _("En un CFDI de nómina el uso del CFDI es CN01 (Nómina); trae %(value)s.")
                % {"value": receptor.get("UsoCFDI")},
            )
        )
    if receptor.get("RegimenFiscalReceptor") != "605":
        issues.append(
            Issue(
                "Receptor@RegimenFiscalReceptor",
                _(
                    "En un CFDI de nómina el régimen del trabajador es 605 (Sueldos y salarios e ingresos asimilados a salarios); trae %(value)s."
                )
                % {"value": receptor.get("RegimenFiscalReceptor")},
            )
        )
    return issues


def _payroll_header_issues(root: etree._Element) -> list[Issue]:
    issues: list[Issue] = []
    if root.get("Exportacion") != "01":
        issues.append(
            Issue(
                "Exportacion",
                _("En un CFDI de nómina la exportación es 01 (No aplica); trae %(value)s.")
                % {"value": root.get("Exportacion")},
            )
        )
    if root.get("MetodoPago") != "PUE":
        issues.append(
            Issue(
                "MetodoPago",
                _("En un CFDI de nómina el método de pago es PUE; trae %(value)s.")
                % {"value": root.get("MetodoPago") or _("(no viene)")},
            )
        )
    if root.get("FormaPago") is not None:
        issues.append(
            Issue(
                "FormaPago",
                _("Un CFDI de nómina no lleva forma de pago; trae %(value)s.")
                % {"value": root.get("FormaPago")},
            )
        )
    if root.get("Moneda") != "MXN":
        issues.append(
            Issue(
                "Moneda",
                _("Un CFDI de nómina se emite en MXN; trae %(value)s.")
                % {"value": root.get("Moneda")},
            )
        )
    if root.find(f"{C}Impuestos") is not None:
        issues.append(
            Issue(
                "Impuestos",
                _(
                    "Un CFDI de nómina no lleva el nodo Impuestos: el ISR retenido va en las deducciones."
                ),
            )
        )
    return issues


def _fixed_concept_issues(concept: etree._Element) -> list[Issue]:
    """The concept SAT fixes for a payroll CFDI: its keys, nothing more, no taxes."""
    issues: list[Issue] = []
    for attribute, expected in PAYROLL_CONCEPT.items():
        value = concept.get(attribute)
        same = value == expected if attribute != "Cantidad" else dec(value) == Decimal(expected)
        if not same:
            issues.append(
                Issue(
                    f"Concepto[1]@{attribute}",
                    _("En un CFDI de nómina %(attribute)s es «%(expected)s»; trae «%(value)s».")
                    % {"attribute": attribute, "expected": expected, "value": value or ""},
                )
            )
    for attribute in ("NoIdentificacion", "Unidad"):
        if concept.get(attribute) is not None:
            issues.append(
                Issue(
                    f"Concepto[1]@{attribute}",
                    _("En un CFDI de nómina el concepto no lleva %(attribute)s.")
                    % {"attribute": attribute},
                )
            )
    if concept.find(f"{C}Impuestos") is not None:
        issues.append(
            Issue(
                "Concepto[1]/Impuestos",
                _("En un CFDI de nómina el concepto no lleva impuestos."),
            )
        )
    return issues


def _concept_amount_issues(
    concept: etree._Element, expected_value: Decimal, deductions_total: Decimal
) -> list[Issue]:
    """The concept's unit value and discount against the Nómina's totals."""
    issues: list[Issue] = []
    if dec(concept.get("ValorUnitario")) != expected_value:
        issues.append(
            Issue(
                "Concepto[1]@ValorUnitario",
                _(
                    "El valor unitario %(value)s no es TotalPercepciones + TotalOtrosPagos de la nómina (%(expected)s)."
                )
                % {"value": concept.get("ValorUnitario"), "expected": expected_value},
            )
        )
    discount = dec(concept.get("Descuento")) or Decimal(0)
    if discount != deductions_total:
        issues.append(
            Issue(
                "Concepto[1]@Descuento",
                _("El descuento %(value)s no es el TotalDeducciones de la nómina (%(expected)s).")
                % {"value": concept.get("Descuento") or "0", "expected": deductions_total},
            )
        )
    return issues


def _nomina_issues(nomina: etree._Element) -> list[Issue]:
    issues: list[Issue] = []
    start, end = nomina.get("FechaInicialPago", ""), nomina.get("FechaFinalPago", "")
    if start and end and start > end:  # AAAA-MM-DD compares as text
        issues.append(
            Issue(
                "Nomina@FechaFinalPago",
                _("La fecha final del periodo (%(end)s) es anterior a la inicial (%(start)s).")
                % {"end": end, "start": start},
            )
        )
    receptor = nomina.find(f"{N}Receptor")
    emisor = nomina.find(f"{N}Emisor")
    if receptor is not None:
        registration = emisor.get("RegistroPatronal") if emisor is not None else None
        issues.extend(_periodicity_issues(nomina, receptor))
        issues.extend(_contract_issues(receptor, registration))
        if registration:
            issues.extend(_registration_issues(receptor))
        issues.extend(_hired_issues(receptor, end))
    perceptions = nomina.find(f"{N}Percepciones")
    perceptions_total = Decimal(0)
    if perceptions is not None:
        perceptions_total = _perception_issues(perceptions, issues)
    _must_equal(
        issues,
        "Nomina@TotalPercepciones",
        nomina.get("TotalPercepciones"),
        perceptions_total,
        _("El total de percepciones"),
    )
    deductions = nomina.find(f"{N}Deducciones")
    deductions_total = Decimal(0)
    if deductions is not None:
        deductions_total = _deduction_issues(deductions, issues)
    _must_equal(
        issues,
        "Nomina@TotalDeducciones",
        nomina.get("TotalDeducciones"),
        deductions_total,
        _("El total de deducciones"),
    )
    other_payments = nomina.findall(f"{N}OtrosPagos/{N}OtroPago")
    _must_equal(
        issues,
        "Nomina@TotalOtrosPagos",
        nomina.get("TotalOtrosPagos"),
        dec_sum(other_payments, "Importe"),
        _("El total de otros pagos"),
    )
    if perceptions is None and not other_payments:
        issues.append(
            Issue("Nomina/Percepciones", _("La nómina lleva percepciones u otros pagos."))
        )
    return issues


def _periodicity_issues(nomina: etree._Element, receptor: etree._Element) -> list[Issue]:
    issues: list[Issue] = []
    periodicity, kind = receptor.get("PeriodicidadPago"), nomina.get("TipoNomina")
    if kind == "O" and periodicity == "99":
        issues.append(
            Issue(
                "Nomina/Receptor@PeriodicidadPago",
                _("Una nómina ordinaria no lleva la periodicidad 99 (otra periodicidad)."),
            )
        )
    if kind == "E" and periodicity != "99":
        issues.append(
            Issue(
                "Nomina/Receptor@PeriodicidadPago",
                _(
                    "Una nómina extraordinaria lleva la periodicidad 99 (otra periodicidad); trae %(value)s."
                )
                % {"value": periodicity},
            )
        )
    return issues


def _contract_issues(receptor: etree._Element, registration: str | None) -> list[Issue]:
    """Contracts 01-08 are labour relations (salary regimes, a registro patronal); others are not."""
    issues: list[Issue] = []
    contract, regime = receptor.get("TipoContrato", ""), receptor.get("TipoRegimen", "")
    if contract in LABOUR_CONTRACTS:
        if regime not in SALARY_REGIMES:
            issues.append(
                Issue(
                    "Nomina/Receptor@TipoRegimen",
                    _(
                        "Con tipo de contrato %(contract)s (relación laboral) el tipo de régimen es 02, 03 o 04; trae %(regime)s."
                    )
                    % {"contract": contract, "regime": regime},
                )
            )
        if not registration:
            issues.append(
                Issue(
                    "Nomina/Emisor@RegistroPatronal",
                    _(
                        "Con tipo de contrato %(contract)s (relación laboral) la nómina lleva el registro patronal."
                    )
                    % {"contract": contract},
                )
            )
    elif contract:
        if regime in SALARY_REGIMES:
            issues.append(
                Issue(
                    "Nomina/Receptor@TipoRegimen",
                    _(
                        "Con tipo de contrato %(contract)s (sin relación laboral) el tipo de régimen va de 05 a 99; trae %(regime)s."
                    )
                    % {"contract": contract, "regime": regime},
                )
            )
        if registration:
            issues.append(
                Issue(
                    "Nomina/Emisor@RegistroPatronal",
                    _(
                        "Con tipo de contrato %(contract)s (sin relación laboral) la nómina no lleva registro patronal."
                    )
                    % {"contract": contract},
                )
            )
    return issues


def _registration_issues(receptor: etree._Element) -> list[Issue]:
    """With a registro patronal the employee's social security data must come."""
    issues: list[Issue] = []
    for attribute in (
        "NumSeguridadSocial",
        "FechaInicioRelLaboral",
        "Antigüedad",
        "RiesgoPuesto",
        "SalarioDiarioIntegrado",
    ):
        if not receptor.get(attribute):
            issues.append(
                Issue(
                    f"Nomina/Receptor@{attribute}",
                    _("Con registro patronal la nómina lleva %(attribute)s del trabajador.")
                    % {"attribute": attribute},
                )
            )
    return issues


def _hired_issues(receptor: etree._Element, end: str) -> list[Issue]:
    issues: list[Issue] = []
    hired = receptor.get("FechaInicioRelLaboral")
    if hired and end and hired > end:
        issues.append(
            Issue(
                "Nomina/Receptor@FechaInicioRelLaboral",
                _(
                    "La relación laboral empieza (%(start)s) después del fin del periodo pagado (%(end)s)."
                )
                % {"start": hired, "end": end},
            )
        )
    return issues


def _perception_issues(perceptions: etree._Element, issues: list[Issue]) -> Decimal:
    """The Percepciones' totals against their lines; returns taxed + exempt of every line."""
    lines = perceptions.findall(f"{N}Percepcion")
    salaries = [
        p
        for p in lines
        if p.get("TipoPercepcion") not in SEVERANCE_PERCEPTIONS | RETIREMENT_PERCEPTIONS
    ]
    severance = [p for p in lines if p.get("TipoPercepcion") in SEVERANCE_PERCEPTIONS]
    retirement = [p for p in lines if p.get("TipoPercepcion") in RETIREMENT_PERCEPTIONS]
    _must_equal(
        issues,
        "Percepciones@TotalGravado",
        perceptions.get("TotalGravado"),
        dec_sum(lines, "ImporteGravado"),
        _("El total gravado"),
    )
    _must_equal(
        issues,
        "Percepciones@TotalExento",
        perceptions.get("TotalExento"),
        dec_sum(lines, "ImporteExento"),
        _("El total exento"),
    )
    _must_equal(
        issues,
        "Percepciones@TotalSueldos",
        perceptions.get("TotalSueldos"),
        dec_sum(salaries, "ImporteGravado") + dec_sum(salaries, "ImporteExento"),
        _("El total de sueldos"),
    )
    _must_equal(
        issues,
        "Percepciones@TotalSeparacionIndemnizacion",
        perceptions.get("TotalSeparacionIndemnizacion"),
        dec_sum(severance, "ImporteGravado") + dec_sum(severance, "ImporteExento"),
        _("El total de separación e indemnización"),
    )
    _must_equal(
        issues,
        "Percepciones@TotalJubilacionPensionRetiro",
        perceptions.get("TotalJubilacionPensionRetiro"),
        dec_sum(retirement, "ImporteGravado") + dec_sum(retirement, "ImporteExento"),
        _("El total de jubilación, pensión o retiro"),
    )
    return dec_sum(lines, "ImporteGravado") + dec_sum(lines, "ImporteExento")


def _deduction_issues(deductions: etree._Element, issues: list[Issue]) -> Decimal:
    """The Deducciones' totals against their lines; returns the sum of every line."""
    lines = deductions.findall(f"{N}Deduccion")
    isr = [d for d in lines if d.get("TipoDeduccion") == ISR_DEDUCTION]
    others = [d for d in lines if d.get("TipoDeduccion") != ISR_DEDUCTION]
    _must_equal(
        issues,
        "Deducciones@TotalImpuestosRetenidos",
        deductions.get("TotalImpuestosRetenidos"),
        dec_sum(isr, "Importe"),
        _("El total de impuestos retenidos"),
    )
    _must_equal(
        issues,
        "Deducciones@TotalOtrasDeducciones",
        deductions.get("TotalOtrasDeducciones"),
        dec_sum(others, "Importe"),
        _("El total de otras deducciones"),
    )
    if not isr and deductions.get("TotalImpuestosRetenidos") is not None:
        issues.append(
            Issue(
                "Deducciones@TotalImpuestosRetenidos",
                _("Sin deducciones de ISR (002) no va TotalImpuestosRetenidos."),
            )
        )
    return dec_sum(lines, "Importe")
