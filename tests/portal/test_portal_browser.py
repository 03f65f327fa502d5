"""The portal in a real browser: a contact signs in, reports a problem with the checklist ticked,
sees the ticket number, reads support's answer (never the internal note) and replies."""

import re

import pytest
from playwright.sync_api import expect

from cfdidesk.desk.models import Status, Ticket, TicketEvent
from cfdidesk.desk.tickets.services.conversation import ticket_note, ticket_reply
from cfdidesk.desk.tickets.services.transitions import ticket_transition

from .conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def page_widths(page) -> tuple[int, int]:
    return tuple(page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]"))


def test_contact_reports_a_problem_follows_it_and_replies(
    page, live_server, contact, actor, shoot, tmp_path
):
    base = live_server.url
    evidence = tmp_path / "error-timbrado.xml"
    evidence.write_bytes(
        b"<?xml version='1.0' encoding='UTF-8'?><cfdi:Comprobante Serie='A' Folio='123'/>"
    )

    # --- sign in with the password: contacts land on their portal
    page.goto(f"{base}/cuenta/entrar/")
    expect(page.get_by_role("link", name="Recibir un enlace de acceso por correo")).to_be_visible()
    page.fill("input[name=username]", contact.user.username)
    page.fill("input[name=password]", PASSWORD)
    shoot("01-login.png")
    page.get_by_role("button", name="Entrar").click()
    expect(page).to_have_url(f"{base}/portal/")
    expect(page.locator("h1")).to_have_text("Mis tickets")
    expect(page.get_by_test_id("portal-tickets")).to_contain_text(
        "Todavía no has reportado ningún problema."
    )
    expect(page.get_by_role("link", name="Ver artículos de ayuda")).to_have_attribute(
        "href", "/conocimiento/publico/"
    )
    sidebar = page.locator("aside.sidebar")
    expect(sidebar.get_by_role("link", name="Mis tickets")).to_have_class(re.compile("is-active"))
    expect(sidebar.get_by_role("link", name="Tickets", exact=True)).to_have_count(0)
    shoot("02-portal-empty.png")

    # --- report a problem: the form with the intake checklist
    sidebar.get_by_role("link", name="Reportar un problema").click()
    expect(page).to_have_url(f"{base}/portal/nuevo/")
    page.get_by_role(
        "button", name="Enviar reporte"
    ).click()  # empty first: Spanish errors, nothing saved
    expect(page.locator(".form-errors")).to_contain_text("Revisa los campos marcados en rojo")
    expect(page.locator("#field-subject .field-error")).to_contain_text("Escribe el asunto")
    assert not Ticket.objects.exists()
    shoot("03-form-errors.png")

    page.goto(f"{base}/portal/nuevo/")
    page.fill("#id_subject", "No timbra la factura A-123")
    page.fill("#id_description", "Desde las 9:00 el generador marca error al timbrar la serie A.")
    page.get_by_label("Incidente").check()
    checklist = page.get_by_test_id("intake-checklist")
    checklist.get_by_label(
        re.compile("Verifiqué que el problema está en el sistema de facturación")
    ).check()
    checklist.get_by_label(re.compile("Intenté reproducir el problema")).check()
    page.fill("#id_exact_messages", "CFDI40147 - El UUID ya fue timbrado")
    page.fill("#id_steps_before", "Cambié la serie A y reinicié el servicio.")
    page.fill("#id_references", "4411, A-123")
    page.set_input_files("#id_attachments", str(evidence))
    shoot("04-form-filled.png")
    page.get_by_role("button", name="Enviar reporte").click()

    ticket = Ticket.objects.get()
    expect(page).to_have_url(f"{base}/portal/tickets/{ticket.number}/")
    banner = page.get_by_test_id("new-ticket-number")
    expect(banner).to_contain_text(f"Tu número de ticket es #{ticket.number}")
    expect(page.get_by_test_id("timeline")).to_contain_text("error-timbrado.xml")
    assert ticket.verified_product and ticket.reproduced and ticket.channel == "portal"
    shoot("05-ticket-opened.png")

    # --- support answers in public and writes an internal note; then resolves it
    ticket_note(actor=actor, ticket=ticket, body="NOTA-INTERNA: revisar adeudo antes de contestar")
    ticket_reply(
        actor=actor,
        ticket=ticket,
        body="Reprocesamos el movimiento 4411. ¿Puede confirmar que ya timbró?",
    )
    ticket_transition(actor=actor, ticket=ticket, to=Status.RESOLVED)
    page.reload()
    timeline = page.get_by_test_id("timeline")
    expect(timeline).to_contain_text("Reprocesamos el movimiento 4411")
    expect(timeline).to_contain_text("El estado pasó de «Abierto» a «Resuelto»")
    expect(page.locator("body")).not_to_contain_text("NOTA-INTERNA")
    expect(page.get_by_test_id("new-ticket-number")).to_have_count(0)
    expect(page.locator("#responder")).to_contain_text("al responder, el ticket se reabre")

    # --- the customer replies: the ticket reopens
    page.fill("#id_body", "Sigue fallando con el folio A-124, adjunto el nuevo error.")
    page.get_by_role("button", name="Enviar respuesta").click()
    expect(page.locator(".messages")).to_contain_text("el ticket se reabrió")
    expect(page.get_by_test_id("timeline")).to_contain_text("Sigue fallando con el folio A-124")
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN
    assert (
        ticket.events.filter(kind=TicketEvent.Kind.CUSTOMER_REPLY, actor=contact.user).count() == 1
    )
    shoot("06-replied.png")

    # --- back to the list
    page.locator("aside.sidebar").get_by_role("link", name="Mis tickets").click()
    expect(page.get_by_test_id("portal-tickets")).to_contain_text(ticket.number)
    expect(page.get_by_test_id("portal-tickets")).to_contain_text("Abierto")
    shoot("07-portal-list.png")

    # --- phone width: nothing overflows
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{base}/portal/tickets/{ticket.number}/")
    scroll, inner = page_widths(page)
    assert scroll <= inner, (scroll, inner)
    shoot("08-phone-ticket.png")
    page.goto(f"{base}/portal/nuevo/")
    scroll, inner = page_widths(page)
    assert scroll <= inner, (scroll, inner)
    shoot("09-phone-form.png")


