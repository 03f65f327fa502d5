"""A supervisor plans the on-call roster and a consultant escalates a ticket, in Debian's Chromium."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from cfdidesk.accounts import roles

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
MX = ZoneInfo("America/Mexico_City")


def test_supervisor_fills_a_gap_and_a_consultant_escalates(
    page, live_server, login, browser_user, shoot
):
    from cfdidesk.customers.services import company_create
    from cfdidesk.desk.models import EscalationStep, OnCallShift, Team, Ticket
    from cfdidesk.desk.tickets.services.tickets import ticket_create
    from tests.conftest import valid_company

    supervisor = browser_user(roles.SUPERVISOR, "ana")
    supervisor.first_name, supervisor.last_name, supervisor.email = (
        "Ana",
        "López",
        "ana@mesa.example",
    )
    supervisor.save()
    consultant = browser_user(roles.CONSULTANT, "carla")
    team = Team.objects.create(name="Timbrado")
    EscalationStep.objects.create(team=team, level=1, title="Supervisora", user=supervisor)
    company, _w = company_create(actor=consultant, data=valid_company())
    ticket = ticket_create(
        actor=consultant, company=company, subject="El PAC rechaza el sello", team=team
    )

    login(page, "ana")
    page.get_by_role("link", name="Guardias", exact=True).click()
    roster = page.get_by_test_id(f"roster-{team.pk}")
    expect(roster).to_contain_text("Sin guardia:")
    # The coming Saturday 14:00 to Monday 09:00 (Mexico City), whatever today is.
    today = dt.datetime.now(MX).date()
    saturday = today + dt.timedelta(days=(5 - today.weekday()) % 7 or 7)
    monday = saturday + dt.timedelta(days=2)
    form = page.locator("#add-shift")
    form.get_by_label("Equipo").select_option(label="Timbrado")
    form.get_by_label("Consultor de guardia").select_option(label="carla")
    form.get_by_label("Desde").fill(f"{saturday.isoformat()}T14:00")
    form.get_by_label("Hasta").fill(f"{monday.isoformat()}T09:00")
    form.get_by_role("button", name="Agregar guardia").click()
    expect(page.locator(".alert--success")).to_contain_text("Guardia agregada.")
    expect(page.get_by_test_id(f"roster-{team.pk}").locator("table")).to_contain_text("carla")
    assert OnCallShift.objects.get().user == consultant
    shoot("oncall-roster.png")

    page.context.clear_cookies()
    login(page, "carla")
    page.goto(f"{live_server.url}/tickets/{ticket.number}/")
    box = page.get_by_test_id("escalation")
    expect(box).to_contain_text("Siguiente nivel: 1 · Supervisora")
    box.get_by_label("Motivo").fill("No encuentro la causa del rechazo")
    box.get_by_role("button", name="Escalar al siguiente nivel").click()
    expect(page.locator(".alert--success")).to_contain_text("avisamos a Ana López")
    expect(page.get_by_test_id("timeline")).to_contain_text(
        "Escaló al nivel 1 (Supervisora): Ana López."
    )
    expect(page.get_by_test_id("escalation")).to_contain_text("último nivel")
    assert Ticket.objects.get(pk=ticket.pk).escalation_level == 1
    shoot("ticket-escalated.png")
