"""The parts every movement or an invoice (I, E) carries: receptor, related CFDI, concepts, taxes."""

from __future__ import annotations

import re
from decimal import Decimal

from django.utils.translation import gettext as _

from cfdidesk.sat import catalogs
from cfdidesk.sat.rfc import normalize_rfc

from .fields import Block, Errors
from .schema import ConceptIn, ReceptorIn, RelatedIn, TaxIn

MAX_CONCEPTS = 500
UUID = re.compile(r"^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$")
_POSTAL = re.compile(r"^\d{5}$")
TAX_ALIASES = {"ISR": "001", "IVA": "002", "IEPS": "003"}
TAX_KINDS = {
    "traslado": "traslado",
    "transfer": "traslado",
    "retencion": "retencion",
    "retención": "retencion",
    "withholding": "retencion",
}


def taxes(raw_taxes, errors: Errors, field: str, reader: Block | None = None) -> list[dict]:
    """The taxes of a concept or a paid document; `reader` reads each tax (one for all lists)."""
    if raw_taxes in (None, ""):
        return []
    if not isinstance(raw_taxes, list):
        errors.add(field, _("Debe ser una lista de impuestos."))
        return []
    out = []
    reader = reader or Block({}, errors, TaxIn)
    reader.where = field
    for n, raw in enumerate(raw_taxes):
        if not isinstance(raw, dict):
            errors.add(f"{field}[{n}]", _("Cada impuesto debe ser un objeto."))
            continue
        out.append(_tax(reader.at(raw, n)))
    return out


def _tax(block: Block) -> dict:
    errors = block.errors
    tax = str(block.value("tax") or "").strip().upper()
    tax = TAX_ALIASES.get(tax, tax)
    if not tax:
        errors.add(block.path("tax"), _("Falta este dato."))
    elif tax not in catalogs.taxes():
        errors.add(
            block.path("tax"),
            _("«%(code)s» no está en el catálogo c_Impuesto del SAT (ISR, IVA, IEPS).")
            % {"code": tax[:20]},
        )
    kind = TAX_KINDS.get(str(block.value("kind") or block.spec("kind")[1]).strip().lower())
    if kind is None:
        errors.add(block.path("kind"), _("Debe ser «traslado» o «retencion»."))
    factor = str(block.value("factor") or block.spec("factor")[1]).strip().capitalize()
    known_factor = factor in catalogs.factor_types()
    if not known_factor:
        errors.add(
            block.path("factor"),
            _("«%(code)s» no está en el catálogo c_TipoFactor del SAT (Tasa, Cuota, Exento).")
            % {"code": factor[:20]},
        )
    # The rate is required unless the tax is exempt.
    rate = block.decimal("rate", required=factor != "Exento" and known_factor)
    if factor == "Exento" and kind == "retencion":
        errors.add(block.path("factor"), _("Una retención no puede ser exenta."))
    if rate is not None and factor == "Tasa" and Decimal(rate) > 1:
        errors.add(block.path("rate"), _("La tasa se escribe como fracción: 0.16 para el 16 %."))
    return {
        "tax": tax,
        "kind": kind or "",
        "factor": factor,
        "rate": rate if factor != "Exento" else None,
    }


def concepts(raw_concepts, errors: Errors) -> list[dict]:
    """An invoice's concepts: at least one is required for I and E (the schema lets P and N leave
    them out)."""
    if not isinstance(raw_concepts, list) or not raw_concepts:
        errors.add("concepts", _("Debe traer al menos un concepto."))
        return []
    if len(raw_concepts) > MAX_CONCEPTS:
        errors.add("concepts", _("Admite hasta %(n)d conceptos.") % {"n": MAX_CONCEPTS})
        return []
    out = []
    product_keys, unit_keys = catalogs.product_service_keys(), catalogs.unit_keys()
    tax_objects = catalogs.tax_objects()
    reader, tax_reader = Block({}, errors, ConceptIn, "concepts"), Block({}, errors, TaxIn)
    for n, raw in enumerate(raw_concepts):
        if not isinstance(raw, dict):
            errors.add(f"concepts[{n}]", _("Cada concepto debe ser un objeto."))
            continue
        block = reader.at(raw, n)
        out.append(
            {
                "product_key": block.code("product_key", product_keys, "c_ClaveProdServ"),
                "quantity": block.decimal("quantity", positive=True),
                "unit_key": block.code("unit_key", unit_keys, "c_ClaveUnidad"),
                "unit": block.text("unit", max_length=20),
                "description": block.text("description", max_length=1000),
                "unit_value": block.decimal("unit_value"),
                "discount": block.decimal("discount"),
                "sku": block.text("sku", max_length=100),
                "tax_object": block.code("tax_object", tax_objects, "c_ObjetoImp"),
                "taxes": taxes(block.value("taxes"), errors, block.path("taxes"), tax_reader),
            }
        )
    return out


def receptor(raw, errors: Errors, *, payroll: bool = False) -> dict:
    if not isinstance(raw, dict):
        errors.add(
            "receptor", _("Falta el receptor (RFC, nombre, régimen, código postal y uso del CFDI).")
        )
        return {}
    block = Block(raw, errors, ReceptorIn, "receptor")
    rfc = normalize_rfc(block.text("rfc", max_length=20))
    if rfc and len(rfc) not in (12, 13):
        errors.add(
            "receptor.rfc",
            _("El RFC debe tener 12 caracteres (persona moral) o 13 (persona física); tiene %(n)d.")
            % {"n": len(rfc)},
        )
    postal_code = block.text("postal_code", max_length=5)
    if postal_code and not _POSTAL.match(postal_code):
        errors.add("receptor.postal_code", _("El código postal son 5 dígitos."))
    return {
        "rfc": rfc,
        "name": block.text("name", max_length=300),
        # A payroll receptor is the employee: regime 605 and use CN01 unless the movement says otherwise
        # (and then structure validation says why it cannot be).
        "tax_regime": block.code(
            "tax_regime",
            catalogs.tax_regimes(),
            "c_RegimenFiscal",
            default="605" if payroll else "",
        ),
        "postal_code": postal_code,
        "cfdi_use": block.code(
            "cfdi_use", catalogs.cfdi_uses(), "c_UsoCFDI", default="CN01" if payroll else ""
        ),
    }


def related(raw, errors: Errors) -> dict | None:
    if raw in (None, "", {}):
        return None
    if not isinstance(raw, dict):
        errors.add("related", _("Debe ser un objeto con «relation» y «uuids»."))
        return None
    block = Block(raw, errors, RelatedIn, "related")
    relation = block.code("relation", catalogs.relation_types(), "c_TipoRelacion")
    uuids = block.value("uuids") or []
    if isinstance(uuids, str):
        uuids = uuids.split()
    if not isinstance(uuids, list) or not uuids:
        errors.add("related.uuids", _("Escribe al menos un UUID relacionado."))
        uuids = []
    clean = []
    for n, value in enumerate(uuids):
        text = str(value).strip().upper()
        if not UUID.match(text):
            errors.add(
                f"related.uuids[{n}]",
                _("«%(value)s» no es un UUID (folio fiscal).") % {"value": text[:40]},
            )
        clean.append(text)
    return {"relation": relation, "uuids": clean}
