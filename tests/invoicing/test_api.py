"""The invoicing API: documented in OpenAPI, role-checked, the same services as everywhere."""

import json

import pytest
from django.test import Client

from cfdidesk.accounts import roles
from cfdidesk.accounts.services import token_create
from cfdidesk.invoicing.models import Document, State
from cfdidesk.invoicing.services.pipeline import pipeline_run

from .conftest import csd, full_sat_xsd_valid, movement

pytestmark = pytest.mark.django_db


@pytest.fixture
def api_as(make_user):
    def make(role=roles.CONSULTANT):
        user = make_user(role)
        _token, raw = token_create(user=user, name="test")
        return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")

    return make


def post(client, url, data):
    return client.post(url, data=json.dumps(data), content_type="application/json")


def test_openapi_documents_the_invoicing_endpoints(api_as):
    schema = api_as().get("/api/v1/openapi.json").json()
    paths = schema["paths"]
    for path in [
        "/api/v1/environments",
        "/api/v1/environments/{environment_id}/movements",
        "/api/v1/environments/{environment_id}/documents",
        "/api/v1/documents/{document_id}",
        "/api/v1/documents/{document_id}/xml",
        "/api/v1/environments/{environment_id}/generator",
        "/api/v1/environments/{environment_id}/log",
    ]:
        assert path in paths, path
    body = paths["/api/v1/environments/{environment_id}/movements"]["post"]["requestBody"][
        "content"
    ]["application/json"]["schema"]
    assert {"$ref": "#/components/schemas/MovementIn"} in body["oneOf"]
    assert (
        "MovementIn" in schema["components"]["schemas"]
        and "ConceptIn" in schema["components"]["schemas"]
    )


def test_send_movements_and_follow_them_to_the_stamped_xml(api_as, environment):
    client = api_as()
    url = f"/api/v1/environments/{environment.pk}/movements"
    response = post(client, url, [movement("MOV-1"), movement("MOV-2")])
    assert response.status_code == 202, response.content
    assert response.json()["accepted"] == 2
    again = post(client, url, {"movements": [movement("MOV-1")]}).json()
    assert again["items"][0]["status"] == "already_received"
    single = post(client, url, movement("MOV-3"))
    assert single.status_code == 202 and single.json()["accepted"] == 1
    pipeline_run(environment_id=environment.pk)

    page = client.get(f"/api/v1/environments/{environment.pk}/documents").json()
    assert [d["movement_id"] for d in page["items"]] == ["MOV-3", "MOV-2", "MOV-1"]
    first = Document.objects.get(movement_id="MOV-1")
    detail = client.get(f"/api/v1/documents/{first.pk}").json()
    assert detail["state"] == "stamped" and detail["state_label"] == "Timbrado"
    assert (
        detail["file_name"] == "A1.xml"
        and detail["uuid"] == first.uuid
        and detail["series_folio"] == "A-1"
    )
    assert [h["to_state"] for h in detail["history"]] == [
        "received",
        "pre",
        "waiting_for_input",
        "stamped",
    ]
    assert detail["movement"]["receptor"]["rfc"] == "XIQB891116QE4"
    assert [line["stage"] for line in detail["log"]] == [
        "intake",
        "mapping",
        "validation",
        "generator",
    ]
    xml = client.get(detail["xml_url"])
    assert xml["Content-Type"].startswith("application/xml")
    assert 'filename="A1.xml"' in xml["Content-Disposition"]
    full_sat_xsd_valid(xml.content)
    pre = client.get(f"/api/v1/documents/{first.pk}/xml?kind=pre")
    assert b'Sello=""' in pre.content and "PRE_A1.xml" in pre["Content-Disposition"]


def test_a_refused_batch_answers_422_with_every_error(api_as, environment):
    client = api_as()
    url = f"/api/v1/environments/{environment.pk}/movements"
    bad = movement("MOV-2", concepts=[{**movement()["concepts"][0], "quantity": "0"}])
    response = post(client, url, [movement("MOV-1"), bad])
    assert response.status_code == 422
    body = response.json()
    assert "rechazó completo" in body["detail"]
    assert body["errors"] == [
        {
            "index": 1,
            "movement_id": "MOV-2",
            "field": "concepts[0].quantity",
            "message": "Debe ser mayor que cero; trae 0.",
        }
    ]
    assert not Document.objects.exists()
    malformed = client.post(url, data=b'{"movement_id": ', content_type="application/json")
    assert malformed.status_code == 422 and "no es JSON válido" in malformed.json()["detail"]


