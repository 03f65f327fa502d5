"""Structure validation: SAT's XSD plus the SAT rules the XSD cannot hold.

Works on any CFDI 4.0 element (ours, or an XML a customer sends), so the same checks serve the
pipeline, XML diagnosis and imports. The receptor's rules are the customers' own
(cfdidesk.sat.receptor): RFC, regime for the person type, UsoCFDI for the regime, postal code.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from lxml import etree

from cfdidesk.sat import catalogs
from cfdidesk.sat.receptor import check_receptor
from cfdidesk.sat.rfc import person_type_of

from . import CFDI_NS, NOMINA_NS, Issue
from .schema import xsd_issues

_C = f"{{{CFDI_NS}}}"
_N = f"{{{NOMINA_NS}}}"
_RECEPTOR_FIELDS = {
    "rfc": "Receptor@Rfc",
    "tax_regime": "Receptor@RegimenFiscalReceptor",
    "cfdi_use": "Receptor@UsoCFDI",
    "postal_code": "Receptor@DomicilioFiscalReceptor",
}


def _dec(value) -> Decimal | None:
    if value is None:
        return None
    try:
        return Decimal(value)
    except InvalidOperation:
        return None


def structure_issues(root: etree._Element, *, expected_total: str | None = None) -> list[Issue]:
    """Every problem of the CFDI, XSD first; empty when it may go to the generator."""
    issues = xsd_issues(root)
    issues.extend(sat_rule_issues(root, expected_total=expected_total))
    return issues


def sat_rule_issues(root: etree._Element, *, expected_total: str | None = None) -> list[Issue]:
    issues: list[Issue] = []
    if root.tag != f"{_C}Comprobante":
        return [Issue("", _("No es un CFDI 4.0 (cfdi:Comprobante)."))]
    document_type = root.get("TipoDeComprobante", "")

    emisor = root.find(f"{_C}Emisor")
    if emisor is not None:
        regime = catalogs.tax_regimes().get(emisor.get("RegimenFiscal", ""))
        person = person_type_of(emisor.get("Rfc", ""))
        if regime and person and person not in regime.person_types:
            issues.append(
                Issue(
                    "Emisor@RegimenFiscal",
                    _("El régimen %(regime)s del emisor no aplica a su tipo de persona.")
                    % {"regime": regime.label},
                )
            )

    receptor = root.find(f"{_C}Receptor")
    if receptor is not None:
        check = check_receptor(
            rfc=receptor.get("Rfc", ""),
            tax_regime=receptor.get("RegimenFiscalReceptor", ""),
            cfdi_use=receptor.get("UsoCFDI", ""),
            postal_code=receptor.get("DomicilioFiscalReceptor", ""),
        )
        for name, messages in check.errors.items():
            issues.extend(
                Issue(_RECEPTOR_FIELDS.get(name, f"Receptor.{name}"), m) for m in messages
            )

    method, form = root.get("MetodoPago"), root.get("FormaPago")
    if document_type in ("I", "E"):
        if not method:
            issues.append(Issue("MetodoPago", _("Falta el método de pago (PUE o PPD).")))
        if not form:
            issues.append(Issue("FormaPago", _("Falta la forma de pago.")))
    if method == "PPD" and form and form != "99":
        issues.append(
            Issue(
                "FormaPago",
                _(
                    "Con método de pago PPD (en parcialidades o diferido) la forma de pago debe ser 99 - Por definir; trae %(form)s."
                )
                % {"form": form},
            )
        )
    if form == "99" and method and method != "PPD":
        issues.append(
            Issue(
                "FormaPago",
                _(
                    "La forma de pago 99 - Por definir solo se usa con el método de pago PPD; trae %(method)s."
                )
                % {"method": method},
            )
        )

    if document_type == "N":
        issues.extend(payroll_issues(root))
    issues.extend(_total_issues(root))
    if expected_total is not None:
        total = _dec(root.get("Total"))
        if total is not None and total != Decimal(expected_total):
            issues.append(
                Issue(
                    "Total",
                    _(
                        "El total del movimiento (%(expected)s) no coincide con el que suman sus conceptos e impuestos (%(total)s)."
                    )
                    % {"expected": expected_total, "total": root.get("Total")},
                )
            )
    return issues


def _total_issues(root: etree._Element) -> list[Issue]:
    """SubTotal, Descuento, taxes and Total must add up, concept by concept."""
    decimals = catalogs.currencies().get(root.get("Moneda", ""), 2)
    tolerance = Decimal(1).scaleb(-decimals)  # SAT allows one unit of the currency's last decimal
    issues = []
    subtotal = discount = Decimal(0)
    for n, concept in enumerate(root.iterfind(f"{_C}Conceptos/{_C}Concepto"), start=1):
        quantity, unit_value, amount = (
            _dec(concept.get(a)) for a in ("Cantidad", "ValorUnitario", "Importe")
        )
        if None in (quantity, unit_value, amount):
            continue  # the XSD already said what is missing
        if abs(quantity * unit_value - amount) > tolerance:
            issues.append(
                Issue(
                    f"Concepto[{n}]@Importe",
                    _("El importe %(amount)s no es cantidad × valor unitario (%(expected)s).")
                    % {"amount": amount, "expected": (quantity * unit_value).quantize(tolerance)},
                )
            )
        subtotal += amount
        discount += _dec(concept.get("Descuento")) or 0
    declared = _dec(root.get("SubTotal"))
    if declared is not None and declared != subtotal:
        issues.append(
            Issue(
                "SubTotal",
                _("El subtotal %(declared)s no es la suma de los importes (%(sum)s).")
                % {"declared": declared, "sum": subtotal},
            )
        )
    declared_discount = _dec(root.get("Descuento")) or Decimal(0)
    if declared_discount != discount:
        issues.append(
            Issue(
                "Descuento",
                _(
                    "El descuento %(declared)s no es la suma de los descuentos de los conceptos (%(sum)s)."
                )
                % {"declared": declared_discount, "sum": discount},
            )
        )
    impuestos = root.find(f"{_C}Impuestos")
    transferred = withheld = Decimal(0)
    if impuestos is not None:
        transferred_sum = sum(
            (
                _dec(t.get("Importe")) or 0
                for t in impuestos.iterfind(f"{_C}Traslados/{_C}Traslado")
            ),
            Decimal(0),
        )
        withheld_sum = sum(
            (
                _dec(t.get("Importe")) or 0
                for t in impuestos.iterfind(f"{_C}Retenciones/{_C}Retencion")
            ),
            Decimal(0),
        )
        transferred = _dec(impuestos.get("TotalImpuestosTrasladados")) or Decimal(0)
        withheld = _dec(impuestos.get("TotalImpuestosRetenidos")) or Decimal(0)
        if transferred != transferred_sum:
            issues.append(
                Issue(
                    "Impuestos@TotalImpuestosTrasladados",
                    _(
                        "El total de impuestos trasladados %(declared)s no es la suma de los traslados (%(sum)s)."
                    )
                    % {"declared": transferred, "sum": transferred_sum},
                )
            )
        if withheld != withheld_sum:
            issues.append(
                Issue(
                    "Impuestos@TotalImpuestosRetenidos",
                    _(
                        "El total de impuestos retenidos %(declared)s no es la suma de las retenciones (%(sum)s)."
                    )
                    % {"declared": withheld, "sum": withheld_sum},
                )
            )
    total = _dec(root.get("Total"))
    if total is not None and declared is not None:
        expected = declared - declared_discount + transferred - withheld
        if abs(total - expected) > tolerance:
            issues.append(
                Issue(
                    "Total",
                    _(
                        "El total %(total)s no es subtotal − descuento + traslados − retenciones (%(expected)s)."
                    )
                    % {"total": total, "expected": expected},
                )
            )
    return issues


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


def _sum(elements, attribute: str) -> Decimal:
    return sum((_dec(e.get(attribute)) or Decimal(0) for e in elements), Decimal(0))


def _must_equal(issues: list[Issue], field: str, declared, expected: Decimal, what: str) -> None:
    value = _dec(declared) if declared is not None else None
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
    receptor = root.find(f"{_C}Receptor")
    if receptor is not None:
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
    if root.find(f"{_C}Impuestos") is not None:
        issues.append(
            Issue(
                "Impuestos",
                _(
                    "Un CFDI de nómina no lleva el nodo Impuestos: el ISR retenido va en las deducciones."
                ),
            )
        )

    nominas = root.findall(f"{_C}Complemento/{_N}Nomina")
    if not nominas:
        issues.append(Issue("Complemento", _("Un CFDI de nómina lleva el complemento Nómina 1.2.")))
        return issues
    perceptions_total = other_payments_total = deductions_total = Decimal(0)
    for nomina in nominas:
        issues.extend(_nomina_issues(nomina))
        perceptions_total += _dec(nomina.get("TotalPercepciones")) or Decimal(0)
        other_payments_total += _dec(nomina.get("TotalOtrosPagos")) or Decimal(0)
        deductions_total += _dec(nomina.get("TotalDeducciones")) or Decimal(0)

    concepts = root.findall(f"{_C}Conceptos/{_C}Concepto")
    if len(concepts) != 1:
        issues.append(
            Issue(
                "Conceptos",
                _("Un CFDI de nómina lleva un solo concepto; trae %(n)d.") % {"n": len(concepts)},
            )
        )
    if concepts:
        concept = concepts[0]
        for attribute, expected in PAYROLL_CONCEPT.items():
            value = concept.get(attribute)
            same = (
                value == expected if attribute != "Cantidad" else _dec(value) == Decimal(expected)
            )
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
        if concept.find(f"{_C}Impuestos") is not None:
            issues.append(
                Issue(
                    "Concepto[1]/Impuestos",
                    _("En un CFDI de nómina el concepto no lleva impuestos."),
                )
            )
        expected_value = perceptions_total + other_payments_total
        if _dec(concept.get("ValorUnitario")) != expected_value:
            issues.append(
                Issue(
                    "Concepto[1]@ValorUnitario",
                    _(
                        "El valor unitario %(value)s no es TotalPercepciones + TotalOtrosPagos de la nómina (%(expected)s)."
                    )
                    % {"value": concept.get("ValorUnitario"), "expected": expected_value},
                )
            )
        discount = _dec(concept.get("Descuento")) or Decimal(0)
        if discount != deductions_total:
            issues.append(
                Issue(
                    "Concepto[1]@Descuento",
                    _(
                        "El descuento %(value)s no es el TotalDeducciones de la nómina (%(expected)s)."
                    )
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
    receptor = nomina.find(f"{_N}Receptor")
    emisor = nomina.find(f"{_N}Emisor")
    if receptor is not None:
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
        contract, regime = receptor.get("TipoContrato", ""), receptor.get("TipoRegimen", "")
        registration = emisor.get("RegistroPatronal") if emisor is not None else None
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
        if registration:
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

    perceptions = nomina.find(f"{_N}Percepciones")
    perceptions_total = Decimal(0)
    if perceptions is not None:
        lines = perceptions.findall(f"{_N}Percepcion")
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
            _sum(lines, "ImporteGravado"),
            _("El total gravado"),
        )
        _must_equal(
            issues,
            "Percepciones@TotalExento",
            perceptions.get("TotalExento"),
            _sum(lines, "ImporteExento"),
            _("El total exento"),
        )
        _must_equal(
            issues,
            "Percepciones@TotalSueldos",
            perceptions.get("TotalSueldos"),
            _sum(salaries, "ImporteGravado") + _sum(salaries, "ImporteExento"),
            _("El total de sueldos"),
        )
        _must_equal(
            issues,
            "Percepciones@TotalSeparacionIndemnizacion",
            perceptions.get("TotalSeparacionIndemnizacion"),
            _sum(severance, "ImporteGravado") + _sum(severance, "ImporteExento"),
            _("El total de separación e indemnización"),
        )
        _must_equal(
            issues,
            "Percepciones@TotalJubilacionPensionRetiro",
            perceptions.get("TotalJubilacionPensionRetiro"),
            _sum(retirement, "ImporteGravado") + _sum(retirement, "ImporteExento"),
            _("El total de jubilación, pensión o retiro"),
        )
        perceptions_total = _sum(lines, "ImporteGravado") + _sum(lines, "ImporteExento")
    _must_equal(
        issues,
        "Nomina@TotalPercepciones",
        nomina.get("TotalPercepciones"),
        perceptions_total,
        _("El total de percepciones"),
    )

    deductions = nomina.find(f"{_N}Deducciones")
    deductions_total = Decimal(0)
    if deductions is not None:
        lines = deductions.findall(f"{_N}Deduccion")
        isr = [d for d in lines if d.get("TipoDeduccion") == ISR_DEDUCTION]
        others = [d for d in lines if d.get("TipoDeduccion") != ISR_DEDUCTION]
        _must_equal(
            issues,
            "Deducciones@TotalImpuestosRetenidos",
            deductions.get("TotalImpuestosRetenidos"),
            _sum(isr, "Importe"),
            _("El total de impuestos retenidos"),
        )
        _must_equal(
            issues,
            "Deducciones@TotalOtrasDeducciones",
            deductions.get("TotalOtrasDeducciones"),
            _sum(others, "Importe"),
            _("El total de otras deducciones"),
        )
        if not isr and deductions.get("TotalImpuestosRetenidos") is not None:
            issues.append(
                Issue(
                    "Deducciones@TotalImpuestosRetenidos",
                    _("Sin deducciones de ISR (002) no va TotalImpuestosRetenidos."),
                )
            )
        deductions_total = _sum(lines, "Importe")
    _must_equal(
        issues,
        "Nomina@TotalDeducciones",
        nomina.get("TotalDeducciones"),
        deductions_total,
        _("El total de deducciones"),
    )

    other_payments = nomina.findall(f"{_N}OtrosPagos/{_N}OtroPago")
    _must_equal(
        issues,
        "Nomina@TotalOtrosPagos",
        nomina.get("TotalOtrosPagos"),
        _sum(other_payments, "Importe"),
        _("El total de otros pagos"),
    )
    if perceptions is None and not other_payments:
        issues.append(
            Issue("Nomina/Percepciones", _("La nómina lleva percepciones u otros pagos."))
        )
    return issues
