"""A consultant works a ticket in Debian's Chromium: finds it, uses a canned reply, replies and resolves."""

import pytest
from playwright.sync_api import expect

from cfdidesk.accounts import roles

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_consultant_replies_on_a_ticket(page, live_server, login, browser_user, shoot):
    from cfdidesk.customers.services import company_create, contact_create
    from cfdidesk.desk.models import CannedReply, OutboundEmail, Status, Ticket
    from cfdidesk.desk.tickets.services.tickets import ticket_create
    from tests.conftest import valid_company

    consultant = browser_user(roles.CONSULTANT, "carla")
    company, _w = company_create(actor=consultant, data=valid_company())
    contact = contact_create(
        actor=consultant, company=company, data={"name": "Laura Méndez", "email": "laura@centro.mx"}
    )
    ticket = ticket_create(
        actor=consultant,
        contact=contact,
        subject="No timbra el movto 4411",
        references=[("movement", "4411")],
    )
    CannedReply.objects.create(
        title="Reproceso realizado", body="Hola {cliente}: reprocesamos tu ticket {ticket}."
    )

    login(page, "carla")
    page.get_by_role("link", name="Tickets", exact=True).first.click()
    page.fill("#tq", "4411")
    results = page.get_by_test_id("ticket-table")
    expect(results).to_contain_text("No timbra el movto 4411")
    page.get_by_role("link", name="No timbra el movto 4411").click()
    expect(page.get_by_test_id("ticket-number")).to_have_text(f"#{ticket.number}")

    page.select_option("select[name=canned]", label="Reproceso realizado")
    expect(page.locator("#id_body")).to_have_value(
        f"Hola Laura Méndez: reprocesamos tu ticket #{ticket.number}."
    )
    page.locator("#id_body").fill(page.locator("#id_body").input_value() + "\nYa quedó timbrado.")
    page.select_option("select[name=then]", value="resolved")
    page.get_by_role("button", name="Enviar respuesta").click()

    expect(page.locator(".alert--success")).to_contain_text("Respuesta enviada")
    timeline = page.get_by_test_id("timeline")
    expect(timeline).to_contain_text("Ya quedó timbrado.")
    expect(timeline).to_contain_text("Resuelto")
    expect(page.get_by_test_id("emails")).to_contain_text("Respuesta")
    shoot("10-ticket-replied.png")

    ticket.refresh_from_db()
    assert ticket.status == Status.RESOLVED and ticket.first_response_at is not None
    assert OutboundEmail.objects.filter(ticket=ticket, kind="reply").exists()
    assert Ticket.objects.count() == 1
