"""An invoice's parts (I, E and what P and N share): receptor, related CFDI, concepts and taxes."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from .. import Issue
from .common import CENTS, SIX, MappingError, to_decimal


def tax_nodes(taxes: list[dict], cfdi40, *, where: str):
    traslados, retenciones = [], []
    for tax in taxes:
        rate = to_decimal(tax.get("rate"))
        rate = rate.quantize(SIX) if rate is not None else None
        if tax["kind"] == "retencion":
            retenciones.append(
                cfdi40.Retencion(impuesto=tax["tax"], tipo_factor=tax["factor"], tasa_o_cuota=rate)
            )
        else:
            traslados.append(
                cfdi40.Traslado(impuesto=tax["tax"], tipo_factor=tax["factor"], tasa_o_cuota=rate)
            )
    if not traslados and not retenciones:
        return None
    return cfdi40.Impuestos(traslados=traslados or None, retenciones=retenciones or None)


def amount(value, places: Decimal) -> Decimal | None:
    """An amount with at least the currency's decimals ("2500" is written 2500.00), never fewer digits."""
    number = to_decimal(value)
    if number is None or number.as_tuple().exponent <= places.as_tuple().exponent:
        return number
    return number.quantize(places)


def concepts(movement: dict, cfdi40) -> list:
    from cfdidesk.sat import catalogs

    places = Decimal(1).scaleb(-catalogs.currencies().get(movement["currency"], 2))
    errors, out = [], []
    for n, c in enumerate(movement["concepts"]):
        where = f"concepts[{n}]"
        quantity, unit_value, discount = (
            to_decimal(c["quantity"]),
            amount(c["unit_value"], places),
            amount(c.get("discount"), places),
        )
        if discount and discount > quantity * unit_value:
            errors.append(
                Issue(
                    f"{where}.discount",
                    _("El descuento (%(d)s) es mayor que el importe del concepto (%(i)s).")
                    % {"d": discount, "i": (quantity * unit_value).quantize(CENTS)},
                )
            )
        taxes = c.get("taxes") or []
        tax_object = c.get("tax_object") or ""
        if tax_object == "01" and taxes:
            errors.append(
                Issue(
                    f"{where}.tax_object",
                    _(
                        "Con objeto de impuesto 01 (no objeto de impuesto) el concepto no lleva impuestos."
                    ),
                )
            )
        elif tax_object == "02" and not taxes:
            errors.append(
                Issue(
                    f"{where}.taxes",
                    _("Con objeto de impuesto 02 el concepto debe llevar al menos un impuesto."),
                )
            )
        out.append(
            cfdi40.Concepto(
                clave_prod_serv=c["product_key"],
                cantidad=quantity,
                clave_unidad=c["unit_key"],
                descripcion=c["description"],
                valor_unitario=unit_value,
                objeto_imp=tax_object or None,
                no_identificacion=c.get("sku") or None,
                unidad=c.get("unit") or None,
                descuento=discount or None,
                impuestos=tax_nodes(taxes, cfdi40, where=where),
            )
        )
    if errors:
        raise MappingError(errors)
    return out


def receptor(movement: dict, cfdi40):
    r = movement["receptor"]
    return cfdi40.Receptor(
        rfc=r["rfc"],
        nombre=r["name"],
        domicilio_fiscal_receptor=r["postal_code"],
        regimen_fiscal_receptor=r["tax_regime"],
        uso_cfdi=r["cfdi_use"],
    )


def related(movement: dict, cfdi40):
    related = movement.get("related")
    if not related:
        return None
    return cfdi40.CfdiRelacionados(
        tipo_relacion=related["relation"], cfdi_relacionado=related["uuids"]
    )
