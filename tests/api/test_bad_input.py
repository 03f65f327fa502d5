"""No input yields a server error (issue 10): bad filters, pages past the end or beyond 64 bits,
nulls in PATCH bodies, unknown values, huge ids. Each answer is a 2xx or a 4xx with a message."""

from __future__ import annotations

import json

import pytest

from cfdidesk.accounts import roles
from cfdidesk.customers.models import Company
from cfdidesk.desk.models import Ticket

HUGE = "9" * 30


def call(client, method, url, body=None):
    if body is None:
        return getattr(client, method)(url)
    return client.generic(method.upper(), url, json.dumps(body), content_type="application/json")


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/tickets?team=abc&company=x&category=1.5&assignee=-1&priority=zz&status=nope&sla=x",
        f"/api/v1/tickets?team={HUGE}&company={HUGE}&priority={HUGE}",
        f"/api/v1/tickets?page={HUGE}",
        "/api/v1/tickets?page=5000000",
        f"/api/v1/companies?page={HUGE}",
        f"/api/v1/companies?page=-3&page_size={HUGE}",
        f"/api/v1/kb/articles?page={HUGE}&category={HUGE}",
        f"/api/v1/environments?company={HUGE}",
        f"/api/v1/environments?company=-{HUGE}",
        f"/api/v1/oncall/now?team={HUGE}",
        f"/api/v1/companies/imports?page={HUGE}",
        f"/api/v1/environments/{{env}}/log?limit={HUGE}",
    ],
)
def test_bad_filters_and_pages_are_never_a_server_error(world, url):
    url = url.replace("{env}", world.values["environment_id"][0])
    response = world.clients[roles.ADMINISTRATOR].get(url)
    assert response.status_code in (200, 422), response.content[:300]
    if response.status_code == 200 and "page" in url and "items" in response.json():
        assert response.json()["items"] == [] or "page=-3" in url


@pytest.mark.parametrize(
    "url",
    [
        f"/api/v1/companies/{HUGE}",
        f"/api/v1/contacts/{HUGE}",
        f"/api/v1/companies/imports/{HUGE}",
        f"/api/v1/environments/{HUGE}",
        f"/api/v1/documents/{HUGE}",
        f"/api/v1/tickets/{HUGE}",
    ],
)
def test_huge_ids_are_not_found(world, url):
    assert world.clients[roles.ADMINISTRATOR].get(url).status_code in (404, 422)


def test_nulls_in_patch_bodies_are_refused_with_a_message(world):
    admin = world.clients[roles.ADMINISTRATOR]
    number = world.values["number"][0]
    company_id, contact_id = world.values["company_id"][0], world.values["contact_id"][0]
    slug = world.values["slug"][0]
    before = Ticket.objects.get(number=number)
    for field in ("subject", "kind", "priority", "affects_operation", "upset_customer"):
        response = call(admin, "patch", f"/api/v1/tickets/{number}", {field: None})
        assert response.status_code == 422, (field, response.content)
        assert response.json()["errors"]
    after = Ticket.objects.get(number=number)
    assert (after.subject, after.priority, after.version) == (
        before.subject,
        before.priority,
        before.version,
    )
    for field in ("legal_name", "rfc", "email", "postal_code", "tax_regime"):
        response = call(admin, "patch", f"/api/v1/companies/{company_id}", {field: None})
        assert response.status_code == 422, (field, response.content)
    for field in ("name", "email", "phone", "language"):
        response = call(admin, "patch", f"/api/v1/contacts/{contact_id}", {field: None})
        assert response.status_code in (200, 422), (field, response.content)
    for field in ("title", "body", "visibility", "state"):
        response = call(admin, "patch", f"/api/v1/kb/articles/{slug}", {field: None})
        assert response.status_code in (200, 422), (field, response.content)


@pytest.mark.parametrize(
    "url, body, field",
    [
        ("/tickets/{n}/replies", {"body": "Hola", "then": "movements_upload"}, "then"),
        ("/tickets/{n}/transitions", {"to": "archived"}, "status"),
        ("/tickets", {"company_id": "{company}", "subject": "x", "kind": "bug"}, "kind"),
        ("/tickets", {"company_id": "{company}", "subject": "x", "channel": "fax"}, "channel"),
        ("/tickets", {"company_id": "{company}", "subject": "x", "priority": 9}, "priority"),
        ("/tickets", {"company_id": int(HUGE), "subject": "x"}, "company_id"),
        ("/tickets", {"company_id": "{company}", "subject": "x", "team_id": int(HUGE)}, "team_id"),
        ("/kb/articles", {"title": "x", "visibility": "secret"}, "visibility"),
        ("/kb/articles", {"title": "x", "state": "archived"}, "state"),
    ],
)
def test_unknown_values_are_refused_with_the_field_named(world, url, body, field):
    admin = world.clients[roles.ADMINISTRATOR]
    url = "/api/v1" + url.replace("{n}", world.values["number"][0])
    company = int(world.values["company_id"][0])
    body = {k: company if v == "{company}" else v for k, v in body.items()}
    tickets = Ticket.objects.count()
    response = call(admin, "post", url, body)
    assert response.status_code == 422, response.content
    assert field in response.json()["errors"], response.json()
    assert Ticket.objects.count() == tickets


def test_a_body_that_is_not_json_is_a_400_in_spanish(world):
    response = world.clients[roles.ADMINISTRATOR].post(
        "/api/v1/tickets", b"\x00{", content_type="application/json"
    )
    assert response.status_code == 400 and "JSON" in response.json()["detail"]


def test_deleting_a_customer_with_an_invoicing_environment_archives_it(world):
    """The other company has an environment and no tickets of its own once its ticket is gone."""
    other = Company.objects.get(pk=world.values["company_id"][1])
    Ticket.objects.filter(company=other).delete()
    other.contacts.all().delete()
    response = world.clients[roles.ADMINISTRATOR].delete(f"/api/v1/companies/{other.pk}")
    assert response.status_code == 200 and response.json() == {"outcome": "archived"}
    other.refresh_from_db()
    assert not other.is_active and other.invoicing_environments.exists()


def test_a_multipart_body_that_cannot_be_read_is_a_400_in_json(world):
    number = world.values["number"][0]
    response = world.clients[roles.ADMINISTRATOR].generic(
        "POST",
        f"/api/v1/tickets/{number}/attachments",
        b"--frontera\r\n",
        content_type="multipart/form-data",  # no boundary: Django cannot parse it
    )
    assert response.status_code == 400 and response["Content-Type"].startswith("application/json")
    assert "no se puede leer" in response.json()["detail"]
