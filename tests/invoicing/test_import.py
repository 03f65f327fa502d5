"""Import of CFDI stamped elsewhere (.xml or .zip): recognised by the TimbreFiscalDigital, all or nothing."""

import io
import json
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings

from cfdidesk.accounts import roles
from cfdidesk.accounts.services import token_create
from cfdidesk.invoicing import selectors, services
from cfdidesk.invoicing.models import Document, DocumentXml, FolioCounter, State, StateCount
from cfdidesk.invoicing.services.pipeline import pipeline_run

from .conftest import movement

pytestmark = pytest.mark.django_db


@pytest.fixture
def stamped_files(environment):
    """Three CFDI stamped by the sandbox PAC with SAT's test CSD, then removed from the registry:
    as if stamped by another provider before the customer moved here."""
    services.movements_receive(
        environment=environment, payloads=[movement(f"OLD-{i}") for i in range(1, 4)]
    )
    pipeline_run(environment_id=environment.pk)
    documents = list(Document.objects.filter(environment=environment).order_by("id"))
    files = [
        (d.file_name, DocumentXml.objects.get(document=d).stamped_xml.encode(), d.uuid)
        for d in documents
    ]
    assert [f[0] for f in files] == ["A1.xml", "A2.xml", "A3.xml"]
    Document.objects.filter(
        environment=environment
    ).delete()  # no service deletes documents: reset the counters too
    StateCount.objects.filter(environment=environment).delete()
    FolioCounter.objects.filter(environment=environment).update(last=0)
    return files


def _zip(entries) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries:
            archive.writestr(name, data)
    return buffer.getvalue()


def test_zip_import_registers_stamped_documents_and_moves_folios_forward(
    environment, actor, stamped_files
):
    result = services.documents_import(
        environment=environment,
        name="anteriores.zip",
        data=_zip([(f"2024/{n}", d) for n, d, _u in stamped_files]),
        actor=actor,
    )
    assert len(result.imported) == 3 and result.duplicates == []
    imported = Document.objects.get(uuid=stamped_files[1][2])
    assert (
        imported.state == State.STAMPED
        and not imported.input_flag
        and imported.series_folio == "A-2"
    )
    assert (
        imported.file_name == "A2.xml"
        and imported.receptor_rfc == "XIQB891116QE4"
        and imported.stamped_at
    )
    assert imported.transitions.get().reason == "Importado de un XML timbrado."
    assert (
        FolioCounter.objects.get(environment=environment, series="A", document_type="I").last == 3
    )
    assert selectors.state_counts(environment)[State.STAMPED] == 3
    # The generator continues after the imported folios.
    services.movements_receive(environment=environment, payloads=[movement("NEW-1")])
    pipeline_run(environment_id=environment.pk)
    assert Document.objects.get(movement_id="NEW-1").series_folio == "A-4"
    # The same files again: reported as duplicates, never stored twice.
    again = services.documents_import(
        environment=environment, name=stamped_files[0][0], data=stamped_files[0][1], actor=actor
    )
    assert (
        again.imported == []
        and len(again.duplicates) == 1
        and "ya está registrado" in again.duplicates[0].message
    )
    assert Document.objects.filter(environment=environment).count() == 4


def _other_emitter(data: bytes) -> bytes:
    text = data.decode()
    start = text.index("<cfdi:Emisor")
    end = text.index(">", start)
    return (
        text[:start]
        + text[start:end].replace('Rfc="EKU9003173C9"', 'Rfc="XIQB891116QE4"')
        + text[end:]
    ).encode()


