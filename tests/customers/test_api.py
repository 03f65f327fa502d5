import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from cfdidesk.accounts import roles
from cfdidesk.accounts.services import token_create
from cfdidesk.customers.models import Company, ImportJob
from tests.conftest import csv_bytes, csv_row, moral_rfc, valid_company


@pytest.fixture
def api_as(make_user):
    def make(role=roles.ADMINISTRATOR):
        _token, clear = token_create(user=make_user(role), name="pruebas")
        return Client(HTTP_AUTHORIZATION=f"Bearer {clear}")

    return make


@pytest.fixture
def api(api_as):
    return api_as()


def post_json(client, url, data, method="post"):
    return getattr(client, method)(url, data=json.dumps(data), content_type="application/json")


def test_crud_over_the_api(api):
    created = post_json(api, "/api/v1/companies", valid_company())
    assert created.status_code == 201, created.content
    company = created.json()["company"]
    assert company["person_type"] == "moral" and company["version"] == 1

    patched = post_json(
        api, f"/api/v1/companies/{company['id']}", {"phone": "55 1234", "version": 1}, "patch"
    )
    assert patched.status_code == 200 and patched.json()["company"]["phone"] == "55 1234"
    stale = post_json(
        api, f"/api/v1/companies/{company['id']}", {"phone": "55 9", "version": 1}, "patch"
    )
    assert stale.status_code == 422 and "Otra persona" in stale.json()["errors"]["__all__"][0]

    contact = post_json(
        api, f"/api/v1/companies/{company['id']}/contacts", {"name": "Laura", "email": "l@x.mx"}
    )
    assert contact.status_code == 201
    assert api.get(f"/api/v1/companies/{company['id']}/contacts").json()[0]["name"] == "Laura"

    deleted = api.delete(f"/api/v1/companies/{company['id']}")
    assert deleted.json() == {"outcome": "archived"}  # it has a contact: history is kept
    assert api.get(f"/api/v1/companies/{company['id']}").json()["is_active"] is False


def test_invalid_company_gets_field_errors_in_spanish(api):
    response = post_json(
        api, "/api/v1/companies", valid_company(tax_regime="605", postal_code="00001")
    )
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert (
        "no aplica a personas morales" in errors["tax_regime"][0]
        and "00001" in errors["postal_code"][0]
    )
    assert not Company.objects.exists()


def test_search(api, make_company):
    make_company(rfc=moral_rfc(1), legal_name="Uno")
    make_company(rfc=moral_rfc(2), legal_name="Dos", email="dos@x.mx")
    items = api.get("/api/v1/companies", {"search": "dos@x"}).json()["items"]
    assert [c["legal_name"] for c in items] == ["Dos"]


def test_import_through_the_api_with_confirmation(api, django_capture_on_commit_callbacks):
    data = csv_bytes([csv_row(rfc=moral_rfc(1)), csv_row(rfc="MALO")])
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            "/api/v1/companies/imports",
            {"file": SimpleUploadedFile("c.csv", data), "mode": "create"},
        )
    assert response.status_code == 202
    job_id = response.json()["id"]
    status = api.get(f"/api/v1/companies/imports/{job_id}").json()
    assert status["state"] == "awaiting_confirmation"
    assert status["issues"][0]["row_number"] == 3 and status["issues"][0]["column"] == "RFC"
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = api.post(f"/api/v1/companies/imports/{job_id}/confirm")
    assert confirmed.status_code == 202
    assert api.get(f"/api/v1/companies/imports/{job_id}").json()["created_count"] == 1
    assert api.post(f"/api/v1/companies/imports/{job_id}/confirm").status_code == 409


def test_import_refusal_over_the_api(api):
    header = [
        "RFC",
        *[
            label
            for label in __import__("cfdidesk.customers.csv_format", fromlist=["x"]).LABELS
            if label != "RFC"
        ],
    ]
    response = api.post(
        "/api/v1/companies/imports",
        {"file": SimpleUploadedFile("c.csv", csv_bytes([csv_row()], header=header))},
    )
    assert response.status_code == 422 and "columna 1" in response.json()["errors"]["file"][0]
    assert not ImportJob.objects.exists()


def test_template_and_export(api, make_company):
    make_company()
    assert api.get("/api/v1/companies/imports/template.zip").content[:2] == b"PK"
    export = b"".join(api.get("/api/v1/companies/export.csv").streaming_content).decode("utf-8-sig")
    assert "Comercializadora del Centro" in export


def test_no_token_is_401_and_revoked_token_stops_working(make_user):
    from cfdidesk.accounts.services import token_revoke

    assert Client().get("/api/v1/companies").status_code == 401
    user = make_user(roles.ADMINISTRATOR)
    token, clear = token_create(user=user, name="x")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {clear}")
    assert client.get("/api/v1/companies").status_code == 200
    token_revoke(user=user, token=token)
    assert client.get("/api/v1/companies").status_code == 401


@pytest.mark.parametrize(
    "role, method, url, status",
    [
        (roles.PORTAL, "get", "/api/v1/companies", 403),
        (roles.PORTAL, "get", "/api/v1/companies/export.csv", 403),
        (roles.CONSULTANT, "get", "/api/v1/companies/export.csv", 403),
        (roles.CONSULTANT, "get", "/api/v1/companies/imports/template.zip", 403),
        (roles.CONSULTANT, "post", "/api/v1/companies/imports", 403),
        (roles.CONSULTANT, "get", "/api/v1/companies", 200),
    ],
)
def test_api_checks_the_role(api_as, role, method, url, status):
    client = api_as(role)
    kwargs = (
        {"data": {"file": SimpleUploadedFile("c.csv", csv_bytes([csv_row()]))}}
        if method == "post"
        else {}
    )
    assert getattr(client, method)(url, **kwargs).status_code == status


def test_consultant_cannot_delete_over_the_api(api_as, make_company):
    company = make_company()
    assert api_as(roles.CONSULTANT).delete(f"/api/v1/companies/{company.pk}").status_code == 403
    assert Company.objects.filter(pk=company.pk).exists()


def test_session_api_calls_need_csrf(make_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user(roles.ADMINISTRATOR))
    assert client.get("/api/v1/companies").status_code == 200
    assert post_json(client, "/api/v1/companies", valid_company()).status_code == 403
    assert not Company.objects.exists()


def test_openapi_schema_and_local_docs(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/companies/imports/{job_id}/confirm" in schema["paths"]
    docs = client.get("/api/v1/docs").content.decode()
    assert "/static/ninja/" in docs and "cdn" not in docs.lower()


def test_api_upload_over_the_limit_or_missing_is_named(api, settings):
    settings.MAX_UPLOAD_BYTES = 2000
    data = csv_bytes([csv_row(rfc=moral_rfc(i)) for i in range(40)])
    response = api.post("/api/v1/companies/imports", {"file": SimpleUploadedFile("c.csv", data)})
    assert response.status_code == 422 and "pesa más de" in response.json()["errors"]["file"][0]
    assert "file" in api.post("/api/v1/companies/imports", {"mode": "create"}).json()["errors"]
    assert not ImportJob.objects.exists()
