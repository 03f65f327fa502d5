"""The movement payload is defined once (invoicing/movements/schema.py, the API's schemas) and the
normaliser reads every field through it: these tests prove the two agree, field by field, for
every document type (payroll included)."""

from __future__ import annotations

import copy
import typing

import pytest
from pydantic import BaseModel

from cfdidesk.invoicing.movements import fields, normalize_movement
from cfdidesk.invoicing.movements.fields import Block, Errors, schema_fields
from cfdidesk.invoicing.movements.schema import MovementIn, TaxIn

RECEPTOR = {
    "rfc": "XIQB891116QE4",
    "name": "BERENICE XIMO QUEZADA",
    "tax_regime": "612",
    "postal_code": "42501",
    "cfdi_use": "G03",
}
UUID = "5FB2822E-396D-4725-8521-CDC4BDD20CCF"
IVA = {"tax": "IVA", "kind": "traslado", "factor": "Tasa", "rate": "0.16"}
# One movement per document type with every field of the schema that the type may carry.
FULL = {
    "I": {
        "movement_id": "MOV-I",
        "document_type": "I",
        "series": "A",
        "currency": "USD",
        "exchange_rate": "17.25",
        "payment_method": "PUE",
        "payment_form": "03",
        "payment_terms": "Contado",
        "receptor": RECEPTOR,
        "concepts": [
            {
                "product_key": "84111506",
                "quantity": "2",
                "unit_key": "E48",
                "unit": "Servicio",
                "description": "Servicio de facturación",
                "unit_value": "100.00",
                "discount": "10.00",
                "sku": "SKU-1",
                "tax_object": "02",
                "taxes": [IVA],
            }
        ],
        "related": {"relation": "04", "uuids": [UUID]},
        "total": "220.40",
    },
    "P": {
        "movement_id": "MOV-P",
        "document_type": "P",
        "series": "P",
        "receptor": {**RECEPTOR, "cfdi_use": "CP01"},
        "related": {"relation": "04", "uuids": [UUID]},
        "payment": {
            "date": "2026-01-15",
            "form": "03",
            "currency": "USD",
            "exchange_rate": "17.10",
            "operation_number": "OP-1",
            "documents": [
                {
                    "uuid": UUID,
                    "series": "A",
                    "folio": "120",
                    "currency": "USD",
                    "installment": 1,
                    "previous_balance": "1160.00",
                    "amount_paid": "1160.00",
                    "tax_object": "02",
                    "taxes": [IVA],
                }
            ],
        },
    },
    "N": {
        "movement_id": "MOV-N",
        "document_type": "N",
        "series": "NOM",
        "receptor": {**RECEPTOR, "tax_regime": "605", "cfdi_use": "CN01"},
        "payroll": {
            "type": "O",
            "payment_date": "2026-01-15",
            "period_start": "2026-01-01",
            "period_end": "2026-01-15",
            "days_paid": "15",
            "employer": {"registration": "B5510768108", "curp": "XIQB891116MGRMZR05"},
            "employee": {
                "curp": "XIQB891116MGRMZR05",
                "number": "0001",
                "social_security_number": "04078873454",
                "start_date": "2021-03-01",
                "contract_type": "01",
                "regime_type": "02",
                "periodicity": "04",
                "state": "HID",
                "job_risk": "1",
                "daily_integrated_salary": "525.00",
                "department": "Administración",
                "position": "Analista",
            },
            "perceptions": [
                {
                    "type": "001",
                    "code": "P001",
                    "concept": "Sueldo",
                    "taxed": "7500.00",
                    "exempt": "0",
                }
            ],
            "deductions": [{"type": "002", "code": "D002", "concept": "ISR", "amount": "812.45"}],
            "other_payments": [
                {
                    "type": "002",
                    "code": "OP002",
                    "concept": "Subsidio para el empleo",
                    "amount": "0",
                    "subsidy_caused": "10.00",
                }
            ],
        },
        "total": "6687.55",
    },
}
# Where a rule of the normaliser depends on other fields, the schema cannot say it: (type, path).
REQUIRED_BY_TYPE = {
    ("I", "payment_method"),
    ("I", "payment_form"),
    ("I", "concepts"),
    ("P", "payment"),
    ("N", "payroll"),
    ("I", "concepts[0].taxes[0].rate"),  # unless the tax is exempt
    ("P", "payment.documents[0].taxes[0].rate"),
}
DEFAULTED_BY_TYPE = {
    ("N", "receptor.tax_regime"),  # a payroll receptor is the employee: 605
    ("N", "receptor.cfdi_use"),  # and CN01
}


