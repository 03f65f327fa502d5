import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from cfdidesk.accounts import roles
from cfdidesk.accounts.services import token_create
from cfdidesk.customers.services import contact_create
from cfdidesk.desk.models import Ticket


def bearer(user) -> Client:
    _token, clear = token_create(user=user, name="t")
    return Client(HTTP_AUTHORIZATION=f"Bearer {clear}")


def post(client, url, data):
    return client.post(url, data=json.dumps(data), content_type="application/json")


@pytest.fixture
def staff(make_user):
    return bearer(make_user(roles.CONSULTANT))


@pytest.fixture
def portal(make_user, actor, company):
    user = make_user(roles.PORTAL)
    contact = contact_create(
        actor=actor, company=company, data={"name": "Laura", "email": "laura@centro.mx"}
    )
    contact.user = user
    contact.save()
    return bearer(user)


def test_staff_full_cycle(staff, company):
    created = post(
        staff,
        "/api/v1/tickets",
        {
            "company_id": company.pk,
            "subject": "Error 301",
            "references": [{"kind": "movement", "value": "4411"}],
        },
    )
    assert created.status_code == 201, created.content
    number = created.json()["number"]
    assert created.json()["channel"] == "api" and created.json()["references"] == [
        {"kind": "movement", "value": "4411"}
    ]
    assert (
        post(
            staff,
            f"/api/v1/tickets/{number}/replies",
            {"body": "Revisando", "then": "waiting_customer"},
        ).status_code
        == 201
    )
    assert post(staff, f"/api/v1/tickets/{number}/notes", {"body": "interno"}).status_code == 201
    patched = staff.patch(
        f"/api/v1/tickets/{number}",
        data=json.dumps({"priority": 2, "version": 1}),
        content_type="application/json",
    )
    assert patched.status_code == 422  # the reply moved the version on: stale
    current = staff.get(f"/api/v1/tickets/{number}").json()
    patched = staff.patch(
        f"/api/v1/tickets/{number}",
        data=json.dumps({"priority": 2, "version": current["version"]}),
        content_type="application/json",
    )
    assert patched.json()["priority_label"] == "Alta"
    moved = post(staff, f"/api/v1/tickets/{number}/transitions", {"to": "resolved"})
    assert moved.json()["status"] == "resolved"
    bad = post(staff, f"/api/v1/tickets/{number}/transitions", {"to": "waiting_third_party"})
    assert bad.status_code == 422 and "no puede pasar" in bad.json()["errors"]["status"][0]
    kinds = [e["kind"] for e in staff.get(f"/api/v1/tickets/{number}/timeline").json()]
    assert kinds[0] == "created" and "note" in kinds and "reply" in kinds
    assert staff.get("/api/v1/tickets", {"search": "4411"}).json()["items"][0]["number"] == number


def test_portal_token_sees_only_its_company_and_no_internal_notes(
    portal, staff, make_ticket, make_company, actor
):
    from cfdidesk.desk.tickets.services.conversation import ticket_note

    ours = make_ticket(subject="Nuestro")
    ticket_note(actor=actor, ticket=ours, body="nota secreta")
    other = make_ticket(
        company=make_company(rfc="GODE561231GR8", tax_regime="612", legal_name="Otra"),
        subject="Ajeno",
    )
    numbers = [
        t["number"]
        for t in portal.get("/api/v1/tickets", {"company": other.company_id}).json()["items"]
    ]
    assert numbers == [ours.number]
    assert portal.get(f"/api/v1/tickets/{other.number}").status_code == 404
    assert portal.get(f"/api/v1/tickets/{other.number}/timeline").status_code == 404
    assert (
        "nota secreta" not in portal.get(f"/api/v1/tickets/{ours.number}/timeline").content.decode()
    )
    assert post(portal, f"/api/v1/tickets/{ours.number}/notes", {"body": "x"}).status_code == 403
    assert (
        post(portal, f"/api/v1/tickets/{ours.number}/transitions", {"to": "resolved"}).status_code
        == 403
    )


def test_portal_opens_tickets_for_itself_only(portal, make_company):
    other = make_company(rfc="GODE561231GR8", tax_regime="612", legal_name="Otra")
    created = post(
        portal,
        "/api/v1/tickets",
        {"company_id": other.pk, "subject": "Sistema caído", "affects_operation": True},
    )
    assert created.status_code == 201
    ticket = Ticket.objects.get(number=created.json()["number"])
    assert ticket.company != other and ticket.contact.name == "Laura" and ticket.priority == 1
    reply = post(portal, f"/api/v1/tickets/{ticket.number}/replies", {"body": "Más datos"})
    assert reply.status_code == 201 and reply.json()["kind"] == "customer_reply"


def test_attachments_over_the_api(staff, make_ticket):
    ticket = make_ticket()
    ok = staff.post(
        f"/api/v1/tickets/{ticket.number}/attachments",
        {"files": [SimpleUploadedFile("a.xml", b"<a/>")], "public": "false"},
    )
    assert (
        ok.status_code == 201
        and ok.json()["attachments"] == ["a.xml"]
        and ok.json()["is_public"] is False
    )
    bad = staff.post(
        f"/api/v1/tickets/{ticket.number}/attachments",
        {"files": [SimpleUploadedFile("a.exe", b"MZ")]},
    )
    assert bad.status_code == 422 and ticket.attachments.count() == 1


def test_bad_input_over_the_api(staff, company):
    response = post(
        staff,
        "/api/v1/tickets",
        {"company_id": company.pk, "subject": "<script>alert(1)</script>", "channel": "fax"},
    )
    assert response.status_code == 422 and "channel" in response.json()["errors"]
    assert post(staff, "/api/v1/tickets", {"company_id": 99999, "subject": "x"}).status_code == 422
    assert not Ticket.objects.exists()


def test_no_token_is_401(db):
    assert Client().get("/api/v1/tickets").status_code == 401
