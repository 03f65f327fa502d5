"""Mapping: a normalised movement (movements.py) becomes an unsigned CFDI 4.0 built with satcfdi.

satcfdi computes every amount (Importe, taxes, SubTotal, Total) with SAT's rounding. What cannot
be turned into a CFDI raises MappingError naming the movement's field and the reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache

from django.utils.translation import gettext as _
from lxml import etree

from . import Issue

SIX = Decimal("0.000001")
CENTS = Decimal("0.01")
THOUSANDTHS = Decimal("0.001")
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


class MappingError(Exception):
    def __init__(self, issues: list[Issue]):
        super().__init__("; ".join(f"{i.field}: {i.message}" for i in issues))
        self.issues = issues


@dataclass(frozen=True)
class Emitter:
    """What the environment contributes to every CFDI it issues."""

    rfc: str
    name: str
    tax_regime: str
    postal_code: str
    certificate_number: str = ""
    certificate_base64: str = ""


@lru_cache(maxsize=2048)
def _timezone(postal_code: str):
    from satcfdi.transform import get_timezone

    return get_timezone(postal_code)


def local_now(postal_code: str) -> datetime:
    """The aware local time at the place of issue (CFDI's Fecha is local, without offset)."""
    from django.utils import timezone

    try:
        tz = _timezone(postal_code)
    except Exception:  # a postal code missing from the catalog: central time, validation reports it
        tz = _timezone("06000")
    return timezone.now().astimezone(tz).replace(microsecond=0)


def _d(value) -> Decimal | None:
    return None if value in (None, "") else Decimal(value)


def _tax_nodes(taxes: list[dict], cfdi40, *, where: str):
    traslados, retenciones = [], []
    for tax in taxes:
        rate = _d(tax.get("rate"))
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


def _amount(value, places: Decimal) -> Decimal | None:
    """An amount with at least the currency's decimals ("2500" is written 2500.00), never fewer digits."""
    number = _d(value)
    if number is None or number.as_tuple().exponent <= places.as_tuple().exponent:
        return number
    return number.quantize(places)


def _concepts(movement: dict, cfdi40) -> list:
    from cfdidesk.sat import catalogs

    places = Decimal(1).scaleb(-catalogs.currencies().get(movement["currency"], 2))
    errors, out = [], []
    for n, c in enumerate(movement["concepts"]):
        where = f"concepts[{n}]"
        quantity, unit_value, discount = (
            _d(c["quantity"]),
            _amount(c["unit_value"], places),
            _amount(c.get("discount"), places),
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
                impuestos=_tax_nodes(taxes, cfdi40, where=where),
            )
        )
    if errors:
        raise MappingError(errors)
    return out


def _receptor(movement: dict, cfdi40):
    r = movement["receptor"]
    return cfdi40.Receptor(
        rfc=r["rfc"],
        nombre=r["name"],
        domicilio_fiscal_receptor=r["postal_code"],
        regimen_fiscal_receptor=r["tax_regime"],
        uso_cfdi=r["cfdi_use"],
    )


def _related(movement: dict, cfdi40):
    related = movement.get("related")
    if not related:
        return None
    return cfdi40.CfdiRelacionados(
        tipo_relacion=related["relation"], cfdi_relacionado=related["uuids"]
    )


def _payment_complement(payment: dict):
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
                    tasa_o_cuota_dr=_d(t["rate"]).quantize(SIX) if t["rate"] else None,
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
                    tasa_o_cuota_dr=_d(t["rate"]).quantize(SIX),
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
    rate = _d(payment.get("exchange_rate"))
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


def _seniority(start: date, end: date) -> str:
    """Nómina's Antigüedad in whole weeks: (days from the start of the relation to the period's end + 1) / 7."""
    return f"P{((end - start).days + 1) // 7}W"


