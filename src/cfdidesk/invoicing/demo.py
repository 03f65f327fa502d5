"""Demo invoicing data for `cfdidesk load-demo`: one environment with SAT's test CSD and documents in every state.

    from cfdidesk.invoicing.demo import load_demo
    load_demo()                      # creates (or reuses) the company of SAT's test emitter EKU9003173C9
    load_demo(company, actor=admin)  # or hang the environment on a company of yours

The environment's emitter is always EKU9003173C9 (the RFC of the test CSD shipped in
fixtures/). Everything goes through the services and the real pipeline with the sandbox PAC;
at the end the generator is paused and the RFC has no credits left, so `make run` shows
documents waiting and "sin timbres" until someone loads credits and resumes it. Runs once:
a second call returns the existing environment.
"""

from __future__ import annotations

from pathlib import Path

from django.utils.translation import gettext as _

from cfdidesk.customers.models import Company

from . import services
from .models import Document, InvoicingEnvironment
from .services.pipeline import pipeline_run

FIXTURES = Path(__file__).resolve().parent / "fixtures"
EMITTER = {
    "emitter_rfc": "EKU9003173C9",
    "emitter_name": "ESCUELA KEMPER URGATE",
    "tax_regime": "601",
    "postal_code": "42501",
}
DEMO_NAME = "Demostración (CSD de pruebas del SAT)"
RECEPTORS = [
    {
        "rfc": "XIQB891116QE4",
        "name": "BERENICE XIMO QUEZADA",
        "tax_regime": "612",
        "postal_code": "42501",
        "cfdi_use": "G03",
    },
    {
        "rfc": "JES900109Q90",
        "name": "JIMENEZ ESTRADA SALAS A A",
        "tax_regime": "601",
        "postal_code": "36257",
        "cfdi_use": "G01",
    },
    {
        "rfc": "CACX7605101P8",
        "name": "XOCHILT CASAS CHAVEZ",
        "tax_regime": "626",
        "postal_code": "36257",
        "cfdi_use": "G03",
    },
]
IVA = [{"tax": "IVA", "kind": "traslado", "factor": "Tasa", "rate": "0.16"}]
# A payroll whose overtime perception (019) needs the HorasExtra node, not mapped yet: a mapping error.
PAYROLL_WITH_OVERTIME = {
    "movement_id": "DEMO-0008",
    "document_type": "N",
    "receptor": {**RECEPTORS[0], "tax_regime": "605", "cfdi_use": "CN01"},
    "payroll": {
        "payment_date": "2026-01-15",
        "period_start": "2026-01-01",
        "period_end": "2026-01-15",
        "days_paid": "15",
        "employer": {"registration": "B5510768108"},
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
        },
        "perceptions": [
            {"type": "001", "code": "P001", "concept": "Sueldo", "taxed": "7500.00"},
            {"type": "019", "code": "P019", "concept": "Horas extra", "taxed": "600.00"},
        ],
        "deductions": [{"type": "002", "code": "D002", "concept": "ISR", "amount": "850.00"}],
    },
}


def _movement(
    n: int, *, receptor: int = 0, receptor_changes: dict | None = None, **changes
) -> dict:
    data = {
        "movement_id": f"DEMO-{n:04d}",
        "document_type": "I",
        "payment_method": "PUE",
        "payment_form": "03",
        "receptor": {**RECEPTORS[receptor], **(receptor_changes or {})},
        "concepts": [
            {
                "product_key": "84111506",
                "quantity": "1",
                "unit_key": "E48",
                "unit": "Servicio",
                "description": "Servicio de facturación electrónica",
                "unit_value": f"{1000 + 150 * n}.00",
                "taxes": IVA,
            },
            {
                "product_key": "81112101",
                "quantity": str(1 + n % 3),
                "unit_key": "E48",
                "description": "Soporte técnico (hora)",
                "unit_value": "450.00",
                "taxes": IVA,
            },
        ],
    }
    data.update(changes)
    return data


