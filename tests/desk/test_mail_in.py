import io
import sys
from email.message import EmailMessage

import pytest
from django.core.management import call_command

from cfdidesk.customers.services import contact_create
from cfdidesk.desk.inbox.services import email_receive
from cfdidesk.desk.models import InboundEmail, OutboundEmail, Status, Ticket
from cfdidesk.desk.tickets.services.transitions import ticket_transition
from tests.conftest import moral_rfc


def raw_mail(
    *,
    sender="laura@centro.mx",
    subject="No timbra la factura",
    body="Hola, el movto 4411 no timbra.",
    headers=None,
    attachments=(),
    charset="utf-8",
) -> bytes:
    message = EmailMessage()
    message["From"] = f"Laura Méndez <{sender}>"
    message["To"] = "soporte@mesa.example"
    message["Subject"] = subject
    message["Message-ID"] = f"<{abs(hash((sender, subject, body)))}@cliente.mx>"
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body, charset=charset)
    for filename, data, maintype, subtype in attachments:
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return message.as_bytes()


@pytest.fixture
def laura(actor, company):
    return contact_create(
        actor=actor, company=company, data={"name": "Laura Méndez", "email": "laura@centro.mx"}
    )


def test_mail_from_a_contact_opens_a_ticket_with_attachments(
    laura, settings, django_capture_on_commit_callbacks
):
    settings.HELPDESK_EMAIL = "soporte@mesa.example"
    with django_capture_on_commit_callbacks(execute=True):
        record = email_receive(
            raw=raw_mail(
                attachments=[
                    ("factura A-123.xml", b"<?xml version='1.0'?><cfdi/>", "application", "xml")
                ]
            )
        )
    assert record.outcome == InboundEmail.Outcome.CREATED and not record.unknown_sender
    ticket = record.ticket
    assert (
        ticket.contact == laura
        and ticket.channel == "email"
        and ticket.subject == "No timbra la factura"
    )
    assert "4411" in ticket.description
    assert [a.filename for a in ticket.attachments.all()] == ["factura A-123.xml"]
    assert OutboundEmail.objects.filter(
        ticket=ticket, kind="opened"
    ).exists()  # the customer gets the number


def test_reply_continues_the_ticket_by_headers_then_by_subject_number(laura, make_ticket, actor):
    ticket = make_ticket(contact=laura)
    opened = OutboundEmail.objects.get(ticket=ticket, kind="opened")
    record = email_receive(
        raw=raw_mail(
            subject="Re: algo",
            body="Adjunto más datos\n\nEl lun, 23 nov 2026 a las 10:00, Soporte escribió:\n> texto viejo",
            headers={"In-Reply-To": f"<{opened.message_id}>"},
        )
    )
    assert record.outcome == "appended" and record.ticket == ticket
    reply = ticket.events.filter(kind="customer_reply").last()
    assert reply.body == "Adjunto más datos"
    record = email_receive(
        raw=raw_mail(subject=f"RE: [#{ticket.number}] No timbra", body="Otra vez")
    )
    assert record.ticket == ticket and ticket.events.filter(kind="customer_reply").count() == 2


def test_a_reply_reopens_a_closed_ticket(laura, make_ticket, actor):
    ticket = make_ticket(contact=laura)
    ticket_transition(actor=actor, ticket=ticket, to=Status.RESOLVED)
    email_receive(raw=raw_mail(subject=f"[#{ticket.number}] sigue", body="Sigue el error"))
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN


def test_iso_8859_1_quoted_printable_accents_arrive_intact(laura):
    raw = (
        "From: laura@centro.mx\r\nTo: soporte@mesa.example\r\nSubject: =?iso-8859-1?q?Facturaci=F3n_de_a=F1o?=\r\n"
        "Message-ID: <iso1@cliente.mx>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=iso-8859-1\r\n"
        "Content-Transfer-Encoding: quoted-printable\r\n\r\nSe=F1or, la facturaci=F3n del a=F1o fall=F3.\r\n"
    ).encode("ascii")
    ticket = email_receive(raw=raw).ticket
    assert (
        ticket.subject == "Facturación de año"
        and "Señor, la facturación del año falló." in ticket.description
    )


def test_unknown_sender_is_kept_and_flagged_never_dropped(db):
    record = email_receive(raw=raw_mail(sender="desconocido@otro.mx"))
    assert record.outcome == "unmatched" and record.unknown_sender and record.raw.name
    assert not Ticket.objects.exists()
    assert b"el movto 4411" in record.raw.read()


def test_sender_matched_by_company_email_when_not_a_contact(company):
    record = email_receive(raw=raw_mail(sender=company.email))
    assert (
        record.outcome == "created" and record.ticket.company == company and record.unknown_sender
    )


