"""`cfdidesk fetch-email` against a real dovecot (tests/imap_server.py) on 127.0.0.1."""

import importlib
import io
import itertools
from email.message import EmailMessage

import pytest
from django.core.management import CommandError, call_command

from cfdidesk.customers.services import contact_create
from cfdidesk.desk.inbox import imap
from cfdidesk.desk.models import InboundEmail, Ticket

_ids = itertools.count(1)


def raw_mail(
    *,
    sender="laura@centro.mx",
    subject="No timbra la factura",
    body="Hola, el movto 4411 no timbra.",
    headers=None,
) -> bytes:
    message = EmailMessage()
    message["From"] = f"Laura Méndez <{sender}>"
    message["To"] = "soporte@mesa.example"
    message["Subject"] = subject
    message["Message-ID"] = f"<imap-{next(_ids)}@cliente.mx>"
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)
    return message.as_bytes()


@pytest.fixture
def laura(actor, company):
    return contact_create(
        actor=actor, company=company, data={"name": "Laura Méndez", "email": "laura@centro.mx"}
    )


def fetch(**options) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("fetch-email", stdout=out, stderr=err, **options)
    return out.getvalue().strip(), err.getvalue().strip()


def test_each_unseen_message_gets_its_outcome_and_is_marked_seen(imap_mailbox, laura, make_ticket):
    ticket = make_ticket(contact=laura)
    already_read = imap_mailbox.append(raw_mail(subject="Leído en otro cliente"), flags="\\Seen")
    uids = [
        imap_mailbox.append(raw_mail(subject="No timbra la factura A-9")),
        imap_mailbox.append(
            raw_mail(subject=f"RE: [#{ticket.number}] No timbra", body="Sigue igual")
        ),
        imap_mailbox.append(raw_mail(subject="Fuera", headers={"Auto-Submitted": "auto-replied"})),
        imap_mailbox.append(raw_mail(sender="desconocido@otro.mx", subject="Quién atiende")),
    ]
    assert imap_mailbox.unseen() == uids

    out, err = fetch(url=imap_mailbox.url)

    assert (
        out
        == "4 correos: 1 abrió ticket, 1 se agregó a un ticket, 1 de remitente desconocido, 1 ignorado"
    )
    assert err == ""
    outcomes = dict(InboundEmail.objects.values_list("subject", "outcome"))
    assert outcomes == {
        "No timbra la factura A-9": "created",
        f"RE: [#{ticket.number}] No timbra": "appended",
        "Fuera": "automatic",
        "Quién atiende": "unmatched",
    }
    created = Ticket.objects.get(subject="No timbra la factura A-9")
    assert created.contact == laura and created.channel == "email"
    assert ticket.events.filter(kind="customer_reply", body="Sigue igual").exists()
    assert imap_mailbox.unseen() == []
    assert imap_mailbox.seen() == sorted([already_read, *uids])

    assert fetch(url=imap_mailbox.url) == (
        "Sin correos nuevos.",
        "",
    )  # a second run processes nothing
    assert InboundEmail.objects.count() == 4


def test_imap_url_setting_is_used_without_url_option(imap_mailbox, laura, settings):
    settings.IMAP_URL = imap_mailbox.url
    imap_mailbox.append(raw_mail())
    assert fetch() == ("1 correo: 1 abrió ticket", "")


def test_limit_bounds_a_run_and_keeps_uid_order(imap_mailbox, laura):
    uids = [imap_mailbox.append(raw_mail(subject=f"Factura {n}")) for n in range(3)]

    out, _err = fetch(url=imap_mailbox.url, limit=2)

    assert out == "2 correos: 2 abrieron ticket; 1 pendientes para la siguiente vuelta (--limit)"
    assert imap_mailbox.unseen() == uids[2:]
    assert list(Ticket.objects.order_by("id").values_list("subject", flat=True)) == [
        "Factura 0",
        "Factura 1",
    ]
    assert fetch(url=imap_mailbox.url, limit=2) == ("1 correo: 1 abrió ticket", "")
    assert imap_mailbox.unseen() == []


