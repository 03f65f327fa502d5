import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cfdidesk.accounts import roles
from cfdidesk.customers.models import Company, ImportJob
from tests.conftest import csv_bytes, csv_row, moral_rfc, valid_company


def rows_of(response) -> str:
    return response.content.decode()


@pytest.fixture
def catalog(make_company):
    make_company(
        legal_name="Abarrotes La Esperanza",
        rfc=moral_rfc(1),
        email="facturas@esperanza.mx",
        postal_code="44100",
    )
    make_company(
        legal_name="Ñandú Tecnologías",
        trade_name="Ñandú Tech",
        rfc=moral_rfc(2),
        email="pagos@nandu.mx",
        email_3="tesoreria@nandu.mx",
        postal_code="06600",
    )
    make_company(
        legal_name="José Pérez",
        rfc="GODE561231GR8",
        tax_regime="612",
        postal_code="64000",
        email="jose@correo.mx",
    )


@pytest.mark.parametrize(
    "query, expected, not_expected",
    [
        (moral_rfc(1)[:5], "Abarrotes", "Ñandú"),
        ("GODE56", "José Pérez", "Abarrotes"),
        ("tesoreria@nandu", "Ñandú", "Abarrotes"),
        ("facturas@esperanza.mx", "Abarrotes", "Ñandú"),
        ("44100", "Abarrotes", "Ñandú"),
        ("nandu", "Ñandú", "Abarrotes"),  # accents ignored
        ("ÑANDÚ TECH", "Ñandú", "José"),  # trade name, case ignored
        ("esperanza", "Abarrotes", "José"),
    ],
)
def test_one_search_box_finds_by_name_trade_name_rfc_email_and_postal_code(
    admin_client, catalog, query, expected, not_expected
):
    html = rows_of(admin_client.get("/clientes/", {"q": query}))
    assert expected in html and not_expected not in html


def test_list_sorts_and_paginates(admin_client, make_company):
    for i in range(30):
        make_company(legal_name=f"Empresa {i:02d}", rfc=moral_rfc(i + 10), email=f"e{i}@x.mx")
    first = rows_of(admin_client.get("/clientes/", {"orden": "-nombre"}))
    assert first.index("Empresa 29") < first.index("Empresa 28")
    assert "Empresa 04" not in first and "Siguiente" in first
    second = rows_of(admin_client.get("/clientes/", {"orden": "-nombre", "pagina": 2}))
    assert "Empresa 04" in second and "Empresa 29" not in second


def test_list_page_query_count_does_not_grow_with_rows(
    admin_client, make_company, django_assert_max_num_queries
):
    make_company(rfc=moral_rfc(1))
    with django_assert_max_num_queries(6) as few:
        admin_client.get("/clientes/")
    for i in range(40):
        make_company(rfc=moral_rfc(i + 2), email=f"x{i}@x.mx")
    with django_assert_max_num_queries(len(few.captured_queries)):
        admin_client.get("/clientes/", {"q": "comercializadora"})


def test_htmx_search_returns_only_the_results_fragment(admin_client, catalog):
    response = admin_client.get("/clientes/", {"q": "GODE"}, HTTP_HX_REQUEST="true")
    html = rows_of(response)
    assert "José Pérez" in html and "<html" not in html


def test_sat_fields_offer_only_what_sat_allows_for_the_rfc(admin_client):
    fisica = rows_of(admin_client.get("/clientes/campos-sat/", {"rfc": "GODE561231GR8"}))
    assert 'value="612"' in fisica and 'value="601"' not in fisica
    moral = rows_of(
        admin_client.get("/clientes/campos-sat/", {"rfc": moral_rfc(1), "tax_regime": "601"})
    )
    assert 'value="601"' in moral and 'value="605"' not in moral
    assert 'value="G03"' in moral and 'value="D01"' not in moral


def test_add_form_shows_spanish_errors_and_saves_nothing(admin_client):
    response = admin_client.post(
        "/clientes/nuevo/", valid_company(rfc="ABC", email="malo", postal_code="00001")
    )
    html = rows_of(response)
    assert response.status_code == 200
    assert (
        "12 caracteres" in html and "no es un correo electrónico válido" in html and "00001" in html
    )
    assert not Company.objects.exists()


def test_add_form_creates_and_shows_check_digit_warning(admin_client):
    response = admin_client.post(
        "/clientes/nuevo/",
        valid_company(rfc="VACE460910SX6", tax_regime="612", cfdi_use="G03"),
        follow=True,
    )
    html = rows_of(response)
    assert "agregado" in html and "dígito verificador" in html
    assert Company.objects.get().rfc == "VACE460910SX6"


def test_edit_with_a_stale_form_is_refused(admin_client, make_company):
    company = make_company()
    data = valid_company(phone="55 1", version=company.version)
    admin_client.post(f"/clientes/{company.pk}/editar/", data)
    response = admin_client.post(f"/clientes/{company.pk}/editar/", dict(data, phone="55 2"))
    assert "Otra persona modificó" in rows_of(response)
    assert Company.objects.get().phone == "55 1"