def _emitter_company(actor) -> Company:
    company = Company.objects.filter(rfc=EMITTER["emitter_rfc"]).first()
    if company:
        return company
    from cfdidesk.customers.services import company_create

    company, _warnings = company_create(
        actor=actor,
        data={
            "legal_name": "Escuela Kemper Urgate, S.A. de C.V.",
            "trade_name": "Escuela Kemper",
            "rfc": EMITTER["emitter_rfc"],
            "tax_regime": "601",
            "cfdi_use": "G03",
            "email": "facturacion@kemper.demo",
            "postal_code": "42501",
        },
    )
    return company


def load_demo(company: Company | None = None, *, actor=None) -> InvoicingEnvironment:
    company = company or _emitter_company(actor)
    existing = InvoicingEnvironment.objects.filter(company=company, name=DEMO_NAME).first()
    if existing:
        return existing
    env = services.environment_create(
        actor=actor, company=company, data={"name": DEMO_NAME, **EMITTER}
    )
    env = services.csd_load(
        actor=actor,
        environment=env,
        certificate=(FIXTURES / "eku9003173c9_csd.cer").read_bytes(),
        key=(FIXTURES / "eku9003173c9_csd.key").read_bytes(),
        password=(FIXTURES / "eku9003173c9_csd.txt").read_text().strip(),
    )
    services.credits_load(
        actor=actor, rfc=env.emitter_rfc, quantity=8, note=_("Timbres de demostración")
    )
    env, _changed = services.generator_resume(
        actor=actor, environment=env, reason=_("Demostración")
    )

    def send(*movements):
        services.movements_receive(
            environment=env, payloads=list(movements), actor=actor, source="demo"
        )

    # Stamped, and one of each failure.
    send(*(_movement(n, receptor=n % 3) for n in range(1, 7)))
    send(
        _movement(
            7,
            concepts=[
                {
                    "product_key": "72121103",
                    "quantity": "1",
                    "unit_key": "E48",
                    "description": "Construcción de nave industrial",
                    "unit_value": "150000000.00",
                    "taxes": IVA,
                }
            ],
        ),
        PAYROLL_WITH_OVERTIME,
        _movement(9, currency="USD"),
        _movement(10, receptor_changes={"tax_regime": "605", "cfdi_use": "G01"}),
        _movement(11, payment_form="99"),
    )
    pipeline_run(environment_id=env.pk)
    paid = Document.objects.filter(environment=env, state="stamped").order_by("id").first()
    send(
        {
            "movement_id": "DEMO-0012",
            "document_type": "P",
            "receptor": {**RECEPTORS[1], "cfdi_use": "CP01"},
            "payment": {
                "date": "2026-01-15",
                "form": "03",
                "documents": [
                    {
                        "uuid": paid.uuid,
                        "series": paid.series,
                        "folio": str(paid.folio),
                        "installment": 1,
                        "previous_balance": str(paid.total),
                        "amount_paid": str(paid.total),
                        "tax_object": "02",
                        "taxes": IVA,
                    }
                ],
            },
        }
    )
    # The last credit goes; the next two wait "sin timbres".
    send(*(_movement(n, receptor=n % 3) for n in range(13, 16)))
    pipeline_run(environment_id=env.pk)

    # Paused (seed 000: "paramos el generador"): two wait, one is held before and one after validation,
    # one is cancelled.
    env, _changed = services.generator_pause(
        actor=actor, environment=env, reason=_("Demostración: cambio de uso del CFDI")
    )
    send(*(_movement(n, receptor=n % 3) for n in range(16, 21)))
    by_id = {
        d.movement_id: d
        for d in Document.objects.filter(
            environment=env, movement_id__in=["DEMO-0019", "DEMO-0020"]
        )
    }
    services.document_hold(
        actor=actor, document=by_id["DEMO-0020"], reason=_("Revisar el movimiento con el cliente")
    )
    pipeline_run(environment_id=env.pk)
    documents = {
        d.movement_id: d
        for d in Document.objects.filter(
            environment=env, movement_id__in=["DEMO-0018", "DEMO-0019"]
        )
    }
    services.document_hold(
        actor=actor, document=documents["DEMO-0019"], reason=_("Confirmar el uso del CFDI")
    )
    services.document_cancel(
        actor=actor, document=documents["DEMO-0018"], reason=_("Movimiento duplicado en el ERP")
    )
    env.refresh_from_db()
    return env
