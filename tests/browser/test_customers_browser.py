"""Customers, end to end in a real browser: login, the form with its htmx SAT selects,
search as you type, the bulk load with confirmation, the phone layout and permissions."""

import re
import zipfile

import pytest
from playwright.sync_api import expect

from cfdidesk.accounts import roles
from cfdidesk.customers.models import Company, ImportJob
from cfdidesk.customers.services import company_create
from tests.conftest import csv_bytes, csv_row, moral_rfc, valid_company

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FISICA_RFC = "GODE561231GR8"
NEW_NAME = "Eduardo Gómez Díaz"


def mark_stale(page, selector: str) -> None:
    """Tag the element now in the DOM, so we can wait until htmx has swapped in a new one."""
    page.eval_on_selector(selector, "el => el.setAttribute('data-stale', '1')")


def wait_swapped(page, selector: str) -> None:
    page.wait_for_selector(f"{selector}:not([data-stale])", state="attached")


def page_widths(page) -> tuple[int, int]:
    return tuple(page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]"))


def option_values(page, selector: str) -> list[str]:
    return page.eval_on_selector_all(f"{selector} option", "els => els.map(e => e.value)")


def test_administrator_adds_searches_and_bulk_loads_customers(
    page, live_server, login, browser_user, shoot, tmp_path
):
    admin = browser_user(roles.ADMINISTRATOR, "ana.admin")
    other, _warnings = company_create(
        actor=admin, data=valid_company(legal_name="Otra Empresa Previa, S.A. de C.V.")
    )
    base = live_server.url

    # --- login through the real form
    login(page, "ana.admin", before_submit=lambda: shoot("01-login.png"))

    # --- Clientes → + Agregar cliente
    page.locator("aside.sidebar").get_by_role("link", name="Clientes").click()
    expect(page).to_have_url(f"{base}/clientes/")
    expect(page.get_by_test_id("company-table")).to_contain_text(other.legal_name)
    page.get_by_role("link", name="+ Agregar cliente").click()
    expect(page).to_have_url(f"{base}/clientes/nuevo/")
    expect(page.locator("h1")).to_have_text("Agregar cliente")

    # --- wrong data first: Spanish field errors
    page.fill("#id_rfc", "ABC")
    page.fill("#id_email", "malo")
    page.get_by_role("button", name="Guardar").click()
    expect(page.locator(".form-errors")).to_be_visible()
    expect(page.locator(".form-errors")).to_contain_text("Revisa los campos marcados en rojo")
    rfc_error = page.locator("#field-rfc .field-error")
    expect(rfc_error.first).to_be_visible()
    expect(rfc_error.first).to_contain_text(re.compile("caracteres|RFC"))
    email_error = page.locator("#field-email .field-error")
    expect(email_error).to_be_visible()
    expect(email_error).to_contain_text("«malo» no es un correo electrónico válido.")
    for field in ("legal_name", "postal_code", "tax_regime", "cfdi_use"):
        expect(page.locator(f"#field-{field} .field-error").first).to_be_visible()
    expect(page.locator("#field-rfc")).to_have_class(re.compile("has-error"))
    shoot("02-form-errors.png")

    # --- a persona-física RFC: htmx narrows the regimes
    assert "601" in option_values(page, "#id_tax_regime")  # no person type yet: every regime
    mark_stale(page, "#id_tax_regime")
    page.fill("#id_rfc", "")
    page.locator("#id_rfc").press_sequentially(FISICA_RFC, delay=20)
    wait_swapped(page, "#id_tax_regime")
    regimes = option_values(page, "#id_tax_regime")
    assert "612" in regimes and "601" not in regimes, regimes
    expect(page.locator("#field-tax_regime .person-type")).to_contain_text("Persona física")

    mark_stale(page, "#id_cfdi_use")
    page.select_option("#id_tax_regime", "612")
    wait_swapped(page, "#id_cfdi_use")
    expect(page.locator("#id_tax_regime")).to_have_value("612")
    uses = option_values(page, "#id_cfdi_use")
    assert "G03" in uses, uses
    page.select_option("#id_cfdi_use", "G03")

    page.fill("#id_email", "eduardo@gomez.mx")
    page.fill("#id_postal_code", "06600")
    page.fill("#id_legal_name", NEW_NAME)
    page.get_by_role("button", name="Guardar").click()

    # --- the company page, with the success message
    expect(page).to_have_url(re.compile(rf"{re.escape(base)}/clientes/\d+/$"))
    expect(page.locator("h1")).to_have_text(NEW_NAME)
    expect(page.locator(".alert--success")).to_contain_text(f"Cliente «{NEW_NAME}» agregado.")
    expect(page.locator(".facts")).to_contain_text("612")
    expect(page.locator(".facts")).to_contain_text("G03")
    company = Company.objects.get(rfc=FISICA_RFC)
    assert (company.tax_regime, company.cfdi_use, company.postal_code) == ("612", "G03", "06600")
    shoot("03-company.png")

    # --- search as you type
    page.locator("aside.sidebar").get_by_role("link", name="Clientes").click()
    table = page.get_by_test_id("company-table")
    expect(table).to_contain_text(other.legal_name)
    with page.expect_response(
        lambda r: "q=GODE5612" in r.url and r.request.headers.get("hx-request") == "true"
    ):
        page.locator("#q").press_sequentially("GODE5612", delay=30)
    expect(page).to_have_url(re.compile(r"q=GODE5612"))  # hx-push-url
    expect(table.get_by_role("link", name=NEW_NAME, exact=True)).to_be_visible()
    expect(table).not_to_contain_text(other.legal_name)
    expect(table.locator("tbody tr")).to_have_count(1)
    shoot("04-search.png")

    # --- bulk load
    page.get_by_role("link", name="Carga masiva de clientes").click()
    expect(page).to_have_url(f"{base}/clientes/carga-masiva/")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Ejemplo de carga masiva").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".zip"), download.suggested_filename
    assert zipfile.is_zipfile(download.path())

    upload = tmp_path / "clientes.csv"
    upload.write_bytes(
        csv_bytes(
            [
                csv_row(legal_name="Primera Carga, S.A. de C.V.", rfc=moral_rfc(1)),  # row 2
                csv_row(legal_name="Segunda Carga, S.A. de C.V.", rfc=moral_rfc(2)),  # row 3
                csv_row(
                    legal_name="Tercera Carga, S.A. de C.V.", rfc=moral_rfc(3), postal_code="00001"
                ),  # row 4
            ]
        )
    )
    page.set_input_files("#id_file", str(upload))
    page.get_by_role("button", name="Procesar archivo").click()
    expect(page).to_have_url(re.compile(rf"{re.escape(base)}/clientes/carga-masiva/procesos/\d+/$"))
    expect(page.locator("h1")).to_contain_text("clientes.csv")
    state = page.locator("#job-status [data-state]")
    expect(state).to_have_text("Espera confirmación")
    issues = page.get_by_test_id("job-issues")
    error_row = issues.locator("tbody tr").filter(
        has=page.locator("td.num", has_text=re.compile(r"^4$"))
    )
    expect(error_row).to_have_count(1)
    expect(error_row).to_contain_text("Código postal")
    expect(error_row).to_contain_text("00001")
    assert Company.objects.filter(rfc__in=[moral_rfc(1), moral_rfc(2)]).count() == 0

    page.get_by_role("button", name="Cargar las 2 filas válidas").click()
    expect(state).to_have_text("Terminado")
    expect(page.get_by_test_id("created-count")).to_have_text("2")
    job = ImportJob.objects.get()
    assert job.state == ImportJob.State.DONE and job.created_count == 2
    assert Company.objects.filter(rfc__in=[moral_rfc(1), moral_rfc(2)]).count() == 2
    assert not Company.objects.filter(rfc=moral_rfc(3)).exists()
    shoot("05-import-status.png")

    page.get_by_role("link", name="Ver estado de los procesos").click()
    expect(page).to_have_url(f"{base}/clientes/carga-masiva/procesos/")
    jobs = page.get_by_test_id("import-jobs")
    job_row = jobs.locator("tbody tr").filter(has_text="clientes.csv")
    expect(job_row).to_have_count(1)
    expect(job_row).to_contain_text("Terminado")
    expect(job_row.get_by_role("link", name=str(job.pk), exact=True)).to_be_visible()
    shoot("06-jobs.png")


