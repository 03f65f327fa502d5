"""The Pagos 2.0 complement of a payment CFDI (type P)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.utils.translation import gettext as _

from .. import Issue
from .common import CENTS, SIX, MappingError, to_decimal


def payment_complement(payment: dict):
    from satcfdi.create.cfd import pago20

    errors, documents = [], []
    for n, doc in enumerate(payment["documents"]):
        where = f"payment.documents[{n}]"
        if doc["currency"] != payment["currency"]:
            errors.append(
                Issue(
                    f"{where}.currency",
                    _("Pagar un documento en otra moneda (%(dr)s, pago en %(p)s) aún no se admite.")
                    % {"dr": doc["currency"], "p": payment["currency"]},
                )
            )
            continue
        paid, balance = Decimal(doc["amount_paid"]), Decimal(doc["previous_balance"])
        if paid > balance:
            errors.append(
                Issue(
                    f"{where}.amount_paid",
                    _("El importe pagado (%(p)s) es mayor que el saldo anterior (%(s)s).")
                    % {"p": paid, "s": balance},
                )
            )
            continue
        taxes = doc.get("taxes") or []
        if doc["tax_object"] == "02" and not taxes:
            errors.append(
                Issue(
                    f"{where}.taxes",
                    _("Con objeto de impuesto 02 el documento pagado lleva sus impuestos."),
                )
            )
            continue
        impuestos = None
        if doc["tax_object"] == "02":
            # The base of a payment is the amount paid without its taxes.
            net_rate = sum(
                (Decimal(t["rate"] or 0) * (-1 if t["kind"] == "retencion" else 1)) for t in taxes
            )
            base = (paid / (1 + net_rate)).quantize(CENTS)
            traslados = [
                pago20.TrasladoDR(
                    base_dr=base,
                    impuesto_dr=t["tax"],
                    tipo_factor_dr=t["factor"],
                    tasa_o_cuota_dr=to_decimal(t["rate"]).quantize(SIX) if t["rate"] else None,
                    importe_dr=(base * Decimal(t["rate"])).quantize(CENTS) if t["rate"] else None,
                )
                for t in taxes
                if t["kind"] != "retencion"
            ]
            retenciones = [
                pago20.RetencionDR(
                    base_dr=base,
                    impuesto_dr=t["tax"],
                    tipo_factor_dr=t["factor"],
                    tasa_o_cuota_dr=to_decimal(t["rate"]).quantize(SIX),
                    importe_dr=(base * Decimal(t["rate"])).quantize(CENTS),
                )
                for t in taxes
                if t["kind"] == "retencion"
            ]
            impuestos = pago20.ImpuestosDR(
                traslados_dr=traslados or None, retenciones_dr=retenciones or None
            )
        documents.append(
            pago20.DoctoRelacionado(
                id_documento=doc["uuid"],
                moneda_dr=doc["currency"],
                num_parcialidad=doc["installment"],
                imp_saldo_ant=balance,
                imp_pagado=paid,
                objeto_imp_dr=doc["tax_object"],
                serie=doc.get("series") or None,
                folio=doc.get("folio") or None,
                equivalencia_dr=Decimal(1),
                impuestos_dr=impuestos,
            )
        )
    if errors:
        raise MappingError(errors)
    rate = to_decimal(payment.get("exchange_rate"))
    if payment["currency"] == "MXN":
        rate = Decimal(1)
    elif rate is None:
        raise MappingError(
            [
                Issue(
                    "payment.exchange_rate",
                    _("Un pago en %(c)s necesita el tipo de cambio.") % {"c": payment["currency"]},
                )
            ]
        )
    return pago20.Pagos(
        pago=[
            pago20.Pago(
                fecha_pago=datetime.fromisoformat(payment["date"]),
                forma_de_pago_p=payment["form"],
                moneda_p=payment["currency"],
                tipo_cambio_p=rate,
                num_operacion=payment.get("operation_number") or None,
                docto_relacionado=documents,
            )
        ]
    )