def test_login_link_pages(page, live_server, contact, shoot):
    from django.core import mail

    base = live_server.url
    page.goto(f"{base}/cuenta/entrar/")
    page.get_by_role("link", name="Recibir un enlace de acceso por correo").click()
    expect(page).to_have_url(f"{base}/cuenta/enlace/")
    shoot("10-link-request.png")
    page.fill("input[name=email]", contact.user.email)
    page.get_by_role("button", name="Enviarme el enlace").click()
    expect(page.get_by_test_id("login-link-sent")).to_be_visible()
    shoot("11-link-sent.png")
    link = re.search(r"https?://\S+/cuenta/enlace/\S+/", mail.outbox[-1].body).group(0)
    page.goto(link)
    shoot("12-link-confirm.png")
    page.get_by_role("button", name="Entrar").click()
    expect(page).to_have_url(f"{base}/portal/")
    page.goto(link)
    expect(page.locator("h1")).to_have_text("El enlace ya se usó o caducó")
    shoot("13-link-used.png")


def test_contact_answers_the_survey_from_the_emailed_link(
    page, live_server, contact, actor, shoot, settings
):
    """Resolving e-mails a signed survey link; the contact answers it without logging in, says it is
    not solved, and the ticket reopens with the rating on it."""
    from django.core import mail

    from cfdidesk.desk.tickets.services.tickets import ticket_create

    settings.SITE_URL = live_server.url
    ticket = ticket_create(actor=actor, contact=contact, subject="No timbra la factura A-9")
    ticket_reply(
        actor=actor, ticket=ticket, body="Reprocesamos el movimiento.", then=Status.RESOLVED
    )
    survey_mail = next(
        m for m in mail.outbox if m.subject.startswith(f"[#{ticket.number}] ¿Quedó resuelto?")
    )
    link = re.search(r"http://\S+/encuesta/\S+/", survey_mail.body).group(0)

    page.goto(link)
    expect(page.locator("h1")).to_contain_text(f"Ticket #{ticket.number}")
    page.get_by_label("No, sigue el problema").check()
    page.locator("input[name=rating][value='2']").check()
    page.fill("textarea[name=comment]", "Sigue saliendo el error CFDI40147.")
    shoot("20-survey.png")
    page.get_by_role("button", name="Enviar").click()
    expect(page.locator("h1")).to_have_text("¡Gracias por responder!")
    expect(page.locator(".survey")).to_contain_text(f"Reabrimos el ticket #{ticket.number}")
    shoot("21-survey-thanks.png")

    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN and ticket.rating == 2
