"""In Debian's Chromium: a consultant saves a view of the ticket list and opens it again, merges a
duplicate into the ticket that carries on, and a long unbroken subject never widens the list
(at 1280 and 390 px)."""

import re

import pytest
from playwright.sync_api import expect

from cfdidesk.accounts import roles

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _tickets(consultant, n=3, **extra):
    from cfdidesk.customers.services import company_create, contact_create
    from cfdidesk.desk.tickets.services.tickets import ticket_create
    from tests.conftest import valid_company

    company, _w = company_create(actor=consultant, data=valid_company())
    contact = contact_create(
        actor=consultant, company=company, data={"name": "Laura Méndez", "email": "laura@centro.mx"}
    )
    return [
        ticket_create(actor=consultant, contact=contact, subject=f"Ticket {i}", **extra)
        for i in range(n)
    ]


def _settled(page):
    """htmx finished swapping the results in."""
    # A locator, not wait_for_function: the page's CSP forbids evaluating strings.
    page.locator(".htmx-request").first.wait_for(state="detached")


def test_a_saved_view_is_created_listed_and_opened(page, live_server, login, browser_user, shoot):
    from cfdidesk.desk.models import Priority, SavedView
    from cfdidesk.desk.tickets.services.tickets import ticket_create

    consultant = browser_user(roles.CONSULTANT, "carla")
    normal = _tickets(consultant, 2)
    critical = ticket_create(
        actor=consultant,
        contact=normal[0].contact,
        subject="Timbrado detenido",
        affects_operation=True,
    )
    assert critical.priority == Priority.CRITICAL
    login(page, "carla")
    page.goto(f"{live_server.url}/tickets/")
    table = page.get_by_test_id("ticket-table")
    expect(table).to_contain_text("Ticket 1")
    page.select_option("select[name=priority]", value=str(Priority.CRITICAL))
    _settled(page)
    expect(table).not_to_contain_text("Ticket 1")
    expect(table).to_contain_text("Timbrado detenido")
    page.get_by_test_id("columns").locator("summary").click()
    page.get_by_label("Cliente", exact=True).uncheck()
    page.get_by_label("Última actualización").check()
    _settled(page)
    expect(table.locator("th", has_text="Última actualización")).to_be_visible()
    expect(table.locator("th", has_text="Cliente")).to_have_count(0)

    page.get_by_test_id("save-view").locator("summary").click()
    page.get_by_label("Nombre de la vista").first.fill("Críticos de hoy")
    page.get_by_label("Compartir con el equipo").first.check()
    page.get_by_role("button", name="Guardar", exact=True).click()
    expect(page.locator(".alert--success")).to_contain_text("Vista «Críticos de hoy» guardada.")
    tab = page.get_by_test_id("saved-view-tab")
    expect(tab).to_have_text(re.compile("Críticos de hoy"))
    expect(tab).to_have_attribute("aria-current", "page")
    view = SavedView.objects.get()
    assert view.filters["priority"] == str(Priority.CRITICAL) and view.shared
    assert "actualizado" in view.columns and "cliente" not in view.columns
    shoot("20-saved-view.png")

    page.get_by_role("link", name="Todos", exact=True).click()
    expect(table).to_contain_text("Ticket 1")
    expect(table.locator("th", has_text="Cliente")).to_be_visible()
    page.get_by_test_id("saved-view-tab").click()
    expect(page.locator("select[name=priority]")).to_have_value(str(Priority.CRITICAL))
    expect(table).not_to_contain_text("Ticket 1")
    expect(table).to_contain_text("Timbrado detenido")
    expect(table.locator("th", has_text="Última actualización")).to_be_visible()
    expect(page.get_by_test_id("edit-view")).to_be_visible()


def test_a_duplicate_is_merged_into_the_ticket_that_carries_on(
    page, live_server, login, browser_user, shoot
):
    from cfdidesk.desk.models import Status, Ticket
    from cfdidesk.desk.tickets.services.conversation import ticket_customer_reply

    consultant = browser_user(roles.CONSULTANT, "carla")
    survivor, duplicate = _tickets(consultant, 2)
    ticket_customer_reply(ticket=duplicate, body="Lo reporto también por correo.", contact=None)
    login(page, "carla")
    page.goto(f"{live_server.url}/tickets/{duplicate.number}/")
    merge = page.get_by_test_id("merge")
    merge.get_by_label("Fusionar con el ticket").fill(survivor.number)
    merge.get_by_label("Motivo").fill("El cliente reportó lo mismo dos veces.")
    merge.get_by_role("button", name="Fusionar y cerrar este ticket").click()

    expect(page).to_have_url(f"{live_server.url}/tickets/{survivor.number}/")
    expect(page.locator(".alert--success")).to_contain_text(
        f"El ticket #{duplicate.number} se fusionó con #{survivor.number}"
    )
    timeline = page.get_by_test_id("timeline")
    expect(timeline).to_contain_text("Lo reporto también por correo.")
    expect(timeline).to_contain_text(f"Se fusionó aquí el ticket #{duplicate.number}")
    expect(page.get_by_test_id("related")).to_contain_text(f"#{duplicate.number}")
    shoot("21-merged-survivor.png")

    page.get_by_test_id("related").get_by_role("link", name=f"#{duplicate.number}").click()
    expect(page.get_by_test_id("merged-banner")).to_contain_text(f"#{survivor.number}")
    expect(page.get_by_role("button", name="Reabrir")).to_have_count(0)
    old = Ticket.objects.get(pk=duplicate.pk)
    assert old.status == Status.CLOSED and old.merged_into_id == survivor.pk


@pytest.mark.parametrize("width", [1280, 390])
def test_a_long_unbroken_subject_never_widens_the_list(
    page, live_server, login, browser_user, shoot, width
):
    from cfdidesk.desk.tickets.services.tickets import ticket_create

    consultant = browser_user(roles.CONSULTANT, "carla")
    (ticket,) = _tickets(consultant, 1)
    ticket_create(actor=consultant, contact=ticket.contact, subject="FACTURA" * 28)
    page.set_viewport_size({"width": width, "height": 900})
    login(page, "carla")
    for path in ("/tickets/", f"/tickets/{ticket.number.replace(ticket.number, ticket.number)}/"):
        page.goto(f"{live_server.url}{path}")
        expect(page.locator("h1").first).to_be_visible()
        scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert scroll <= inner, (path, scroll, inner)
    page.goto(f"{live_server.url}/tickets/")
    wrap = page.evaluate(
        "(() => { const w = document.querySelector('.table-wrap'); return [w.scrollWidth, w.clientWidth]; })()"
    )
    assert wrap[0] <= wrap[1], wrap  # the default columns fit: nothing to scroll sideways
    shoot(f"22-long-subject-{width}.png")
