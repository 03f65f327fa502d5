"""Shared by the invoicing benchmarks: an emitter environment with SAT's test CSD, and realistic movements."""

from __future__ import annotations

import os
from pathlib import Path

import _common as bench

# Benchmarks run with DEBUG=0, where storing a CSD needs an explicit encryption key.
os.environ.setdefault("CSD_ENCRYPTION_KEY", "bench-only-csd-encryption-key")

FIXTURES = Path(__file__).resolve().parents[1] / "src" / "cfdidesk" / "invoicing" / "fixtures"
PRODUCTS = [  # (ClaveProdServ, ClaveUnidad, unit, description, low price, high price)
    ("84111506", "E48", "Servicio", "Servicio de facturación electrónica", 300, 3000),
    ("81112101", "E48", "Servicio", "Soporte técnico por hora", 350, 900),
    ("43211503", "H87", "Pieza", "Computadora portátil", 9000, 35000),
    ("44121618", "H87", "Pieza", "Tijeras de oficina", 20, 120),
    ("50202301", "H87", "Pieza", "Agua embotellada 1 L", 8, 25),
    ("78101802", "E48", "Servicio", "Flete terrestre local", 800, 9000),
    ("80141600", "E48", "Servicio", "Servicio de publicidad", 1500, 20000),
    ("14111507", "XPK", "Paquete", "Papel para impresora (paquete)", 80, 160),
    ("56101500", "H87", "Pieza", "Silla de oficina", 1200, 5500),
    ("25172504", "H87", "Pieza", "Llanta para automóvil", 1200, 4200),
]


def environment(*, running: bool, credits: int):
    """A company, its environment with EKU9003173C9's test CSD, and stamp credits."""
    from cfdidesk.customers.services import company_create
    from cfdidesk.invoicing import services

    actor = bench.admin_user()
    company, _warnings = company_create(
        actor=actor,
        data={
            "legal_name": "Escuela Kemper Urgate, S.A. de C.V.",
            "rfc": "EKU9003173C9",
            "tax_regime": "601",
            "cfdi_use": "G03",
            "email": "facturas@ekemper.mx",
            "postal_code": "42501",
        },
    )
    env = services.environment_create(
        actor=actor,
        company=company,
        data={"name": "Producción", "emitter_name": "ESCUELA KEMPER URGATE"},
    )
    env = services.csd_load(
        actor=actor,
        environment=env,
        certificate=(FIXTURES / "eku9003173c9_csd.cer").read_bytes(),
        key=(FIXTURES / "eku9003173c9_csd.key").read_bytes(),
        password=(FIXTURES / "eku9003173c9_csd.txt").read_text().strip(),
    )
    if credits:
        services.credits_load(actor=actor, rfc=env.emitter_rfc, quantity=credits)
    if running:
        env, _changed = services.generator_resume(actor=actor, environment=env)
    return actor, env


def movements(n: int, *, seed: int = 2026, prefix: str = "MOV") -> list[dict]:
    """n income movements (some PPD/99, some with withholdings), 1–5 concepts, receptors SAT accepts."""
    factory = bench.CompanyFactory(seed=seed, postal_pool=2_000)
    rng = factory.rng
    fields = factory.fields
    receptors = []
    for row in factory.rows(500):
        values = dict(zip(fields, row, strict=True))
        receptors.append(
            {
                "rfc": values["rfc"],
                "name": values["legal_name"].upper()[:300],
                "tax_regime": values["tax_regime"],
                "postal_code": values["postal_code"],
                "cfdi_use": values["cfdi_use"],
            }
        )
    out = []
    for i in range(n):
        concepts = []
        for _ in range(1 + int(rng.random() ** 2 * 5)):
            key, unit_key, unit, description, low, high = rng.choice(PRODUCTS)
            taxes = [{"tax": "IVA", "kind": "traslado", "factor": "Tasa", "rate": "0.16"}]
            if rng.random() < 0.1:
                taxes.append({"tax": "ISR", "kind": "retencion", "factor": "Tasa", "rate": "0.10"})
            concepts.append(
                {
                    "product_key": key,
                    "quantity": str(1 + rng.randrange(12)),
                    "unit_key": unit_key,
                    "unit": unit,
                    "description": description,
                    "unit_value": f"{low + rng.random() * (high - low):.2f}",
                    "taxes": taxes,
                }
            )
        deferred = rng.random() < 0.25
        out.append(
            {
                "movement_id": f"{prefix}-{i:07d}",
                "document_type": "I",
                "currency": "MXN",
                "payment_method": "PPD" if deferred else "PUE",
                "payment_form": "99" if deferred else rng.choice(["01", "03", "04", "28"]),
                "receptor": rng.choice(receptors),
                "concepts": concepts,
            }
        )
    return out