def _models(model: type[BaseModel], found: dict | None = None) -> dict[str, type[BaseModel]]:
    """Every schema the movement's schema contains, by name."""
    found = {} if found is None else found
    found[model.__name__] = model
    for info in model.model_fields.values():
        for inner in _types(info.annotation):
            if (
                isinstance(inner, type)
                and issubclass(inner, BaseModel)
                and inner.__name__ not in found
            ):
                _models(inner, found)
    return found


def _types(annotation) -> list:
    args = typing.get_args(annotation)
    return [annotation] if not args else [t for a in args for t in _types(a)]


def _fields(data: dict, model: type[BaseModel], path: str = ""):
    """(path, parent dict, key, model) of every field present in `data`, nested ones too."""
    models = _models(MovementIn)
    for key, value in data.items():
        here = f"{path}.{key}" if path else key
        yield here, data, key, model
        inner = [t for t in _types(model.model_fields[key].annotation) if t.__name__ in models]
        if not inner:
            continue
        if isinstance(value, dict):
            yield from _fields(value, inner[0], here)
        elif isinstance(value, list):
            for n, item in enumerate(value):
                if isinstance(item, dict):
                    yield from _fields(item, inner[0], f"{here}[{n}]")


def test_the_full_examples_are_valid():
    for movement in FULL.values():
        normalized, errors = normalize_movement(copy.deepcopy(movement))
        assert errors == [] and normalized


def test_the_normaliser_reads_exactly_the_fields_of_the_schema(monkeypatch):
    read: dict[str, set[str]] = {}

    class Recording(dict):
        def __init__(self, name: str, data: dict):
            super().__init__(data)
            self.name = name

        def __getitem__(self, key):
            read.setdefault(self.name, set()).add(key)
            return super().__getitem__(key)

    original = fields.schema_fields
    monkeypatch.setattr(
        fields, "schema_fields", lambda model: Recording(model.__name__, original(model))
    )
    for movement in FULL.values():
        normalize_movement(copy.deepcopy(movement))
    schemas = {name: set(model.model_fields) for name, model in _models(MovementIn).items()}
    assert read == schemas


def test_the_examples_carry_every_field_of_the_schema():
    present: dict[str, set[str]] = {}
    for movement in FULL.values():
        for _path, _parent, key, model in _fields(movement, MovementIn):
            present.setdefault(model.__name__, set()).add(key)
    assert present == {name: set(m.model_fields) for name, m in _models(MovementIn).items()}


@pytest.mark.parametrize(
    "document_type, path",
    [
        (t, path)
        for t, movement in FULL.items()
        for path, _parent, _key, _model in _fields(movement, MovementIn)
    ],
)
def test_a_field_is_required_where_the_schema_says(document_type, path):
    movement = copy.deepcopy(FULL[document_type])
    target = next(f for f in _fields(movement, MovementIn) if f[0] == path)
    _path, parent, key, model = target
    required = schema_fields(model)[key][0]
    if (document_type, path) in REQUIRED_BY_TYPE:
        required = True
    if (document_type, path) in DEFAULTED_BY_TYPE:
        required = False
    del parent[key]
    _normalized, errors = normalize_movement(movement)
    fields = [e.field for e in errors]
    if required:
        assert any(f == path or f.startswith((f"{path}.", f"{path}[")) for f in fields), fields
    else:
        assert fields == []


def test_a_field_outside_the_schema_cannot_be_read():
    with pytest.raises(KeyError, match="TaxIn has no field 'percentage'"):
        Block({"percentage": "16"}, Errors(), TaxIn, "taxes[0]").decimal("percentage")


@pytest.mark.django_db
def test_the_api_documents_the_same_schemas(client):
    components = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    for name, model in _models(MovementIn).items():
        documented = components[name]
        assert set(documented["properties"]) == set(model.model_fields)
        required = {f for f, spec in schema_fields(model).items() if spec[0]}
        assert set(documented.get("required", [])) == required
