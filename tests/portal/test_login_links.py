"""One-time sign-in links for portal contacts: e-mailed, 15 minutes, used once, no account enumeration."""

import hashlib
import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.utils import timezone

from cfdidesk.accounts import roles
from cfdidesk.accounts.login_links import MAX_PER_HOUR, login_link_redeem
from cfdidesk.accounts.models import LoginLink
from tests.races import needs_postgres, run_together

NEUTRAL = "Si la dirección corresponde a un usuario del portal"
LINK = re.compile(r"http://testserver(/cuenta/enlace/([A-Za-z0-9_\-]+)/)")


def ask(client: Client, email: str) -> str:
    response = client.post("/cuenta/enlace/", {"email": email})
    assert response.status_code == 200
    return response.content.decode()


def link_in(message) -> tuple[str, str]:
    match = LINK.search(message.body)
    assert match, message.body
    return match.group(1), match.group(2)


def signed_in_user_id(client: Client):
    return client.session.get("_auth_user_id")


def test_login_page_offers_the_link(db):
    page = Client().get("/cuenta/entrar/").content.decode()
    assert "Recibir un enlace de acceso por correo" in page and 'href="/cuenta/enlace/"' in page


def test_happy_path_link_by_mail_signs_in_once(contact):
    client = Client()
    assert NEUTRAL in ask(client, "  LAURA@Esperanza.MX ")  # case and spaces do not matter
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [contact.user.email]
    assert "enlace" in message.subject.lower()
    assert "una sola vez" in message.body and "15 minutos" in message.body
    path, token = link_in(message)

    link = LoginLink.objects.get()
    assert link.user == contact.user and link.email == "laura@esperanza.mx"
    assert link.digest == hashlib.sha256(token.encode()).hexdigest()
    assert token not in (link.digest, link.email)  # only the hash is stored
    assert timedelta(minutes=14) < link.expires_at - timezone.now() <= timedelta(minutes=15)

    # Opening the link (as a mail scanner would) does not spend it: the button does.
    confirm = client.get(path)
    assert confirm.status_code == 200 and "Entrar al portal" in confirm.content.decode()
    assert signed_in_user_id(client) is None
    response = client.post(path, follow=True)
    assert response.redirect_chain[-1][0] == "/portal/"
    assert signed_in_user_id(client) == str(contact.user.pk)
    link.refresh_from_db()
    assert link.used_at is not None


def test_a_used_link_does_not_work_again(contact):
    ask(Client(), contact.user.email)
    path, _token = link_in(mail.outbox[0])
    Client().post(path)
    again = Client()
    for response in (again.get(path), again.post(path)):
        assert response.status_code == 410
        page = response.content.decode()
        assert "El enlace ya se usó o caducó" in page and 'href="/cuenta/enlace/"' in page
    assert signed_in_user_id(again) is None


def test_an_expired_link_does_not_work(contact):
    ask(Client(), contact.user.email)
    path, _token = link_in(mail.outbox[0])
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        client = Client()
        response = client.post(path)
        assert (
            response.status_code == 410
            and "El enlace ya se usó o caducó" in response.content.decode()
        )
        assert signed_in_user_id(client) is None


def test_a_made_up_token_does_not_work(db):
    response = Client().get("/cuenta/enlace/no-es-un-token/")
    assert (
        response.status_code == 410 and "El enlace ya se usó o caducó" in response.content.decode()
    )


def test_using_one_link_retires_the_others(contact):
    client = Client()
    ask(client, contact.user.email)
    ask(client, contact.user.email)
    first, _ = link_in(mail.outbox[0])
    second, _ = link_in(mail.outbox[1])
    Client().post(second)
    assert Client().post(first).status_code == 410


def test_unknown_address_gets_the_same_answer_and_no_mail(contact, make_user):
    known = ask(Client(), contact.user.email)
    mail.outbox.clear()
    staff = make_user(roles.CONSULTANT, email="consultor@proveedor.mx")
    inactive = contact.user.__class__.objects.create_user(
        "baja", email="baja@esperanza.mx", password="x", is_active=False
    )
    inactive.groups.add(*contact.user.groups.all())
    for email in ("nadie@ejemplo.mx", staff.email, inactive.email, "no es un correo"):
        page = ask(Client(), email)
        assert NEUTRAL in page
        # Same page apart from the CSRF token and the echoed address.
        strip = lambda text: re.sub(r'value="[^"]*"', "", text)  # noqa: E731
        assert strip(page) == strip(known)
    assert mail.outbox == []
    assert LoginLink.objects.count() == 1


def test_at_most_five_links_per_address_per_hour(contact):
    client = Client()
    for _ in range(MAX_PER_HOUR + 2):
        assert NEUTRAL in ask(client, contact.user.email)
    assert len(mail.outbox) == MAX_PER_HOUR == 5
    assert LoginLink.objects.count() == MAX_PER_HOUR
    with time_machine.travel(timezone.now() + timedelta(minutes=61)):
        ask(client, contact.user.email)
    assert len(mail.outbox) == MAX_PER_HOUR + 1


def test_an_inactive_user_cannot_use_a_link_sent_earlier(contact):
    ask(Client(), contact.user.email)
    path, _token = link_in(mail.outbox[0])
    contact.user.is_active = False
    contact.user.save(update_fields=["is_active"])
    client = Client()
    assert client.post(path).status_code == 410
    assert signed_in_user_id(client) is None


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_clicks_sign_in_only_once(contact):
    needs_postgres()
    ask(Client(), contact.user.email)
    _path, token = link_in(mail.outbox[0])
    outcomes = run_together(4, lambda i: login_link_redeem(token=token))
    results = [value for kind, value in outcomes if kind == "ok"]
    assert len(results) == 4, outcomes
    assert sorted(r is not None for r in results) == [False, False, False, True]


def test_a_failing_mail_server_does_not_give_the_address_away(contact, monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionRefusedError("smtp down")

    monkeypatch.setattr("cfdidesk.accounts.login_links.send_mail", broken)
    assert NEUTRAL in ask(Client(), contact.user.email)
