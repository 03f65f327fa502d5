"""normalize_movement: the whole movement, by document type, in its canonical form."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.utils.translation import gettext as _

from cfdidesk.sat import catalogs

from ..models import DocumentType
from .fields import Block, Errors, FieldError
from .invoice import concepts, receptor, related
from .payment import payment
from .payroll import payroll
from .schema import MovementIn

TYPE_ALIASES = {
    "I": "I",
    "INCOME": "I",
    "INGRESO": "I",
    "E": "E",
    "CREDIT_NOTE": "E",
    "EGRESO": "E",
    "NOTA_DE_CREDITO": "E",
    "P": "P",
    "PAYMENT": "P",
    "PAGO": "P",
    "N": "N",
    "PAYROLL": "N",
    "NOMINA": "N",
    "NÓMINA": "N",
}
# What SAT fixes in a payroll CFDI, so a payroll movement leaves it out.
NOT_IN_PAYROLL = ("concepts", "payment_form", "payment_method", "exchange_rate")


def content_hash(movement: dict) -> str:
    data = json.dumps(movement, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(data.encode()).hexdigest()


def normalize_movement(raw: Any) -> tuple[dict | None, list[FieldError]]:
    """(canonical movement, []) or (None, errors naming each field)."""
    errors = Errors()
    if not isinstance(raw, dict):
        errors.add("", _("Cada movimiento debe ser un objeto JSON."))
        return None, errors
    block = Block(raw, errors, MovementIn)
    movement_id = block.text("movement_id", max_length=100)
    raw_type = str(block.value("document_type") or "").strip().upper()
    document_type = TYPE_ALIASES.get(raw_type, "")
    if not raw_type:
        errors.add("document_type", _("Falta este dato."))
    elif not document_type:
        errors.add(
            "document_type",
            _(
                "«%(code)s» no es un tipo de documento: usa I (ingreso), E (egreso), P (pago) o N (nómina)."
            )
            % {"code": raw_type[:20]},
        )
    movement = {
        "movement_id": movement_id,
        "document_type": document_type,
        "series": block.text("series", max_length=25),
        "receptor": receptor(
            block.value("receptor"), errors, payroll=document_type == DocumentType.PAYROLL
        ),
        "related": related(block.value("related"), errors),
        "total": block.decimal("total"),
    }
    if document_type == DocumentType.PAYMENT:
        movement["payment"] = payment(block.value("payment"), errors)
    elif document_type == DocumentType.PAYROLL:
        _payroll_movement(block, movement)
    else:
        _invoice_movement(block, movement, document_type)
    if errors:
        return None, errors
    return movement, []


def _payroll_movement(block: Block, movement: dict) -> None:
    # SAT fixes the concept, the currency (MXN), the method (PUE) and leaves out the payment form.
    for key in NOT_IN_PAYROLL:
        value = block.value(key)
        if value not in (None, "", []) and not (
            key == "payment_method" and str(value).strip().upper() == "PUE"
        ):
            block.errors.add(
                key,
                _(
                    "Un CFDI de nómina no lleva «%(key)s»: el SAT fija el concepto, la moneda y el método de pago."
                )
                % {"key": key},
            )
    if str(block.value("currency") or "MXN").strip().upper() != "MXN":
        block.errors.add("currency", _("La nómina se emite en MXN."))
    movement["currency"] = "MXN"
    movement["payroll"] = payroll(block.value("payroll"), block.errors)


def _invoice_movement(block: Block, movement: dict, document_type: str) -> None:
    # The payment method and form are required for income and credit notes only.
    needs_payment = document_type in (DocumentType.INCOME, DocumentType.CREDIT_NOTE)
    movement.update(
        {
            "currency": block.code("currency", catalogs.currencies(), "c_Moneda"),
            "exchange_rate": block.decimal("exchange_rate", positive=True),
            "payment_method": block.code(
                "payment_method",
                catalogs.payment_methods(),
                "c_MetodoPago",
                required=needs_payment,
            ),
            "payment_form": block.code(
                "payment_form", catalogs.payment_forms(), "c_FormaPago", required=needs_payment
            ),
            "payment_terms": block.text("payment_terms", max_length=1000),
            "concepts": concepts(block.value("concepts"), block.errors),
        }
    )