@pytest.mark.parametrize(
    "headers, sender",
    [
        ({"Auto-Submitted": "auto-replied"}, "laura@centro.mx"),
        ({"Precedence": "bulk"}, "laura@centro.mx"),
        ({}, "mailer-daemon@centro.mx"),
        ({}, "soporte@mesa.example"),
    ],
)
def test_auto_replies_bounces_and_our_own_mail_never_make_tickets(laura, settings, headers, sender):
    settings.HELPDESK_EMAIL = "soporte@mesa.example"
    record = email_receive(raw=raw_mail(sender=sender, headers=headers))
    assert record.outcome == "automatic" and not Ticket.objects.exists()


def test_the_same_message_twice_is_one_ticket(laura):
    raw = raw_mail()
    email_receive(raw=raw)
    assert email_receive(raw=raw).outcome == "duplicate"
    assert Ticket.objects.count() == 1


def test_oversized_and_unparseable_mail_is_recorded_with_a_reason(laura, settings):
    settings.INBOUND_EMAIL_MAX_BYTES = 500
    record = email_receive(raw=raw_mail(body="x" * 2000))
    assert (
        record.outcome == "rejected" and "máximo" in record.reason and not Ticket.objects.exists()
    )
    settings.INBOUND_EMAIL_MAX_BYTES = 10_000_000
    record = email_receive(raw=b"Subject: hola\r\n\r\nsin remitente")
    assert record.outcome == "rejected" and record.reason


def test_disallowed_attachments_are_skipped_and_noted(laura):
    record = email_receive(
        raw=raw_mail(
            attachments=[
                ("virus.exe", b"MZ\x90", "application", "octet-stream"),
                ("log.txt", b"error 301", "text", "plain"),
            ]
        )
    )
    ticket = record.ticket
    assert [a.filename for a in ticket.attachments.all()] == ["log.txt"]
    assert ticket.events.filter(kind="note", body__contains="virus.exe").exists()


def test_receive_email_command_reads_stdin(laura, monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(raw_mail())))
    call_command("receive-email")
    assert capsys.readouterr().out.startswith("created #")


def test_html_only_mail_is_sanitised(laura):
    message = EmailMessage()
    message["From"] = "laura@centro.mx"
    message["Subject"] = "HTML"
    message["Message-ID"] = "<html1@cliente.mx>"
    message.set_content("<p>Hola <b>equipo</b></p><script>alert(1)</script>", subtype="html")
    ticket = email_receive(raw=message.as_bytes()).ticket
    assert (
        "Hola" in ticket.description
        and "alert" not in ticket.description
        and "<script>" not in ticket.description
    )


def test_unknown_sender_mail_is_listed_and_support_can_open_its_ticket(admin_client, company):
    record = email_receive(
        raw=raw_mail(
            sender="nuevo@otro.mx",
            subject="Alta de usuario",
            attachments=[("log.txt", b"x", "text", "plain")],
        )
    )
    page = admin_client.get("/tickets/correos/").content.decode()
    assert "nuevo@otro.mx" in page and "Alta de usuario" in page
    response = admin_client.post(
        "/tickets/correos/",
        {"email": record.pk, "company": f"{company.legal_name} — {company.rfc} (#{company.pk})"},
    )
    ticket = Ticket.objects.get()
    assert response["Location"] == f"/tickets/{ticket.number}/"
    assert (
        ticket.company == company
        and ticket.subject == "Alta de usuario"
        and ticket.attachments.count() == 1
    )
    assert ticket.events.filter(kind="note", body__contains="nuevo@otro.mx").exists()
    record.refresh_from_db()
    assert record.outcome == "created" and record.ticket == ticket
    again = admin_client.post(
        "/tickets/correos/", {"email": record.pk, "company": f"x (#{company.pk})"}, follow=True
    )
    assert "ya tiene ticket" in again.content.decode() and Ticket.objects.count() == 1


def test_a_consultant_writing_on_a_ticket_by_mail_leaves_an_internal_note(
    make_ticket, make_user, actor
):
    """A staff member answering an alert must not reopen the ticket nor speak to the customer."""
    from cfdidesk.accounts import roles
    from cfdidesk.desk.models import TicketEvent

    consultant = make_user(roles.CONSULTANT, email="Carla@Proveedor.mx")
    ticket = make_ticket()
    ticket_transition(actor=actor, ticket=ticket, to=Status.RESOLVED)
    inbound = email_receive(
        raw=raw_mail(
            sender="carla@proveedor.mx",
            subject=f"RE: [#{ticket.number}] Aviso",
            body="Lo reviso mañana temprano.",
        )
    )
    ticket.refresh_from_db()
    assert inbound.outcome == InboundEmail.Outcome.APPENDED and ticket.status == Status.RESOLVED
    note = TicketEvent.objects.filter(ticket=ticket).latest("id")
    assert note.kind == TicketEvent.Kind.NOTE and not note.is_public and note.actor == consultant
    assert "Lo reviso" in note.body


# ---------------------------------------------------------------- replies from outside the company


