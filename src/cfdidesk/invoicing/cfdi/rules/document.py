"""The SAT rules of every CFDI 4.0: the parties, the payment method and form, the totals."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _
from lxml import etree

from cfdidesk.sat import catalogs
from cfdidesk.sat.receptor import check_receptor
from cfdidesk.sat.rfc import person_type_of

from .. import Issue
from .common import C, dec, dec_sum
from .payroll import payroll_issues

_RECEPTOR_FIELDS = {
    "rfc": "Receptor@Rfc",
    "tax_regime": "Receptor@RegimenFiscalReceptor",
    "cfdi_use": "Receptor@UsoCFDI",
    "postal_code": "Receptor@DomicilioFiscalReceptor",
}


def sat_rule_issues(root: etree._Element, *, expected_total: str | None = None) -> list[Issue]:
    if root.tag != f"{C}Comprobante":
        return [Issue("", _("No es un CFDI 4.0 (cfdi:Comprobante)."))]
    issues = _emitter_issues(root)
    issues.extend(_receptor_issues(root))
    issues.extend(_payment_issues(root))
    if root.get("TipoDeComprobante", "") == "N":
        issues.extend(payroll_issues(root))
    issues.extend(_total_issues(root))
    if expected_total is not None:
        issues.extend(_expected_total_issues(root, expected_total))
    return issues


def _emitter_issues(root: etree._Element) -> list[Issue]:
    emisor = root.find(f"{C}Emisor")
    if emisor is None:
        return []
    regime = catalogs.tax_regimes().get(emisor.get("RegimenFiscal", ""))
    person = person_type_of(emisor.get("Rfc", ""))
    if regime and person and person not in regime.person_types:
        return [
            Issue(
                "Emisor@RegimenFiscal",
                _("El régimen %(regime)s del emisor no aplica a su tipo de persona.")
                % {"regime": regime.label},
            )
        ]
    return []


def _receptor_issues(root: etree._Element) -> list[Issue]:
    receptor = root.find(f"{C}Receptor")
    if receptor is None:
        return []
    check = check_receptor(
        rfc=receptor.get("Rfc", ""),
        tax_regime=receptor.get("RegimenFiscalReceptor", ""),
        cfdi_use=receptor.get("UsoCFDI", ""),
        postal_code=receptor.get("DomicilioFiscalReceptor", ""),
    )
    return [
        Issue(_RECEPTOR_FIELDS.get(name, f"Receptor.{name}"), m)
        for name, messages in check.errors.items()
        for m in messages
    ]


def _payment_issues(root: etree._Element) -> list[Issue]:
    issues = []
    method, form = root.get("MetodoPago"), root.get("FormaPago")
    if root.get("TipoDeComprobante", "") in ("I", "E"):
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
    return issues


def _expected_total_issues(root: etree._Element, expected_total: str) -> list[Issue]:
    total = dec(root.get("Total"))
    if total is not None and total != Decimal(expected_total):
        return [
            Issue(
                "Total",
                _(
                    "El total del movimiento (%(expected)s) no coincide con el que suman sus conceptos e impuestos (%(total)s)."
                )
                % {"expected": expected_total, "total": root.get("Total")},
            )
        ]
    return []


def _total_issues(root: etree._Element) -> list[Issue]:
    """SubTotal, Descuento, taxes and Total must add up, concept by concept."""
    decimals = catalogs.currencies().get(root.get("Moneda", ""), 2)
    tolerance = Decimal(1).scaleb(-decimals)  # SAT allows one unit of the currency's last decimal
    issues, subtotal, discount = _concept_issues(root, tolerance)
    declared = dec(root.get("SubTotal"))
    if declared is not None and declared != subtotal:
        issues.append(
            Issue(
                "SubTotal",
                _("El subtotal %(declared)s no es la suma de los importes (%(sum)s).")
                % {"declared": declared, "sum": subtotal},
            )
        )
    declared_discount = dec(root.get("Descuento")) or Decimal(0)
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
    transferred, withheld = _tax_totals(root, issues)
    total = dec(root.get("Total"))
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


def _concept_issues(
    root: etree._Element, tolerance: Decimal
) -> tuple[list[Issue], Decimal, Decimal]:
    """Each concept's Importe against quantity × unit value; (issues, sum of Importe, of Descuento)."""
    issues = []
    subtotal = discount = Decimal(0)
    for n, concept in enumerate(root.iterfind(f"{C}Conceptos/{C}Concepto"), start=1):
        quantity, unit_value, amount = (
            dec(concept.get(a)) for a in ("Cantidad", "ValorUnitario", "Importe")
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
        discount += dec(concept.get("Descuento")) or 0
    return issues, subtotal, discount


def _tax_totals(root: etree._Element, issues: list[Issue]) -> tuple[Decimal, Decimal]:
    """The declared totals of transferred and withheld taxes, checked against their lines."""
    impuestos = root.find(f"{C}Impuestos")
    if impuestos is None:
        return Decimal(0), Decimal(0)
    transferred_sum = dec_sum(impuestos.iterfind(f"{C}Traslados/{C}Traslado"), "Importe")
    withheld_sum = dec_sum(impuestos.iterfind(f"{C}Retenciones/{C}Retencion"), "Importe")
    transferred = dec(impuestos.get("TotalImpuestosTrasladados")) or Decimal(0)
    withheld = dec(impuestos.get("TotalImpuestosRetenidos")) or Decimal(0)
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
    return transferred, withheld