def test_delete_archives_with_history_and_archived_list_shows_it(admin_client, make_company, actor):
    from cfdidesk.customers.services import contact_create

    company = make_company()
    contact_create(actor=actor, company=company, data={"name": "Laura"})
    page = rows_of(admin_client.get(f"/clientes/{company.pk}/eliminar/"))
    assert "se archivará" in page
    response = admin_client.post(f"/clientes/{company.pk}/eliminar/", follow=True)
    assert "se archivó" in rows_of(response)
    assert company.legal_name not in rows_of(admin_client.get("/clientes/"))
    assert company.legal_name in rows_of(admin_client.get("/clientes/", {"estado": "archivados"}))


def test_company_page_shows_contacts_and_history(admin_client, make_company):
    company = make_company()
    admin_client.post(
        f"/clientes/{company.pk}/contactos/nuevo/",
        {"name": "Laura Méndez", "email": "laura@x.mx", "language": "es-mx"},
    )
    html = rows_of(admin_client.get(f"/clientes/{company.pk}/"))
    assert (
        "Laura Méndez" in html and "agregó el contacto" in html and "dio de alta el cliente" in html
    )


def test_contact_with_bad_email_is_refused(admin_client, make_company):
    company = make_company()
    html = rows_of(
        admin_client.post(f"/clientes/{company.pk}/contactos/nuevo/", {"name": "", "email": "x"})
    )
    assert "Escribe el nombre" in html and "no es un correo" in html
    assert not company.contacts.exists()


def test_upload_page_refuses_non_csv_with_a_message(admin_client):
    response = admin_client.post(
        "/clientes/carga-masiva/",
        {"file": SimpleUploadedFile("clientes.xlsx", b"PK\x03\x04"), "mode": "create"},
    )
    assert "Solo se aceptan archivos .CSV" in rows_of(response)
    assert not ImportJob.objects.exists()


def test_upload_runs_and_status_pages_show_progress_and_row_errors(
    admin_client, django_capture_on_commit_callbacks
):
    data = csv_bytes([csv_row(rfc=moral_rfc(1)), csv_row(rfc=moral_rfc(2), postal_code="00001")])
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            "/clientes/carga-masiva/", {"file": SimpleUploadedFile("c.csv", data), "mode": "create"}
        )
    response = admin_client.get(response["Location"])
    html = rows_of(response)
    job = ImportJob.objects.get()
    assert job.state == ImportJob.State.AWAITING_CONFIRMATION
    assert "Espera confirmación" in html and "00001" in html and "Código postal" in html
    assert "c.csv" in rows_of(admin_client.get("/clientes/carga-masiva/procesos/"))
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(f"/clientes/carga-masiva/procesos/{job.pk}/confirmar/")
    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE and Company.objects.count() == 1
    company = Company.objects.get()
    assert f"creado con la carga masiva #{job.pk}" in rows_of(
        admin_client.get(f"/clientes/{company.pk}/")
    )


def test_template_download_is_a_zip(admin_client):
    response = admin_client.get("/clientes/carga-masiva/ejemplo.zip")
    assert response["Content-Type"] == "application/zip" and response.content[:2] == b"PK"


@pytest.mark.parametrize(
    "role, url, status",
    [
        (roles.PORTAL, "/clientes/", 403),
        (roles.PORTAL, "/clientes/nuevo/", 403),
        (roles.CONSULTANT, "/clientes/carga-masiva/", 403),
        (roles.CONSULTANT, "/clientes/exportar.csv", 403),
        (roles.CONSULTANT, "/clientes/carga-masiva/procesos/", 403),
        (roles.CONSULTANT, "/clientes/", 200),
        (roles.BILLING, "/clientes/carga-masiva/", 200),
    ],
)
def test_pages_check_the_role(client_as, role, url, status):
    assert client_as(role).get(url).status_code == status


def test_consultant_cannot_delete(client_as, make_company):
    company = make_company()
    assert client_as(roles.CONSULTANT).post(f"/clientes/{company.pk}/eliminar/").status_code == 403
    assert Company.objects.filter(pk=company.pk).exists()


def test_anonymous_is_sent_to_log_in(client):
    response = client.get("/clientes/")
    assert response.status_code == 302 and "/cuenta/entrar/" in response["Location"]


def test_export_streams_every_company_in_template_columns(admin_client, make_company):
    from cfdidesk.customers import csv_format

    make_company(legal_name="Año Nuevo, S.A.")
    response = admin_client.get("/clientes/exportar.csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0].split(",") == csv_format.LABELS
    assert "Año Nuevo, S.A." in lines[1]


def test_an_upload_over_the_limit_is_cut_off_and_named(admin_client, settings):
    settings.MAX_UPLOAD_BYTES = 2000
    data = csv_bytes([csv_row(rfc=moral_rfc(i)) for i in range(40)])
    assert len(data) > 2000
    response = admin_client.post(
        "/clientes/carga-masiva/", {"file": SimpleUploadedFile("c.csv", data), "mode": "create"}
    )
    html = rows_of(response)
    assert "pesa más de 2.0" in html and not ImportJob.objects.exists()
