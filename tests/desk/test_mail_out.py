import re

from cfdidesk.customers.services import contact_create
from cfdidesk.desk.models import OutboundEmail, Status
from cfdidesk.desk.tickets.services.conversation import ticket_reply
from cfdidesk.desk.tickets.services.tickets import ticket_create
from cfdidesk.desk.tickets.services.transitions import ticket_transition


def test_opening_a_ticket_emails_its_number_through_real_smtp(
    smtp, actor, company, django_capture_on_commit_callbacks
):
    contact = contact_create(
        actor=actor, company=company, data={"name": "Laura Méndez", "email": "laura@centro.mx"}
    )
    with django_capture_on_commit_callbacks(execute=True):
        ticket = ticket_create(actor=actor, contact=contact, subject="Error al timbrar")
    [message] = smtp.messages
    assert message["To"] == "laura@centro.mx"
    assert message["Subject"] == f"[#{ticket.number}] Recibimos tu reporte: Error al timbrar"
    assert message["Reply-To"] == "soporte@mesa.example"
    assert re.fullmatch(r"<[0-9a-f]{32}@mesa\.example>", message["Message-ID"])
    body = message.get_content()
    assert f"#{ticket.number}" in body and "Hola, Laura Méndez" in body and "Qué sigue" in body
    assert OutboundEmail.objects.get().state == OutboundEmail.State.SENT


def test_replies_thread_with_in_reply_to_and_references(
    smtp, actor, company, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ticket = ticket_create(actor=actor, company=company, subject="Uso CFDI")
    with django_capture_on_commit_callbacks(execute=True):
        ticket_reply(actor=actor, ticket=ticket, body="Cambiamos el uso a G03 y ya timbró.")
    opened, reply = smtp.messages
    assert reply["In-Reply-To"] == opened["Message-ID"]
    assert opened["Message-ID"] in reply["References"]
    assert reply["Subject"].startswith(f"[#{ticket.number}]")
    assert "Cambiamos el uso a G03" in reply.get_content()
    assert reply["To"] == company.email


def test_resolving_tells_the_customer_and_sends_the_survey(
    smtp, actor, make_ticket, django_capture_on_commit_callbacks
):
    ticket = make_ticket()
    with django_capture_on_commit_callbacks(execute=True):
        ticket_transition(actor=actor, ticket=ticket, to=Status.RESOLVED)
    kinds = list(OutboundEmail.objects.filter(ticket=ticket).values_list("kind", flat=True))
    assert kinds[-2:] == ["resolved", "survey"]
    survey = smtp.messages[-1].get_content()
    assert "/encuesta/" in survey


def test_a_failed_send_is_retried_and_shown_on_the_ticket(
    dead_smtp, actor, admin_client, company, django_capture_on_commit_callbacks, settings
):
    settings.EMAIL_MAX_ATTEMPTS = 3
    with django_capture_on_commit_callbacks(execute=True):
        ticket = ticket_create(actor=actor, company=company, subject="Sin correo")
    email = OutboundEmail.objects.get()
    assert email.state == OutboundEmail.State.FAILED and email.attempts == 3 and email.last_error
    page = admin_client.get(f"/tickets/{ticket.number}/").content.decode()
    assert "Falló" in page and "Intentos: 3" in page


def test_contact_language_picks_the_template_language(
    smtp, actor, company, django_capture_on_commit_callbacks
):
    contact = contact_create(
        actor=actor, company=company, data={"name": "John", "email": "john@x.com", "language": "en"}
    )
    with django_capture_on_commit_callbacks(execute=True):
        ticket_create(actor=actor, contact=contact, subject="Stamp error")
    email = OutboundEmail.objects.get()
    assert email.language == "en" and email.to == "john@x.com"