def test_a_message_that_fails_stays_unseen_and_the_run_goes_on(imap_mailbox, laura, monkeypatch):
    real_receive = imap.email_receive

    def receive(*, raw: bytes):
        if b"Subject: Explota" in raw:
            raise RuntimeError("la base de datos no responde")
        return real_receive(raw=raw)

    monkeypatch.setattr(imap, "email_receive", receive)
    first = imap_mailbox.append(raw_mail(subject="Antes"))
    failing = imap_mailbox.append(raw_mail(subject="Explota"))
    last = imap_mailbox.append(raw_mail(subject="Después"))

    out, err = fetch(url=imap_mailbox.url)

    assert out == "3 correos: 2 abrieron ticket, 1 con error (queda sin leer)"
    assert err == f"UID {failing}: RuntimeError: la base de datos no responde"
    assert imap_mailbox.unseen() == [failing] and imap_mailbox.seen() == [first, last]
    assert not InboundEmail.objects.filter(subject="Explota").exists()

    monkeypatch.setattr(
        imap, "email_receive", real_receive
    )  # the failure is gone: the next run takes it
    assert fetch(url=imap_mailbox.url) == ("1 correo: 1 abrió ticket", "")
    assert imap_mailbox.unseen() == []
    assert InboundEmail.objects.get(subject="Explota").outcome == "created"


def test_folder_from_the_url_path_with_spaces_and_accents(imap_mailbox, laura):
    folder_url = imap_mailbox.url.replace("/INBOX", "/Soporte%20t%C3%A9cnico")
    with imap_mailbox.connect() as connection:
        assert connection.create(imap._quote_mailbox("Soporte técnico"))[0] == "OK"
        assert (
            connection.append(imap._quote_mailbox("Soporte técnico"), None, None, raw_mail())[0]
            == "OK"
        )
    imap_mailbox.append(raw_mail(subject="Este está en INBOX"))

    assert fetch(url=folder_url) == ("1 correo: 1 abrió ticket", "")
    assert Ticket.objects.get().subject == "No timbra la factura"
    assert len(imap_mailbox.unseen()) == 1  # INBOX untouched


def test_wrong_password_is_a_spanish_error_without_the_password(imap_mailbox, db):
    url = imap_mailbox.url.replace(imap_mailbox.password, "clave-equivocada")
    with pytest.raises(CommandError) as error:
        fetch(url=url)
    message = str(error.value)
    assert "rechazó el usuario o la contraseña" in message and imap_mailbox.user in message
    assert "clave-equivocada" not in message and imap_mailbox.password not in message


def test_no_url_configured_is_a_spanish_error(settings):
    settings.IMAP_URL = ""
    with pytest.raises(CommandError, match="No hay buzón configurado"):
        fetch()


def test_unreachable_server_and_bad_urls_are_spanish_errors(db):
    from tests.imap_server import _free_port

    with pytest.raises(CommandError, match="No se pudo conectar con el servidor IMAP") as error:
        fetch(url=f"imap://mesa:secreta@127.0.0.1:{_free_port()}/INBOX")
    assert "secreta" not in str(error.value)
    with pytest.raises(CommandError, match="imap:// o imaps://"):
        fetch(url="pop3://mesa:secreta@127.0.0.1/")
    with pytest.raises(CommandError, match="usuario, contraseña y servidor"):
        fetch(url="imap://127.0.0.1/INBOX")


def test_loop_keeps_polling_until_interrupted(imap_mailbox, laura, monkeypatch):
    command = importlib.import_module("cfdidesk.desk.management.commands.fetch-email")
    turns = []

    def sleep(seconds):
        turns.append(seconds)
        if len(turns) == 1:
            imap_mailbox.append(raw_mail(subject="Llegó durante la espera"))
            return
        raise KeyboardInterrupt

    monkeypatch.setattr(command.time, "sleep", sleep)
    # Inside the test's transaction Django would close the connection (as its test client avoids too).
    closed = []
    monkeypatch.setattr(command, "close_old_connections", lambda: closed.append(True))
    imap_mailbox.append(raw_mail())

    out, _err = fetch(url=imap_mailbox.url, loop=30)

    assert out.splitlines() == [
        "1 correo: 1 abrió ticket",
        "1 correo: 1 abrió ticket",
        "Interrumpido.",
    ]
    assert turns == [30, 30] and len(closed) == 2 and Ticket.objects.count() == 2


def test_parse_imap_url():
    target = imap.parse_imap_url("imaps://mesa%40centro.mx:p%40ss%3Aw@mail.centro.mx")
    assert (
        target.scheme,
        target.host,
        target.port,
        target.user,
        target.password,
        target.folder,
    ) == ("imaps", "mail.centro.mx", 993, "mesa@centro.mx", "p@ss:w", "INBOX")
    assert "p@ss" not in repr(target) and "p@ss" not in target.where
    assert imap.parse_imap_url("imap://u:p@h/Archivo").port == 143
    assert imap._quote_mailbox("Entwürfe") == '"Entw&APw-rfe"'  # RFC 3501's example
    assert imap._quote_mailbox('A&B "x"') == '"A&-B \\"x\\""'
