"""A consultant pauses a generator, sends movements, resumes it and sees them stamped, in Debian's Chromium.

The test settings run tasks at once (ImmediateBackend): the pipeline task that intake and resume
enqueue on commit runs inside the live server's request, as the worker would run it.
"""

import json

import pytest
from playwright.sync_api import expect

from cfdidesk.accounts import roles

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_pause_send_resume_and_see_them_stamped(
    page, live_server, login, browser_user, shoot, tmp_path
):
    from cfdidesk.customers.services import company_create
    from cfdidesk.invoicing import services
    from cfdidesk.invoicing.models import Document, State
    from tests.invoicing.conftest import csd, movement

    admin = browser_user(roles.ADMINISTRATOR, "ana")
    browser_user(roles.CONSULTANT, "carla")
    company, _w = company_create(
        actor=admin,
        data={
            "legal_name": "Escuela Kemper Urgate, S.A. de C.V.",
            "rfc": "EKU9003173C9",
            "tax_regime": "601",
            "cfdi_use": "G03",
            "email": "facturas@ekemper.mx",
            "postal_code": "42501",
        },
    )
    environment = services.environment_create(
        actor=admin,
        company=company,
        data={"name": "Producción", "emitter_name": "ESCUELA KEMPER URGATE"},
    )
    cer, key, password = csd("EKU9003173C9")
    environment = services.csd_load(
        actor=admin, environment=environment, certificate=cer, key=key, password=password
    )
    services.credits_load(actor=admin, rfc="EKU9003173C9", quantity=100)
    services.generator_resume(actor=admin, environment=environment)

    login(page, "carla")
    page.get_by_role("link", name="Facturación", exact=True).first.click()
    page.get_by_role("link", name="Producción").click()
    expect(page.locator("h1")).to_contain_text("Producción")

    page.fill("#id_reason", "Cambio de CSD del cliente")
    page.get_by_role("button", name="Pausar generador").click()
    expect(page.locator(".alert--success")).to_contain_text("Generador pausado")
    expect(page.locator("#generador")).to_contain_text("Cambio de CSD del cliente")

    movements = tmp_path / "movimientos.jsonl"
    movements.write_text("\n".join(json.dumps(movement(f"BR-{i}")) for i in range(1, 4)) + "\n")
    page.set_input_files("#id_file", str(movements))
    page.get_by_role("button", name="Enviar", exact=True).click()
    expect(page.locator(".alert--success")).to_contain_text("Recibidos 3 movimientos")
    table = page.get_by_test_id("document-table")
    expect(table).to_contain_text("En espera del generador")
    expect(table).not_to_contain_text("Timbrado")
    assert Document.objects.filter(state=State.WAITING_FOR_INPUT).count() == 3
    shoot("30-invoicing-paused.png")

    page.get_by_role("button", name="Encender generador").click()
    expect(page.locator(".alert--success")).to_contain_text("Generador encendido")
    expect(page.get_by_test_id("state-counts")).to_contain_text("Timbrado 3")
    for folio in ("A1.xml", "A2.xml", "A3.xml"):
        expect(table).to_contain_text(folio)

    page.fill("#dq", "A-2")  # htmx search by series-folio
    expect(table.locator("tbody tr")).to_have_count(1)
    expect(table).to_contain_text("BR-2")
    shoot("31-invoicing-stamped.png")
    assert Document.objects.filter(state=State.STAMPED, uuid__isnull=False).count() == 3
