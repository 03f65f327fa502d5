"""People and access in Debian's Chromium: two-factor log-in (enrol, log out, log in with a TOTP
code computed here), user management (create a consultant, deactivate), and every main page on a
390 px phone without anything wider than the screen."""

import base64
import re
import time

import pytest
from django.core.management import call_command
from django.test import Client
from django_otp.oath import TOTP
from playwright.sync_api import expect

from cfdidesk.accounts import roles
from tests.browser.test_dashboard_browser import seed_like_the_migrations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "una-clave-segura-123"
DEMO_PASSWORD = "cfdi-demo-2026"


def totp_from_key(shown_key: str, *, steps_ahead: int = 0) -> str:
    """The code an authenticator app would show for the key on the page (steps_ahead × 30 s later)."""
    key = shown_key.replace(" ", "")
    key += "=" * (-len(key) % 8)
    totp = TOTP(base64.b32decode(key))
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def test_two_factor_enrolment_and_log_in(page, live_server, login, browser_user, shoot):
    browser_user(roles.ADMINISTRATOR, "ana.admin")
    base = live_server.url
    login(page, "ana.admin")

    page.locator("aside.sidebar").get_by_role("link", name="Seguridad").click()
    expect(page.get_by_test_id("two-factor-state")).to_contain_text("Desactivada")
    page.get_by_role("link", name="Activar la verificación en dos pasos").click()
    expect(page).to_have_url(f"{base}/cuenta/seguridad/activar/")
    expect(page.get_by_test_id("qr").locator("svg")).to_be_visible()
    key = page.get_by_test_id("otp-key").inner_text()
    shoot("01-enrol.png")

    page.fill("input[name=code]", "000000" if totp_from_key(key) != "000000" else "111111")
    page.get_by_role("button", name="Confirmar y activar").click()
    expect(page.locator(".field-error")).to_contain_text("El código no es correcto")

    page.fill("input[name=code]", totp_from_key(key))
    page.get_by_role("button", name="Confirmar y activar").click()
    codes = page.get_by_test_id("recovery-codes").locator("code")
    expect(codes).to_have_count(10)
    shoot("02-recovery-codes.png")
    page.get_by_role("button", name="Salir").click()
    expect(page).to_have_url(f"{base}/cuenta/entrar/")

    # Password first, then the code: the session is not signed in between the two.
    page.fill("input[name=username]", "ana.admin")
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Entrar").click()
    expect(page).to_have_url(f"{base}/cuenta/entrar/codigo/")
    expect(page.locator("h1")).to_have_text("Verificación en dos pasos")
    shoot("03-code-step.png")
    # The code of the next 30-second step: the enrolment already spent this one.
    page.fill("input[name=code]", totp_from_key(key, steps_ahead=1))
    page.get_by_role("button", name="Verificar").click()
    expect(page).to_have_url(f"{base}/")
    expect(page.locator("h1")).to_contain_text("Hola")
    page.goto(f"{base}/cuenta/seguridad/")
    expect(page.get_by_test_id("two-factor-state")).to_contain_text(
        "Te quedan 10 códigos de recuperación."
    )


def test_the_administrator_creates_and_deactivates_a_consultant(
    page, live_server, login, browser_user, shoot
):
    browser_user(roles.ADMINISTRATOR, "ana.admin")
    base = live_server.url
    login(page, "ana.admin")

    page.locator("aside.sidebar").get_by_role("link", name="Usuarios").click()
    expect(page).to_have_url(f"{base}/administracion/usuarios/")
    expect(page.get_by_test_id("user-table")).to_contain_text("ana.admin")
    page.get_by_role("link", name="+ Nuevo usuario").click()

    page.fill("#id_username", "raul")
    page.fill("#id_first_name", "Raúl")
    page.fill("#id_last_name", "Reyes")
    page.fill("#id_email", "raul@mesa.example")
    page.get_by_label("Consultor").check()
    page.fill("#id_password", "12345678")
    page.fill("#id_password_again", "12345678")
    page.get_by_role("button", name="Crear usuario").click()
    expect(page.locator("#field-password")).to_contain_text(
        "Esta contraseña es totalmente numérica."
    )
    page.fill("#id_password", "raul-clave-2026")
    page.fill("#id_password_again", "raul-clave-2026")
    page.get_by_role("button", name="Crear usuario").click()
    expect(page).to_have_url(re.compile(rf"{re.escape(base)}/administracion/usuarios/\d+/$"))
    expect(page.locator(".alert--success")).to_contain_text("Usuario «raul» creado.")
    expect(page.get_by_test_id("user-state")).to_have_text("Activo")
    shoot("04-user-created.png")

    page.goto(f"{base}/administracion/usuarios/?q=raul%40mesa")
    expect(page.get_by_test_id("user-table")).to_contain_text("Raúl Reyes")
    expect(page.get_by_test_id("user-table")).to_contain_text("Consultor")

    # Raúl can sign in, until the administrator deactivates him.
    assert (
        Client()
        .post("/cuenta/entrar/", {"username": "raul", "password": "raul-clave-2026"})
        .status_code
        == 302
    )
    page.get_by_role("link", name="Raúl Reyes").click()
    page.get_by_role("button", name="Desactivar").click()
    expect(page.get_by_test_id("user-state")).to_have_text("Desactivado")
    expect(page.locator(".alert--success")).to_contain_text("Desactivaste a Raúl Reyes")
    shoot("05-user-deactivated.png")
    page.get_by_role("button", name="Salir").click()
    page.fill("input[name=username]", "raul")
    page.fill("input[name=password]", "raul-clave-2026")
    page.get_by_role("button", name="Entrar").click()
    expect(page).to_have_url(f"{base}/cuenta/entrar/")
    expect(page.locator(".alert--error")).to_be_visible()


