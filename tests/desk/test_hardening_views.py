"""Staff ticket pages against input from outside (issue 10): files over the upload limit refuse
the whole submission, the bulk form stays on this site and takes any ids without an error."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cfdidesk.accounts import roles
from cfdidesk.accounts.services import token_create
from cfdidesk.desk.models import Ticket, TicketEvent


def too_big() -> SimpleUploadedFile:
    return SimpleUploadedFile("bitacora.log", b"x" * 5000)


def test_a_reply_with_a_file_over_the_limit_saves_nothing_and_says_the_limit(
    admin_client, make_ticket, settings
):
    ticket = make_ticket()
    settings.MAX_UPLOAD_BYTES = 2000
    response = admin_client.post(
        f"/tickets/{ticket.number}/responder/",
        {"body": "Te mando la bitácora", "attachments": [too_big()]},
    )
    page = response.content.decode()
    assert response.status_code == 413 and "pesa más de 2.0" in page and "No se guardó" in page
    assert "Te mando la bitácora" in page
    assert not ticket.events.filter(kind=TicketEvent.Kind.REPLY).exists()
    assert not ticket.outbound_emails.filter(kind="reply").exists()


def test_a_note_with_a_file_over_the_limit_saves_nothing(admin_client, make_ticket, settings):
    ticket = make_ticket()
    settings.MAX_UPLOAD_BYTES = 2000
    response = admin_client.post(
        f"/tickets/{ticket.number}/nota/",
        {"body": "Revisar la bitácora", "attachments": [too_big()]},
        follow=True,
    )
    assert "pesa más de 2.0" in response.content.decode()
    assert "Nota interna guardada" not in response.content.decode()
    assert not ticket.events.filter(kind=TicketEvent.Kind.NOTE).exists()


def test_a_new_ticket_with_a_file_over_the_limit_is_not_opened(admin_client, company, settings):
    settings.MAX_UPLOAD_BYTES = 2000
    response = admin_client.post(
        "/tickets/nuevo/",
        {
            "company": f"{company.legal_name} (#{company.pk})",
            "subject": "No timbra",
            "channel": "phone",
            "kind": "incident",
            "priority": "3",
            "attachments": [too_big()],
        },
    )
    assert response.status_code == 200 and "pesa más de 2.0" in response.content.decode()
    assert not Ticket.objects.exists()


def test_the_api_refuses_attachments_over_the_limit(make_user, make_ticket, settings):
    from django.test import Client

    _token, secret = token_create(user=make_user(roles.CONSULTANT), name="t")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    ticket = make_ticket()
    settings.MAX_UPLOAD_BYTES = 2000
    response = client.post(f"/api/v1/tickets/{ticket.number}/attachments", {"files": [too_big()]})
    assert response.status_code == 422
    assert "pesa más de 2.0" in json.dumps(response.json(), ensure_ascii=False)
    assert not ticket.attachments.exists()


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/robar",
        "//evil.example/robar",
        "http://testserver.evil.example/",
        "javascript:alert(1)",
        "/\\evil.example",
    ],
)
def test_the_bulk_form_never_sends_the_user_to_another_site(admin_client, make_ticket, target):
    ticket = make_ticket()
    response = admin_client.post(
        "/tickets/acciones/",
        {"ticket": [ticket.pk], "action": "status", "status": "open", "next": target},
    )
    assert response.status_code == 302 and response["Location"] == "/tickets/"


def test_the_bulk_form_goes_back_to_the_list_it_came_from(admin_client, make_ticket):
    ticket = make_ticket()
    response = admin_client.post(
        "/tickets/acciones/",
        {
            "ticket": [ticket.pk],
            "action": "status",
            "status": "open",
            "next": "/tickets/?vista=todos",
        },
    )
    assert response["Location"] == "/tickets/?vista=todos"


def test_the_bulk_form_ignores_ids_that_are_not_ids(admin_client, make_ticket):
    ticket = make_ticket()
    response = admin_client.post(
        "/tickets/acciones/",
        {
            "ticket": ["9" * 30, "²", "-4", "abc", str(ticket.pk)],
            "action": "status",
            "status": "open",
        },
        follow=True,
    )
    assert response.status_code == 200
    ticket.refresh_from_db()
    assert ticket.status == "open"


def test_a_company_typed_with_a_huge_id_is_unknown(admin_client):
    response = admin_client.post(
        "/tickets/nuevo/",
        {
            "company": f"Alguien (#{'9' * 30})",
            "subject": "x",
            "channel": "phone",
            "kind": "incident",
            "priority": "3",
        },
    )
    assert response.status_code == 200 and not Ticket.objects.exists()
