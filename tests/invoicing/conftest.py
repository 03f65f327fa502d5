"""Invoicing fixtures: SAT's test CSDs, an emitter company, environments and valid movements."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from cfdidesk.invoicing import services
from cfdidesk.invoicing.models import InvoicingEnvironment

FIXTURES = Path(__file__).resolve().parents[2] / "src" / "cfdidesk" / "invoicing" / "fixtures"
CSD_FILES = {
    "EKU9003173C9": ("eku9003173c9_csd.cer", "eku9003173c9_csd.key", "eku9003173c9_csd.txt"),
    "XIQB891116QE4": ("xiqb891116qe4_csd.cer", "xiqb891116qe4_csd.key", "xiqb891116qe4_csd.txt"),
    "CACX7605101P8": ("cacx7605101p8_csd.cer", "cacx7605101p8_csd.key", "cacx7605101p8_csd.txt"),
    "JES900109Q90": (
        "jes900109q90_30001000000400002436.cer",
        "jes900109q90_30001000000400002436.key",
        "jes900109q90_pass.txt",
    ),
}
EMITTER_RFC = "EKU9003173C9"


def csd(rfc: str = EMITTER_RFC) -> tuple[bytes, bytes, str]:
    cer, key, txt = CSD_FILES[rfc]
    return (
        (FIXTURES / cer).read_bytes(),
        (FIXTURES / key).read_bytes(),
        (FIXTURES / txt).read_text().strip(),
    )


RECEPTOR = {
    "rfc": "XIQB891116QE4",
    "name": "BERENICE XIMO QUEZADA",
    "tax_regime": "612",
    "postal_code": "42501",
    "cfdi_use": "G03",
}
BASE_MOVEMENT = {
    "movement_id": "MOV-1",
    "document_type": "I",
    "payment_method": "PUE",
    "payment_form": "03",
    "receptor": RECEPTOR,
    "concepts": [
        {
            "product_key": "84111506",
            "quantity": "2",
            "unit_key": "E48",
            "description": "Servicio de facturación",
            "unit_value": "100.00",
            "taxes": [{"tax": "IVA", "kind": "traslado", "factor": "Tasa", "rate": "0.16"}],
        },
    ],
}


def movement(movement_id: str = "MOV-1", /, **overrides) -> dict:
    data = copy.deepcopy(BASE_MOVEMENT)
    data["movement_id"] = movement_id
    for key, value in overrides.items():
        if key == "receptor":
            data["receptor"] = {**data["receptor"], **value}
        else:
            data[key] = value
    return data


@pytest.fixture
def emitter_company(make_company):
    return make_company(
        legal_name="Escuela Kemper Urgate, S.A. de C.V.",
        rfc=EMITTER_RFC,
        tax_regime="601",
        postal_code="42501",
    )


@pytest.fixture
def make_environment(actor, emitter_company):
    def make(
        *, running: bool = True, credits: int | None = 1000, with_csd: bool = True, **data
    ) -> InvoicingEnvironment:
        values = {"name": "Producción", "emitter_name": "ESCUELA KEMPER URGATE", **data}
        environment = services.environment_create(actor=actor, company=emitter_company, data=values)
        if with_csd:
            cer, key, password = csd(environment.emitter_rfc)
            environment = services.csd_load(
                actor=actor, environment=environment, certificate=cer, key=key, password=password
            )
        if credits:
            services.credits_load(actor=actor, rfc=environment.emitter_rfc, quantity=credits)
        if running:
            environment, _changed = services.generator_resume(actor=actor, environment=environment)
        return environment

    return make


@pytest.fixture
def environment(make_environment):
    return make_environment()


def full_sat_xsd_valid(xml: str | bytes) -> None:
    """SAT's complete XSD through satcfdi (compiled from its files, every enumeration): raises if invalid."""
    from satcfdi.cfdi import CFDI

    data = xml.encode() if isinstance(xml, str) else xml
    CFDI.from_string(data).to_xml(validate=True)