def test_filters_and_search(api_as, environment):
    client = api_as()
    post(
        client,
        f"/api/v1/environments/{environment.pk}/movements",
        [
            movement("MOV-1"),
            movement(
                "MOV-2",
                receptor={
                    "rfc": "JES900109Q90",
                    "name": "J",
                    "tax_regime": "601",
                    "postal_code": "36257",
                },
            ),
            movement("BAD-1", receptor={"tax_regime": "605", "cfdi_use": "G01"}),
            movement("NC-1", document_type="E"),
        ],
    )
    pipeline_run(environment_id=environment.pk)
    url = f"/api/v1/environments/{environment.pk}/documents"

    def ids(query):
        return [d["movement_id"] for d in client.get(url + query).json()["items"]]

    assert ids("?state=validation_error") == ["BAD-1"]
    assert ids("?type=E") == ["NC-1"]
    assert ids("?receptor_rfc=jes900109q90") == ["MOV-2"]
    assert ids("?series=NC") == ["NC-1"]
    assert ids("?search=MOV-2") == ["MOV-2"]
    assert ids("?search=A-1") == ["MOV-1"] and ids("?search=a2") == ["MOV-2"]
    uuid = Document.objects.get(movement_id="MOV-2").uuid
    assert ids(f"?search={uuid.lower()}") == ["MOV-2"]
    assert ids("?search=NC1.xml") == ["NC-1"]
    assert ids("?search=PRE_ABAD-1.xml") == ["BAD-1"]
    assert ids("?date_from=2000-01-01&page_size=2") == ["NC-1", "BAD-1"]
    assert client.get(url + "?date_from=2000-01-01&page_size=2").json()["has_next"] is True
    assert ids("?date_to=2000-01-01") == []


def test_generator_pause_resume_and_log(api_as, environment):
    client = api_as()
    url = f"/api/v1/environments/{environment.pk}/generator"
    paused = post(client, url, {"action": "pause", "reason": "Cambio de UsoCFDI"}).json()
    assert paused["running"] is False and paused["changed"] is True and paused["changed_by"]
    post(client, f"/api/v1/environments/{environment.pk}/movements", [movement("MOV-1")])
    pipeline_run(environment_id=environment.pk)
    state = client.get(url).json()
    assert state["pending"] == 1 and state["events"][0]["action"] == "pause"
    assert Document.objects.get().state == State.WAITING_FOR_INPUT
    resumed = post(client, url, {"action": "resume"}).json()
    assert resumed["running"] is True
    pipeline_run(environment_id=environment.pk)
    assert Document.objects.get().state == State.STAMPED
    assert post(client, url, {"action": "explode"}).status_code == 422
    log = client.get(f"/api/v1/environments/{environment.pk}/log?movement=MOV-1").json()
    assert {line["movement_id"] for line in log} == {"MOV-1"} and log[-1]["stage"] == "generator"
    everything = client.get(f"/api/v1/environments/{environment.pk}/log").json()
    assert any("Generador pausado" in line["message"] for line in everything)


def test_reprocess_and_cancel_through_the_api(api_as, environment):
    client = api_as()
    post(
        client,
        f"/api/v1/environments/{environment.pk}/movements",
        [movement("BAD-1", payment_form="99"), movement("MOV-2")],
    )
    pipeline_run(environment_id=environment.pk)
    bad = Document.objects.get(movement_id="BAD-1")
    answer = post(client, f"/api/v1/documents/{bad.pk}/reprocess", {"reason": "otra vez"}).json()
    assert answer["state"] == "received" and answer["waiting_for_input"] is True
    cancelled = post(
        client, f"/api/v1/documents/{bad.pk}/cancel", {"reason": "Lo emitirán de nuevo"}
    ).json()
    assert cancelled["state"] == "cancelled"
    stamped = Document.objects.get(movement_id="MOV-2")
    refused = post(client, f"/api/v1/documents/{stamped.pk}/cancel", {"reason": "x"})
    assert refused.status_code == 422