def _pages(ticket, article, environment, document, company, contact, job) -> dict:
    return {
        "admin": [
            "/",
            "/tickets/",
            "/tickets/nuevo/",
            f"/tickets/{ticket}/",
            "/tickets/correos/",
            "/tickets/guardias/",
            "/clientes/",
            "/clientes/nuevo/",
            f"/clientes/{company}/",
            f"/clientes/{company}/editar/",
            f"/clientes/contactos/{contact}/editar/",
            "/clientes/carga-masiva/",
            "/clientes/carga-masiva/procesos/",
            f"/clientes/carga-masiva/procesos/{job}/",
            "/conocimiento/",
            "/conocimiento/nuevo/",
            f"/conocimiento/{article}/",
            "/facturacion/",
            f"/facturacion/{environment}/",
            f"/facturacion/documentos/{document}/",
            "/cuenta/tokens/",
            "/cuenta/seguridad/",
            "/cuenta/seguridad/activar/",
            "/administracion/",
            "/administracion/desk/category/",
            "/administracion/usuarios/",
            "/administracion/usuarios/nuevo/",
            "/administracion/usuarios/verificacion/",
        ],
        "contacto": ["/portal/", "/portal/nuevo/", "/conocimiento/publico/"],
        "": ["/cuenta/entrar/", "/cuenta/enlace/", "/cuenta/clave/x/y/"],
    }


def test_no_page_is_wider_than_a_phone(browser_context, live_server, tmp_path, shoot):
    from cfdidesk.customers.models import Company, ImportJob
    from cfdidesk.desk.models import Ticket
    from cfdidesk.invoicing.models import Document, InvoicingEnvironment
    from cfdidesk.kb.models import Article

    seed_like_the_migrations()
    call_command("load-demo", stdout=(tmp_path / "demo.txt").open("w"))
    environment = InvoicingEnvironment.objects.get()
    company = environment.company
    pages = _pages(
        ticket=Ticket.objects.filter(company=company).latest("created_at").number,
        article=Article.objects.order_by("pk").first().slug,
        environment=environment.pk,
        document=Document.objects.filter(environment=environment).first().pk,
        company=company.pk,
        contact=company.contacts.first().pk,
        job=ImportJob.objects.first().pk,
    )
    assert Company.objects.filter(pk=company.pk, contacts__user__isnull=False).exists()
    base = live_server.url
    too_wide = []
    for username, paths in pages.items():
        browser_context.clear_cookies()
        page = browser_context.new_page()
        page.set_viewport_size({"width": 390, "height": 844})
        if username:
            page.goto(f"{base}/cuenta/entrar/")
            page.fill("input[name=username]", username)
            page.fill("input[name=password]", DEMO_PASSWORD)
            page.get_by_role("button", name="Entrar").click()
            page.wait_for_url(re.compile(r"/(portal/)?$"))
        for path in paths:
            response = page.goto(base + path)
            assert response.status < 500, (username, path, response.status)
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > 390:
                too_wide.append((username, path, width))
                shoot(f"too-wide-{username or 'anon'}-{len(too_wide)}.png", page)
        if username == "admin":
            # The navigation collapses into the menu button, and opens on a tap.
            page.goto(f"{base}/clientes/{company.pk}/")
            expect(page.locator("aside.sidebar")).to_be_hidden()
            page.locator("details.menu summary").click()
            expect(page.locator(".menu__nav").get_by_role("link", name="Usuarios")).to_be_visible()
            assert page.evaluate("document.documentElement.scrollWidth") <= 390
            shoot("phone-customer-360.png", page)
        page.close()
    assert too_wide == []