def test_customer_list_fits_a_phone_and_the_menu_opens(
    page, live_server, login, browser_user, shoot
):
    admin = browser_user(roles.ADMINISTRATOR, "movil.admin")
    for n, name in enumerate(
        [
            "Comercializadora del Centro, S.A. de C.V.",
            "Distribuidora Internacional de Refacciones del Norte, S.A.P.I. de C.V.",
        ]
    ):
        company_create(
            actor=admin,
            data=valid_company(
                legal_name=name,
                rfc=moral_rfc(10 + n),
                email=f"facturacion.cuentas.por.pagar{n}@dominio-largo.com.mx",
            ),
        )
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, "movil.admin")
    page.goto(f"{live_server.url}/clientes/")
    expect(page.get_by_test_id("company-table")).to_contain_text("Distribuidora Internacional")

    expect(page.locator("aside.sidebar")).to_be_hidden()
    closed_width, inner_width = page_widths(page)

    menu_nav = page.locator("details.menu .menu__nav")
    expect(menu_nav).to_be_hidden()
    page.locator("details.menu summary").click()
    expect(page.locator("details.menu")).to_have_attribute("open", "")
    expect(menu_nav).to_be_visible()
    for label in ("Inicio", "Clientes", "Carga masiva", "Procesos"):
        expect(menu_nav.get_by_role("link", name=label, exact=True)).to_be_visible()
    expect(menu_nav.get_by_role("link", name="Clientes", exact=True)).to_have_attribute(
        "aria-current", "page"
    )
    open_width, _inner = page_widths(page)
    page.evaluate("window.scrollTo(0, 0)")
    shoot("07-mobile.png")
    menu_nav.get_by_role("link", name="Carga masiva", exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/clientes/carga-masiva/")

    assert max(closed_width, open_width) <= inner_width + 1, (closed_width, open_width, inner_width)
    page.goto(f"{live_server.url}/clientes/carga-masiva/procesos/")
    jobs_width, inner_width = page_widths(page)
    assert jobs_width <= inner_width + 1, (jobs_width, inner_width)


def test_consultant_cannot_reach_the_bulk_load(page, live_server, login, browser_user):
    browser_user(roles.CONSULTANT, "carla.consultora")
    login(page, "carla.consultora")
    page.goto(f"{live_server.url}/clientes/")
    expect(
        page.locator("aside.sidebar").get_by_role("link", name="Clientes", exact=True)
    ).to_be_visible()
    expect(page.locator("nav a", has_text="Carga masiva")).to_have_count(0)
    expect(page.locator("nav a", has_text="Procesos")).to_have_count(0)
    expect(page.get_by_role("link", name="Carga masiva de clientes")).to_have_count(0)

    response = page.goto(f"{live_server.url}/clientes/carga-masiva/")
    assert response.status == 403
    expect(page.locator("h1")).to_contain_text("No tienes permiso")
    assert not ImportJob.objects.exists()