def _payroll_complement(payroll: dict, emitter: Emitter):
    """The Nómina 1.2 node with its totals, and the concept's unit value and discount."""
    from satcfdi.create.cfd import nomina12

    errors: list[Issue] = []
    start, end, paid_on = (
        date.fromisoformat(payroll[k]) for k in ("period_start", "period_end", "payment_date")
    )
    if start > end:
        errors.append(
            Issue(
                "payroll.period_end",
                _("El periodo termina (%(end)s) antes de empezar (%(start)s).")
                % {"end": end, "start": start},
            )
        )
    employee, employer = payroll["employee"], payroll.get("employer") or {}
    hired = date.fromisoformat(employee["start_date"]) if employee.get("start_date") else None
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
    if len(emitter.rfc) == 13 and not employer.get("curp"):
        errors.append(
            Issue(
                "payroll.employer.curp",
                _("El patrón es persona física (RFC %(rfc)s): la nómina lleva su CURP.")
                % {"rfc": emitter.rfc},
            )
        )
    if len(emitter.rfc) == 12 and employer.get("curp"):
        errors.append(
            Issue(
                "payroll.employer.curp",
                _("El patrón es persona moral (RFC %(rfc)s): la nómina no lleva CURP del patrón.")
                % {"rfc": emitter.rfc},
            )
        )
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

    def money(value) -> Decimal:
        return Decimal(value or 0).quantize(CENTS)

    perceptions = [
        nomina12.Percepcion(
            tipo_percepcion=p["type"],
            clave=p["code"],
            concepto=p["concept"],
            importe_gravado=money(p["taxed"]),
            importe_exento=money(p["exempt"]),
        )
        for p in payroll["perceptions"]
    ]
    deductions = [
        nomina12.Deduccion(
            tipo_deduccion=d["type"],
            clave=d["code"],
            concepto=d["concept"],
            importe=money(d["amount"]),
        )
        for d in payroll["deductions"]
    ]
    other_payments = []
    for n, o in enumerate(payroll["other_payments"]):
        subsidy = None
        if o["type"] == SUBSIDY_OTHER_PAYMENT:
            subsidy = money(
                o.get("subsidy_caused") if o.get("subsidy_caused") is not None else o["amount"]
            )
            if subsidy < money(o["amount"]):
                errors.append(
                    Issue(
                        f"payroll.other_payments[{n}].subsidy_caused",
                        _("El subsidio causado (%(s)s) es menor que el subsidio entregado (%(a)s).")
                        % {"s": subsidy, "a": money(o["amount"])},
                    )
                )
        elif o.get("subsidy_caused") is not None:
            errors.append(
                Issue(
                    f"payroll.other_payments[{n}].subsidy_caused",
                    _(
                        "El subsidio causado solo va en el otro pago tipo 002 (subsidio para el empleo)."
                    ),
                )
            )
        other_payments.append(
            nomina12.OtroPago(
                tipo_otro_pago=o["type"],
                clave=o["code"],
                concepto=o["concept"],
                importe=money(o["amount"]),
                subsidio_al_empleo=subsidy,
            )
        )

    taxed = sum((p["ImporteGravado"] for p in perceptions), Decimal("0.00"))
    exempt = sum((p["ImporteExento"] for p in perceptions), Decimal("0.00"))
    withheld = sum(
        (d["Importe"] for d in deductions if d["TipoDeduccion"] == ISR_DEDUCTION), Decimal("0.00")
    )
    other_deductions = sum(
        (d["Importe"] for d in deductions if d["TipoDeduccion"] != ISR_DEDUCTION), Decimal("0.00")
    )
    total_other_payments = sum((o["Importe"] for o in other_payments), Decimal("0.00"))
    gross = taxed + exempt + total_other_payments
    if withheld + other_deductions > gross:
        errors.append(
            Issue(
                "payroll.deductions",
                _(
                    "Las deducciones (%(d)s) son mayores que las percepciones más otros pagos (%(p)s)."
                )
                % {"d": withheld + other_deductions, "p": gross},
            )
        )
    if errors:
        raise MappingError(errors)

    receptor = nomina12.Receptor(
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
        salario_diario_integrado=money(employee["daily_integrated_salary"])
        if employee.get("daily_integrated_salary")
        else None,
    )
    has_employer = employer.get("registration") or employer.get("curp")
    nomina = nomina12.Nomina(
        tipo_nomina=payroll["type"],
        fecha_pago=paid_on,
        fecha_inicial_pago=start,
        fecha_final_pago=end,
        num_dias_pagados=Decimal(payroll["days_paid"]).quantize(THOUSANDTHS),
        receptor=receptor,
        emisor=nomina12.Emisor(
            curp=employer.get("curp") or None,
            registro_patronal=employer.get("registration") or None,
        )
        if has_employer
        else None,
    )
    # satcfdi's Nomina computes its totals only when both perceptions and deductions come (and
    # counts every perception as "sueldos"); they are set here from the lines, as SAT's guide says.
    if perceptions:
        nomina["Percepciones"] = nomina12.Percepciones(percepcion=perceptions)
        nomina["Percepciones"].update(
            {"TotalSueldos": taxed + exempt, "TotalGravado": taxed, "TotalExento": exempt}
        )
        nomina["TotalPercepciones"] = taxed + exempt
    if deductions:
        totals = {}
        if any(d["TipoDeduccion"] != ISR_DEDUCTION for d in deductions):
            totals["TotalOtrasDeducciones"] = other_deductions
        if any(d["TipoDeduccion"] == ISR_DEDUCTION for d in deductions):
            totals["TotalImpuestosRetenidos"] = withheld
        nomina["Deducciones"] = nomina12.Deducciones(deduccion=deductions)
        nomina["Deducciones"].update(totals)
        nomina["TotalDeducciones"] = withheld + other_deductions
    if other_payments:
        nomina["OtrosPagos"] = other_payments
        nomina["TotalOtrosPagos"] = total_other_payments
    discount = withheld + other_deductions if deductions else None
    return nomina, (taxed + exempt + total_other_payments), discount