@pytest.mark.parametrize(
    ("name", "make", "message"),
    [
        (
            "x.xml",
            lambda d: b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "b">]><r>&a;</r>',
            "DOCTYPE o ENTITY",
        ),
        ("x.xml", lambda d: b"<factura/>", "No es un CFDI 4.0"),
        (
            "x.xml",
            lambda d: d.replace(b"<tfd:TimbreFiscalDigital", b"<tfd:Otro").replace(
                b"</tfd:TimbreFiscalDigital", b"</tfd:Otro"
            ),
            "no está timbrado",
        ),
        ("x.xml", _other_emitter, "este ambiente emite como EKU9003173C9"),
        ("x.xml", lambda d: b"<cfdi:Comprobante", "no está bien formado"),
        ("x.zip", lambda d: _zip([("../fuera.xml", d)]), "ruta fuera de su carpeta"),
        ("x.zip", lambda d: b"no soy zip", "no es un .zip válido"),
        ("x.zip", lambda d: _zip([("leeme.txt", b"hola")]), "no trae ningún archivo .xml"),
        ("x.pdf", lambda d: d, "Sube un archivo .xml o un .zip"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message_and_nothing_saved(
    environment, actor, stamped_files, name, make, message
):
    before = (
        Document.objects.count(),
        FolioCounter.objects.get(environment=environment, series="A", document_type="I").last,
    )
    with pytest.raises(services.ImportRefused) as refused:
        services.documents_import(
            environment=environment, name=name, data=make(stamped_files[0][1]), actor=actor
        )
    text = refused.value.message + " ".join(e.message for e in refused.value.errors)
    assert message in text
    assert (
        Document.objects.count(),
        FolioCounter.objects.get(environment=environment, series="A", document_type="I").last,
    ) == before


def test_one_bad_file_refuses_the_whole_zip(environment, actor, stamped_files):
    entries = [(n, d) for n, d, _u in stamped_files] + [
        ("ajeno.xml", _other_emitter(stamped_files[0][1]))
    ]
    with pytest.raises(services.ImportRefused) as refused:
        services.documents_import(
            environment=environment, name="lote.zip", data=_zip(entries), actor=actor
        )
    assert (
        "No se importó nada" in refused.value.message
        and refused.value.errors[0].file == "ajeno.xml"
    )
    assert Document.objects.filter(environment=environment).count() == 0


def test_size_limits(environment, actor, stamped_files):
    with (
        override_settings(INVOICING_XML_MAX_BYTES=1000),
        pytest.raises(services.ImportRefused) as refused,
    ):
        services.documents_import(
            environment=environment, name="a.xml", data=stamped_files[0][1], actor=actor
        )
    assert "el máximo es 1,000" in refused.value.errors[0].message
    with (
        override_settings(INVOICING_UPLOAD_MAX_BYTES=1000),
        pytest.raises(services.ImportRefused) as refused,
    ):
        services.documents_import(
            environment=environment,
            name="a.zip",
            data=_zip([(n, d) for n, d, _u in stamped_files]),
            actor=actor,
        )
    assert "pesa más de" in refused.value.message


def test_a_folio_already_used_by_another_cfdi_is_refused(environment, actor, stamped_files):
    services.movements_receive(environment=environment, payloads=[movement("NEW-1")])
    pipeline_run(environment_id=environment.pk)  # takes A-1 again, since the counter was reset
    with pytest.raises(services.ImportRefused) as refused:
        services.documents_import(
            environment=environment, name="A1.xml", data=stamped_files[0][1], actor=actor
        )
    assert "ya lo tiene el documento «A1.xml»" in refused.value.errors[0].message


def test_import_from_the_page(client_as, environment, stamped_files):
    client = client_as(roles.CONSULTANT)
    url = f"/facturacion/{environment.pk}/importar/"
    ok = client.post(
        url,
        {"file": SimpleUploadedFile("lote.zip", _zip([(n, d) for n, d, _u in stamped_files]))},
        follow=True,
    )
    assert "Importados 3 CFDI timbrados" in ok.content.decode()
    bad = client.post(url, {"file": SimpleUploadedFile("x.xml", b"<factura/>")})
    assert bad.status_code == 422 and "No es un CFDI 4.0" in bad.content.decode()
    assert (
        client_as(roles.PORTAL)
        .post(url, {"file": SimpleUploadedFile("x.xml", b"<a/>")})
        .status_code
        == 403
    )


def test_import_through_the_api(make_user, environment, stamped_files):
    _token, raw = token_create(user=make_user(roles.CONSULTANT), name="t")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    url = f"/api/v1/environments/{environment.pk}/documents/import"
    name, data, uuid = stamped_files[0]
    created = api.post(url, {"file": SimpleUploadedFile(name, data)})
    assert created.status_code == 201, created.content
    body = created.json()
    assert (
        body["imported"] == 1 and body["documents"][0]["uuid"] == uuid and body["duplicates"] == []
    )
    again = api.post(url, {"file": SimpleUploadedFile(name, data)}).json()
    assert again["imported"] == 0 and again["duplicates"][0]["file"] == name
    refused = api.post(url, {"file": SimpleUploadedFile("x.xml", b"<factura/>")})
    assert refused.status_code == 422 and refused.json()["errors"][0]["file"] == "x.xml"
    schema = json.loads(api.get("/api/v1/openapi.json").content)
    assert "/api/v1/environments/{environment_id}/documents/import" in schema["paths"]


def test_a_folio_that_only_looks_numeric_is_no_server_error(environment, actor, stamped_files):
    """«²» is a digit to Python's isdigit() but not to int(): it must not end in a 500."""
    data = stamped_files[0][1].replace(b'Folio="1"', 'Folio="²"'.encode())
    assert data != stamped_files[0][1]
    try:
        result = services.documents_import(
            environment=environment, name="A1.xml", data=data, actor=actor
        )
    except services.ImportRefused:
        return
    assert [d.folio for d in result.imported] == [None]
