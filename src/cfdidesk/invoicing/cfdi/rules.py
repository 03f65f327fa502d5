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

from . import CFDI_NS, Issue
from .schema import xsd_issues

_C = f"{{{CFDI_NS}}}"
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
            issues.append(Issue("Emisor@RegimenFiscal", _("El régimen %(regime)s del emisor no aplica a su tipo de persona.") % {"regime": regime.label}))

    receptor = root.find(f"{_C}Receptor")
    if receptor is not None:
        check = check_receptor(
            rfc=receptor.get("Rfc", ""), tax_regime=receptor.get("RegimenFiscalReceptor", ""),
            cfdi_use=receptor.get("UsoCFDI", ""), postal_code=receptor.get("DomicilioFiscalReceptor", ""),
        )
        for name, messages in check.errors.items():
            issues.extend(Issue(_RECEPTOR_FIELDS.get(name, f"Receptor.{name}"), m) for m in messages)

    method, form = root.get("MetodoPago"), root.get("FormaPago")
    if document_type in ("I", "E"):
        if not method:
            issues.append(Issue("MetodoPago", _("Falta el método de pago (PUE o PPD).")))
        if not form:
            issues.append(Issue("FormaPago", _("Falta la forma de pago.")))
    if method == "PPD" and form and form != "99":
        issues.append(Issue("FormaPago", _("Con método de pago PPD (en parcialidades o diferido) la forma de pago debe ser 99 - Por definir; trae %(form)s.") % {"form": form}))
    if form == "99" and method and method != "PPD":
        issues.append(Issue("FormaPago", _("La forma de pago 99 - Por definir solo se usa con el método de pago PPD; trae %(method)s.") % {"method": method}))

    issues.extend(_total_issues(root))
    if expected_total is not None:
        total = _dec(root.get("Total"))
        if total is not None and total != Decimal(expected_total):
            issues.append(Issue("Total", _("El total del movimiento (%(expected)s) no coincide con el que suman sus conceptos e impuestos (%(total)s).")
                                % {"expected": expected_total, "total": root.get("Total")}))
    return issues


def _total_issues(root: etree._Element) -> list[Issue]:
    """SubTotal, Descuento, taxes and Total must add up, concept by concept."""
    decimals = catalogs.currencies().get(root.get("Moneda", ""), 2)
    tolerance = Decimal(1).scaleb(-decimals)  # SAT allows one unit of the currency's last decimal
    issues = []
    subtotal = discount = Decimal(0)
    for n, concept in enumerate(root.iterfind(f"{_C}Conceptos/{_C}Concepto"), start=1):
        quantity, unit_value, amount = (_dec(concept.get(a)) for a in ("Cantidad", "ValorUnitario", "Importe"))
        if None in (quantity, unit_value, amount):
            continue  # the XSD already said what is missing
        if abs(quantity * unit_value - amount) > tolerance:
            issues.append(Issue(f"Concepto[{n}]@Importe", _("El importe %(amount)s no es cantidad × valor unitario (%(expected)s).")
                                % {"amount": amount, "expected": (quantity * unit_value).quantize(tolerance)}))
        subtotal += amount
        discount += _dec(concept.get("Descuento")) or 0
    declared = _dec(root.get("SubTotal"))
    if declared is not None and declared != subtotal:
        issues.append(Issue("SubTotal", _("El subtotal %(declared)s no es la suma de los importes (%(sum)s).") % {"declared": declared, "sum": subtotal}))
    declared_discount = _dec(root.get("Descuento")) or Decimal(0)
    if declared_discount != discount:
        issues.append(Issue("Descuento", _("El descuento %(declared)s no es la suma de los descuentos de los conceptos (%(sum)s).") % {"declared": declared_discount, "sum": discount}))
    impuestos = root.find(f"{_C}Impuestos")
    transferred = withheld = Decimal(0)
    if impuestos is not None:
        transferred_sum = sum((_dec(t.get("Importe")) or 0 for t in impuestos.iterfind(f"{_C}Traslados/{_C}Traslado")), Decimal(0))
        withheld_sum = sum((_dec(t.get("Importe")) or 0 for t in impuestos.iterfind(f"{_C}Retenciones/{_C}Retencion")), Decimal(0))
        transferred = _dec(impuestos.get("TotalImpuestosTrasladados")) or Decimal(0)
        withheld = _dec(impuestos.get("TotalImpuestosRetenidos")) or Decimal(0)
        if transferred != transferred_sum:
            issues.append(Issue("Impuestos@TotalImpuestosTrasladados", _("El total de impuestos trasladados %(declared)s no es la suma de los traslados (%(sum)s).") % {"declared": transferred, "sum": transferred_sum}))
        if withheld != withheld_sum:
            issues.append(Issue("Impuestos@TotalImpuestosRetenidos", _("El total de impuestos retenidos %(declared)s no es la suma de las retenciones (%(sum)s).") % {"declared": withheld, "sum": withheld_sum}))
    total = _dec(root.get("Total"))
    if total is not None and declared is not None:
        expected = declared - declared_discount + transferred - withheld
        if abs(total - expected) > tolerance:
            issues.append(Issue("Total", _("El total %(total)s no es subtotal − descuento + traslados − retenciones (%(expected)s).") % {"total": total, "expected": expected}))
    return issues