def _payroll_concept(cfdi40, unit_value: Decimal, discount: Decimal | None):
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


def build(
    movement: dict, emitter: Emitter, *, series: str, folio: int | None, issued: datetime
) -> etree._Element:
    """The unsigned Comprobante for the movement: its CSD number and certificate, an empty Sello."""
    from satcfdi.create.cfd import cfdi40

    document_type = movement["document_type"]
    emisor = cfdi40.Emisor(rfc=emitter.rfc, nombre=emitter.name, regimen_fiscal=emitter.tax_regime)
    fecha = issued.replace(tzinfo=None, microsecond=0)
    try:
        if document_type == "P":
            comprobante = cfdi40.Comprobante.pago(
                emisor=emisor,
                lugar_expedicion=emitter.postal_code,
                receptor=_receptor(movement, cfdi40),
                complemento_pago=_payment_complement(movement["payment"]),
                cfdi_relacionados=_related(movement, cfdi40),
                serie=series or None,
                folio=str(folio) if folio is not None else None,
                fecha=fecha,
            )
        elif document_type == "N":
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
            nomina, unit_value, discount = _payroll_complement(movement["payroll"], emitter)
            comprobante = cfdi40.Comprobante(
                emisor=emisor,
                lugar_expedicion=emitter.postal_code,
                receptor=_receptor(movement, cfdi40),
                conceptos=[_payroll_concept(cfdi40, unit_value, discount)],
                moneda="MXN",
                tipo_de_comprobante="N",
                exportacion="01",
                metodo_pago="PUE",
                serie=series or None,
                folio=str(folio) if folio is not None else None,
                cfdi_relacionados=_related(movement, cfdi40),
                complemento=nomina,
                fecha=fecha,
            )
        else:
            currency = movement["currency"]
            rate = _d(movement.get("exchange_rate"))
            if currency == "XXX":
                raise MappingError(
                    [Issue("currency", _("La moneda XXX solo se usa en CFDI de pago."))]
                )
            if currency != "MXN" and rate is None:
                raise MappingError(
                    [
                        Issue(
                            "exchange_rate",
                            _("Un CFDI en %(c)s necesita el tipo de cambio.") % {"c": currency},
                        )
                    ]
                )
            comprobante = cfdi40.Comprobante(
                emisor=emisor,
                lugar_expedicion=emitter.postal_code,
                receptor=_receptor(movement, cfdi40),
                conceptos=_concepts(movement, cfdi40),
                moneda=currency,
                tipo_de_comprobante=document_type,
                exportacion="01",
                serie=series or None,
                folio=str(folio) if folio is not None else None,
                forma_pago=movement.get("payment_form") or None,
                metodo_pago=movement.get("payment_method") or None,
                condiciones_de_pago=movement.get("payment_terms") or None,
                tipo_cambio=rate if currency != "MXN" else None,
                cfdi_relacionados=_related(movement, cfdi40),
                fecha=fecha,
            )
        root = comprobante.to_xml()
    except MappingError:
        raise
    except (ArithmeticError, KeyError, TypeError, ValueError, AttributeError) as exc:
        raise MappingError(
            [Issue("", _("No se pudo armar el CFDI: %(error)s") % {"error": str(exc)[:300]})]
        ) from exc
    root.set("NoCertificado", emitter.certificate_number)
    root.set("Certificado", emitter.certificate_base64)
    return root
