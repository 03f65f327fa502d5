"""The first invoicing pages: environments, generator switch, movements upload, document page, admin."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cfdidesk.accounts import roles
from cfdidesk.invoicing import services
from cfdidesk.invoicing.models import CreditLoad, Document, StampBalance, State
from cfdidesk.invoicing.services.pipeline import pipeline_run

from .conftest import movement

pytestmark = pytest.mark.django_db


def test_environment_pages_and_generator_switch(client_as, environment):
    client = client_as(roles.CONSULTANT)
    listing = client.get("/facturacion/")
    assert listing.status_code == 200 and environment.name in listing.content.decode()
    page = client.get(f"/facturacion/{environment.pk}/")
    assert page.status_code == 200 and "Pausar generador" in page.content.decode()
    response = client.post(
        f"/facturacion/{environment.pk}/generador/", {"action": "pause", "reason": "Cambio de uso"}
    )
    assert response.status_code == 302
    environment.refresh_from_db()
    assert not environment.generator_running
    assert "Encender generador" in client.get(f"/facturacion/{environment.pk}/").content.decode()


def test_upload_movements_file_and_examples(client_as, environment):
    client = client_as(roles.CONSULTANT)
    example = client.get("/facturacion/ejemplo-movimientos.csv")
    assert example.status_code == 200 and "attachment" in example["Content-Disposition"]
    jsonl = client.get("/facturacion/ejemplo-movimientos.jsonl").content
    response = client.post(
        f"/facturacion/{environment.pk}/movimientos/",
        {"file": SimpleUploadedFile("m.jsonl", jsonl)},
    )
    assert response.status_code == 302 and Document.objects.count() == 4
    bad = client.post(
        f"/facturacion/{environment.pk}/movimientos/",
        {"file": SimpleUploadedFile("m.jsonl", b'{"movement_id": "X"}\n')},
    )
    assert bad.status_code == 422
    text = bad.content.decode()
    assert "No se guardó nada" in text and "document_type" in text
    assert Document.objects.count() == 4


def test_document_page_shows_xml_history_log_and_actions(client_as, environment):
    services.movements_receive(
        environment=environment, payloads=[movement("MOV-1"), movement("BAD-1", payment_form="99")]
    )
    pipeline_run(environment_id=environment.pk)
    client = client_as(roles.CONSULTANT)
    stamped = Document.objects.get(movement_id="MOV-1")
    page = client.get(f"/facturacion/documentos/{stamped.pk}/").content.decode()
    assert stamped.uuid in page and "TimbreFiscalDigital" in page and "Timbrado" in page
    download = client.get(f"/facturacion/documentos/{stamped.pk}/xml/")
    assert download["Content-Disposition"] == 'attachment; filename="A1.xml"'
    bad = Document.objects.get(movement_id="BAD-1")
    page = client.get(f"/facturacion/documentos/{bad.pk}/").content.decode()
    assert "solo se usa con el método de pago PPD" in page and "Reprocesar" in page
    client.post(f"/facturacion/documentos/{bad.pk}/cancelar/", {"reason": "No procede"})
    assert Document.objects.get(pk=bad.pk).state == State.CANCELLED


def test_portal_and_strangers_are_kept_out(client_as, environment, client):
    assert client_as(roles.PORTAL).get(f"/facturacion/{environment.pk}/").status_code == 403
    assert client_as(roles.PORTAL).get("/facturacion/").status_code == 403
    assert client.get("/facturacion/").status_code == 302


def test_administrators_load_credits_in_administracion(client_as, environment):
    client = client_as(roles.ADMINISTRATOR)
    assert client.get("/administracion/invoicing/invoicingenvironment/").status_code == 200
    response = client.post(
        "/administracion/invoicing/creditload/add/",
        {"rfc": "eku9003173c9", "quantity": 50, "note": "Compra"},
    )
    assert response.status_code == 302, response.content[:2000]
    assert StampBalance.objects.get(rfc="EKU9003173C9").available == 1050
    assert CreditLoad.objects.filter(rfc="EKU9003173C9", quantity=50).exists()