@pytest.fixture
def resolved_ticket(laura, make_ticket, actor):
    ticket = make_ticket(contact=laura)
    ticket_transition(actor=actor, ticket=ticket, to=Status.RESOLVED)
    ticket.refresh_from_db()
    return ticket


def _untouched(ticket, events: int, mails: int) -> None:
    before = ticket.version
    ticket.refresh_from_db()
    assert ticket.status == Status.RESOLVED and ticket.version == before
    assert ticket.events.count() == events and OutboundEmail.objects.count() == mails


def test_a_stranger_quoting_a_ticket_number_is_flagged_and_changes_nothing(
    resolved_ticket, django_capture_on_commit_callbacks, mailoutbox
):
    ticket = resolved_ticket
    events, mails = ticket.events.count(), OutboundEmail.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        record = email_receive(
            raw=raw_mail(
                sender="atacante@otro.mx",
                subject=f"RE: [#{ticket.number}] No timbra",
                body="Cambien la cuenta de depósito, por favor.",
            )
        )
    assert record.outcome == InboundEmail.Outcome.SUSPICIOUS and record.ticket is None
    assert record.claimed_ticket == ticket and record.raw.name
    assert "atacante@otro.mx" in record.reason
    _untouched(ticket, events, mails)
    assert mailoutbox == []


def test_a_contact_of_another_company_cannot_write_on_a_ticket_by_its_number(
    resolved_ticket, make_company, actor
):
    other = make_company(rfc=moral_rfc(77), email="otra@empresa.mx")
    contact_create(actor=actor, company=other, data={"name": "Pedro", "email": "pedro@empresa.mx"})
    ticket = resolved_ticket
    events, mails = ticket.events.count(), OutboundEmail.objects.count()
    record = email_receive(
        raw=raw_mail(sender="pedro@empresa.mx", subject=f"[#{ticket.number}] hola")
    )
    assert record.outcome == InboundEmail.Outcome.SUSPICIOUS
    _untouched(ticket, events, mails)
    record = email_receive(
        raw=raw_mail(sender="otra@empresa.mx", subject=f"[#{ticket.number}] hola", body="2")
    )
    assert record.outcome == InboundEmail.Outcome.SUSPICIOUS


def test_a_reply_to_our_message_id_from_another_address_is_flagged(resolved_ticket):
    ticket = resolved_ticket
    opened = OutboundEmail.objects.get(ticket=ticket, kind="opened")
    events, mails = ticket.events.count(), OutboundEmail.objects.count()
    record = email_receive(
        raw=raw_mail(
            sender="reenviado@gmail.com",
            subject="Re: algo",
            headers={"In-Reply-To": f"<{opened.message_id}>"},
        )
    )
    assert record.outcome == InboundEmail.Outcome.SUSPICIOUS and record.claimed_ticket == ticket
    _untouched(ticket, events, mails)
    # A later reply to the flagged message does not thread into the ticket either.
    again = email_receive(
        raw=raw_mail(
            sender="laura@centro.mx",
            subject="Re: Re: algo",
            body="sin número",
            headers={"In-Reply-To": f"<{record.message_id}>"},
        )
    )
    assert again.outcome == InboundEmail.Outcome.CREATED and again.ticket != ticket


def test_the_companys_registered_e_mail_may_reply_and_reopen(resolved_ticket, company):
    ticket = resolved_ticket
    record = email_receive(
        raw=raw_mail(sender=company.email, subject=f"[#{ticket.number}] sigue", body="Sigue")
    )
    ticket.refresh_from_db()
    assert record.outcome == InboundEmail.Outcome.APPENDED and record.ticket == ticket
    assert ticket.status == Status.OPEN


def test_support_sees_the_flag_and_can_attach_the_message_on_purpose(resolved_ticket, admin_client):
    ticket = resolved_ticket
    record = email_receive(
        raw=raw_mail(
            sender="laura.personal@gmail.com",
            subject=f"[#{ticket.number}] sigue",
            body="Les escribo desde mi correo personal.",
        )
    )
    page = admin_client.get("/tickets/correos/?resultado=suspicious").content.decode()
    assert "Posible suplantación" in page and "laura.personal@gmail.com" in page
    assert f"#{ticket.number}" in page
    response = admin_client.post("/tickets/correos/", {"email": record.pk, "action": "append"})
    assert response["Location"] == f"/tickets/{ticket.number}/"
    ticket.refresh_from_db()
    reply = ticket.events.filter(kind="customer_reply").get()
    assert "correo personal" in reply.body and ticket.status == Status.OPEN
    assert ticket.events.filter(kind="note", body__contains="laura.personal@gmail.com").exists()
    record.refresh_from_db()
    assert record.outcome == InboundEmail.Outcome.APPENDED and record.ticket == ticket
    twice = admin_client.post(
        "/tickets/correos/", {"email": record.pk, "action": "append"}, follow=True
    )
    assert "ya tiene ticket" in twice.content.decode()
    assert ticket.events.filter(kind="customer_reply").count() == 1
