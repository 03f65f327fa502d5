"""The block of a payment movement (type P): the payment and the documents it pays."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from cfdidesk.sat import catalogs

from .fields import Block, Errors
from .invoice import UUID, taxes
from .schema import PaidDocumentIn, PaymentIn

_PAYMENT_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2})?$")


def payment(raw, errors: Errors) -> dict | None:
    if not isinstance(raw, dict):
        errors.add(
            "payment",
            _(
                "Un CFDI de pago lleva el bloque «payment» (fecha, forma, moneda y documentos pagados)."
            ),
        )
        return None
    block = Block(raw, errors, PaymentIn, "payment")
    date = block.text("date", max_length=19)
    if date and not _PAYMENT_DATE.match(date):
        errors.add("payment.date", _("La fecha de pago va como AAAA-MM-DD o AAAA-MM-DDThh:mm:ss."))
    elif date and len(date) == 10:
        date += "T12:00:00"  # SAT's rule when the hour is unknown
    out = {
        "date": date,
        "form": block.code("form", catalogs.payment_forms(), "c_FormaPago"),
        "currency": block.code("currency", catalogs.currencies(), "c_Moneda"),
        "exchange_rate": block.decimal("exchange_rate", positive=True),
        "operation_number": block.text("operation_number", max_length=100),
        "documents": [],
    }
    documents = block.value("documents")
    if not isinstance(documents, list) or not documents:
        errors.add("payment.documents", _("Escribe al menos un documento pagado."))
        return out
    reader = Block({}, errors, PaidDocumentIn, "payment.documents")
    for n, doc in enumerate(documents):
        if not isinstance(doc, dict):
            errors.add(f"payment.documents[{n}]", _("Cada documento pagado debe ser un objeto."))
            continue
        out["documents"].append(_paid_document(reader.at(doc, n), out))
    return out


def _installment(block: Block) -> int:
    installment = block.value("installment")
    if installment is None and "installment" not in block.raw:
        installment = block.spec("installment")[1]
    if not isinstance(installment, int) or isinstance(installment, bool) or installment < 1:
        block.errors.add(
            block.path("installment"), _("El número de parcialidad es un entero desde 1.")
        )
        installment = 1
    return installment


def _paid_document(block: Block, paid: dict) -> dict:
    uuid = str(block.value("uuid") or "").strip().upper()
    if not UUID.match(uuid):
        block.errors.add(
            block.path("uuid"),
            _("«%(value)s» no es un UUID (folio fiscal).") % {"value": uuid[:40]},
        )
    installment = _installment(block)
    return {
        "uuid": uuid,
        "series": block.text("series", max_length=25),
        "folio": block.text("folio", max_length=40),
        # A document is paid in the payment's currency unless it says otherwise.
        "currency": block.code(
            "currency", catalogs.currencies(), "c_Moneda", default=paid["currency"]
        ),
        "installment": installment,
        "previous_balance": block.decimal("previous_balance", positive=True),
        "amount_paid": block.decimal("amount_paid", positive=True),
        "tax_object": block.code("tax_object", catalogs.tax_objects(), "c_ObjetoImp"),
        "taxes": taxes(block.value("taxes"), block.errors, block.path("taxes")),
    }
