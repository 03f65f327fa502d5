"""Mapping: a normalised movement (invoicing/movements) becomes an unsigned CFDI 4.0 built with satcfdi.

satcfdi computes every amount (Importe, taxes, SubTotal, Total) with SAT's rounding. What cannot
be turned into a CFDI raises MappingError naming the movement's field and the reason.
The parts: common.py (error, emitter, decimals, local time), invoice.py (receptor, related,
concepts, taxes), payment.py (Pagos 2.0) and payroll.py (Nómina 1.2).
"""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext as _
from lxml import etree

from .. import Issue
from .common import Emitter, MappingError, local_now, place_timezone, to_decimal
from .invoice import concepts, receptor, related
from .payment import payment_complement
from .payroll import payroll_complement, payroll_concept

__all__ = ["Emitter", "MappingError", "build", "local_now", "place_timezone"]


def build(
    movement: dict, emitter: Emitter, *, series: str, folio: int | None, issued: datetime
) -> etree._Element:
    """The unsigned Comprobante for the movement: its CSD number and certificate, an empty Sello."""
    from satcfdi.create.cfd import cfdi40

    common = {
        "emisor": cfdi40.Emisor(
            rfc=emitter.rfc, nombre=emitter.name, regimen_fiscal=emitter.tax_regime
        ),
        "lugar_expedicion": emitter.postal_code,
        "serie": series or None,
        "folio": str(folio) if folio is not None else None,
        "fecha": issued.replace(tzinfo=None, microsecond=0),
    }
    comprobante_of = {"P": _payment, "N": _payroll}.get(movement["document_type"], _invoice)
    try:
        root = comprobante_of(movement, emitter, cfdi40, common).to_xml()
    except MappingError:
        raise
    except (ArithmeticError, KeyError, TypeError, ValueError, AttributeError) as exc:
        raise MappingError(
            [Issue("", _("No se pudo armar el CFDI: %(error)s") % {"error": str(exc)[:300]})]
        ) from exc
    root.set("NoCertificado", emitter.certificate_number)
    root.set("Certificado", emitter.certificate_base64)
    return root


def _payment(movement: dict, emitter: Emitter, cfdi40, common: dict):
    return cfdi40.Comprobante.pago(
        emisor=common["emisor"],
        lugar_expedicion=common["lugar_expedicion"],
        receptor=receptor(movement, cfdi40),
        complemento_pago=payment_complement(movement["payment"]),
        cfdi_relacionados=related(movement, cfdi40),
        serie=common["serie"],
        folio=common["folio"],
        fecha=common["fecha"],
    )


def _payroll(movement: dict, emitter: Emitter, cfdi40, common: dict):
    # Not satcfdi's Comprobante.nomina: it writes FormaPago 99 and ObjetoImp 03, which CFDI 4.0's
    # payroll guide forbids (no FormaPago, ObjetoImp 01).
    if not movement.get("payroll"):  # a movement received before payroll was mapped
        raise MappingError(
            [
                Issue(
                    "payroll",
                    _(
                        "Un CFDI de nómina lleva el bloque «payroll» (fechas, trabajador, percepciones y deducciones)."
                    ),
                )
            ]
        )
    nomina, unit_value, discount = payroll_complement(movement["payroll"], emitter)
    return cfdi40.Comprobante(
        emisor=common["emisor"],
        lugar_expedicion=common["lugar_expedicion"],
        receptor=receptor(movement, cfdi40),
        conceptos=[payroll_concept(cfdi40, unit_value, discount)],
        moneda="MXN",
        tipo_de_comprobante="N",
        exportacion="01",
        metodo_pago="PUE",
        serie=common["serie"],
        folio=common["folio"],
        cfdi_relacionados=related(movement, cfdi40),
        complemento=nomina,
        fecha=common["fecha"],
    )


def _invoice(movement: dict, emitter: Emitter, cfdi40, common: dict):
    currency = movement["currency"]
    rate = to_decimal(movement.get("exchange_rate"))
    if currency == "XXX":
        raise MappingError([Issue("currency", _("La moneda XXX solo se usa en CFDI de pago."))])
    if currency != "MXN" and rate is None:
        raise MappingError(
            [
                Issue(
                    "exchange_rate",
                    _("Un CFDI en %(c)s necesita el tipo de cambio.") % {"c": currency},
                )
            ]
        )
    return cfdi40.Comprobante(
        emisor=common["emisor"],
        lugar_expedicion=common["lugar_expedicion"],
        receptor=receptor(movement, cfdi40),
        conceptos=concepts(movement, cfdi40),
        moneda=currency,
        tipo_de_comprobante=movement["document_type"],
        exportacion="01",
        serie=common["serie"],
        folio=common["folio"],
        forma_pago=movement.get("payment_form") or None,
        metodo_pago=movement.get("payment_method") or None,
        condiciones_de_pago=movement.get("payment_terms") or None,
        tipo_cambio=rate if currency != "MXN" else None,
        cfdi_relacionados=related(movement, cfdi40),
        fecha=common["fecha"],
    )