def test_environment_detail_and_credits(api_as, environment):
    detail = api_as().get(f"/api/v1/environments/{environment.pk}").json()
    assert detail["emitter_rfc"] == "EKU9003173C9" and detail["has_csd"] is True
    assert (
        detail["series"] == {"I": "A", "E": "NC", "P": "P", "N": "NOM"}
        and detail["stamp_credits"] == 1000
    )
    assert "key_encrypted" not in json.dumps(detail) and "password" not in json.dumps(detail)
    assert (
        api_as(roles.CONSULTANT)
        .post(
            f"/api/v1/environments/{environment.pk}/credits",
            data=json.dumps({"quantity": 5}),
            content_type="application/json",
        )
        .status_code
        == 403
    )
    loaded = post(
        api_as(roles.BILLING), f"/api/v1/environments/{environment.pk}/credits", {"quantity": 5}
    ).json()
    assert loaded["available"] == 1005
    assert (
        post(
            api_as(roles.BILLING), f"/api/v1/environments/{environment.pk}/credits", {"quantity": 0}
        ).status_code
        == 422
    )


def test_administrators_create_environments_and_upload_the_csd(api_as, emitter_company):
    admin = api_as(roles.ADMINISTRATOR)
    created = post(
        admin, "/api/v1/environments", {"company_id": emitter_company.pk, "name": "Pruebas"}
    )
    assert created.status_code == 201
    environment_id = created.json()["id"]
    assert (
        post(
            api_as(roles.SUPERVISOR),
            "/api/v1/environments",
            {"company_id": emitter_company.pk, "name": "X"},
        ).status_code
        == 403
    )
    cer, key, password = csd()
    from django.core.files.uploadedfile import SimpleUploadedFile

    url = f"/api/v1/environments/{environment_id}/csd"
    wrong = admin.post(
        url,
        {
            "certificate": SimpleUploadedFile("a.cer", cer),
            "key": SimpleUploadedFile("a.key", key),
            "password": "mala",
        },
    )
    assert wrong.status_code == 422 and "contraseña" in wrong.json()["errors"]["password"][0]
    right = admin.post(
        url,
        {
            "certificate": SimpleUploadedFile("a.cer", cer),
            "key": SimpleUploadedFile("a.key", key),
            "password": password,
        },
    )
    assert right.status_code == 200 and right.json()["certificate_number"] == "30001000000400002434"
    assert password not in right.content.decode()


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/environments",
        "/api/v1/environments/{env}",
        "/api/v1/environments/{env}/documents",
        "/api/v1/environments/{env}/generator",
        "/api/v1/environments/{env}/log",
        "/api/v1/documents/{doc}",
        "/api/v1/documents/{doc}/xml",
    ],
)
def test_portal_contacts_get_403_and_strangers_401(api_as, environment, path):
    from cfdidesk.invoicing import services

    services.movements_receive(environment=environment, payloads=[movement("MOV-1")])
    pipeline_run(environment_id=environment.pk)
    url = path.format(env=environment.pk, doc=Document.objects.get().pk)
    assert api_as(roles.PORTAL).get(url).status_code == 403
    assert Client().get(url).status_code == 401
    assert api_as(roles.CONSULTANT).get(url).status_code == 200


def test_portal_cannot_send_movements(api_as, environment):
    response = post(
        api_as(roles.PORTAL),
        f"/api/v1/environments/{environment.pk}/movements",
        [movement("MOV-1")],
    )
    assert response.status_code == 403 and not Document.objects.exists()


def test_unknown_environment_is_404(api_as):
    response = post(api_as(), "/api/v1/environments/999999/movements", [movement("MOV-1")])
    assert response.status_code == 404


def test_the_documents_list_costs_the_same_queries_whatever_its_size(api_as, environment):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cfdidesk.invoicing import services

    client = api_as()
    url = f"/api/v1/environments/{environment.pk}/documents?page_size=50"
    services.movements_receive(
        environment=environment, payloads=[movement(f"M{n}") for n in range(3)]
    )
    client.get(url)  # the token's first use of the day writes its last-used date
    with CaptureQueriesContext(connection) as small:
        client.get(url)
        client.get(
            url + "&state=received&search=M1"
        )  # a search looks its ids up first: one query per kind of match
    services.movements_receive(
        environment=environment, payloads=[movement(f"N{n}") for n in range(60)]
    )
    with CaptureQueriesContext(connection) as large:
        client.get(url)
        client.get(url + "&state=received&search=M1")
    assert len(large) == len(small)


def test_an_oversized_request_is_413_with_a_clear_message(api_as, environment, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    body = [movement(f"M{n}") for n in range(30)]
    response = post(api_as(), f"/api/v1/environments/{environment.pk}/movements", body)
    assert response.status_code == 413 and "divide el lote" in response.json()["detail"]
    assert not Document.objects.exists()
