import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from cfdidesk.customers import csv_format
from cfdidesk.customers.models import Company, ImportJob
from cfdidesk.customers.services import company_create, import_job_confirm, import_job_create
from tests.conftest import csv_bytes, csv_row, moral_rfc, valid_company


@pytest.fixture
def run_import(actor, django_capture_on_commit_callbacks):
    def run(data: bytes, name="clientes.csv", **kwargs) -> ImportJob:
        with django_capture_on_commit_callbacks(execute=True):
            job = import_job_create(actor=actor, upload=SimpleUploadedFile(name, data), **kwargs)
        job.refresh_from_db()
        return job

    return run


def refused(actor, data: bytes, name="clientes.csv") -> str:
    with pytest.raises(ValidationError) as exc:
        import_job_create(actor=actor, upload=SimpleUploadedFile(name, data))
    assert not ImportJob.objects.exists()
    return " ".join(exc.value.message_dict["file"])


def test_template_zip_has_csv_with_exact_header_and_spanish_instructions():
    archive = zipfile.ZipFile(io.BytesIO(csv_format.template_zip()))
    assert set(archive.namelist()) >= {"plantilla_clientes.csv", "INSTRUCCIONES.txt"}
    header = archive.read("plantilla_clientes.csv").decode("utf-8-sig").splitlines()[0]
    assert header.split(",") == csv_format.LABELS
    assert (
        "no se cargará" in archive.read("INSTRUCCIONES.txt").decode()
        or "se rechaza" in archive.read("INSTRUCCIONES.txt").decode()
    )


def test_the_template_itself_imports_cleanly(run_import):
    data = zipfile.ZipFile(io.BytesIO(csv_format.template_zip())).read("plantilla_clientes.csv")
    job = run_import(data)
    assert job.state == ImportJob.State.DONE, job.message
    assert job.created_count == 2


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_accents_and_enye_survive_every_encoding_excel_writes(run_import, encoding):
    job = run_import(
        csv_bytes([csv_row(legal_name="Peñasco Ñandú Óptica, S.A.")], encoding=encoding)
    )
    assert job.state == ImportJob.State.DONE, job.message
    assert Company.objects.get().legal_name == "Peñasco Ñandú Óptica, S.A."


def test_semicolon_separated_file_is_read(run_import):
    job = run_import(csv_bytes([csv_row()], delimiter=";"))
    assert job.state == ImportJob.State.DONE and job.created_count == 1


@pytest.mark.parametrize(
    "header, fragment",
    [
        (
            ["Razon social", *csv_format.LABELS[1:]],
            "columna 1 debe llamarse «Razón social» y se llama «Razon social»",
        ),
        (
            [csv_format.LABELS[1], csv_format.LABELS[0], *csv_format.LABELS[2:]],
            "columna 1 debe llamarse «Razón social» y se llama «RFC»",
        ),
        (csv_format.LABELS[:-1], "Falta la columna 19, «Notas»"),
        ([*csv_format.LABELS, "Extra"], "columna 20, «Extra», no está en la plantilla"),
    ],
)
def test_a_differing_header_refuses_the_whole_file_naming_the_first_wrong_column(
    actor, header, fragment
):
    assert fragment in refused(actor, csv_bytes([csv_row()], header=header))


@pytest.mark.parametrize(
    "data, name, fragment",
    [
        (b"", "c.csv", "vacío"),
        (csv_bytes([]), "c.csv", "solo tiene la fila de encabezados"),
        (b"PK\x03\x04" + b"\x00" * 200, "c.csv", "libro de Excel (.xlsx)"),
        (bytes(range(256)) * 20, "c.csv", "no es un CSV de texto"),
        ("Razón social".encode("utf-16"), "c.csv", "UTF-16"),
        (csv_bytes([csv_row()]), "clientes.xlsx", "Solo se aceptan archivos .CSV"),
    ],
)
def test_files_that_are_not_our_csv_are_refused(actor, data, name, fragment):
    assert fragment in refused(actor, data, name)


def test_file_over_the_size_limit_is_refused_saying_the_limit(actor, settings):
    settings.CUSTOMER_IMPORT_MAX_BYTES = 1000
    message = refused(actor, csv_bytes([csv_row(rfc=moral_rfc(i)) for i in range(30)]))
    assert "el máximo es 1000" in message


def test_rows_with_errors_write_nothing_until_confirmed(
    run_import, actor, django_capture_on_commit_callbacks
):
    rows = [
        csv_row(rfc=moral_rfc(1)),
        csv_row(rfc="ABC123"),  # row 3
        csv_row(rfc=moral_rfc(3), tax_regime="605"),  # row 4
        csv_row(rfc=moral_rfc(4), cfdi_use="D01"),  # row 5
        csv_row(rfc=moral_rfc(5), email_3="x@y.mx z@y.mx"),  # row 6: a fourth e-mail
        csv_row(rfc=moral_rfc(6), postal_code="00001"),  # row 7
        csv_row(rfc=moral_rfc(1)),  # row 8: repeated in the file
        csv_row(rfc=moral_rfc(8)),
    ]
    job = run_import(csv_bytes(rows))
    assert job.state == ImportJob.State.AWAITING_CONFIRMATION
    assert (job.total_rows, job.valid_rows, job.invalid_rows) == (8, 2, 6)
    assert not Company.objects.exists()
    issues = {(i.row_number, i.column): i.message for i in job.issues.all()}
    assert "12 caracteres" in issues[(3, "RFC")]
    assert "no aplica a personas morales" in issues[(4, "Régimen fiscal")]
    assert "no aplica a personas morales" in issues[(5, "Uso CFDI")]
    assert "hasta dos adicionales" in issues[(6, "Correo adicional 2")]
    assert "00001" in issues[(7, "Código postal")]
    assert "fila 2" in issues[(8, "RFC")]

    with django_capture_on_commit_callbacks(execute=True):
        assert import_job_confirm(actor=actor, job=job)
    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE and job.created_count == 2
    assert Company.objects.count() == 2


def test_auto_confirm_imports_the_valid_rows_without_asking(run_import):
    job = run_import(csv_bytes([csv_row(rfc=moral_rfc(1)), csv_row(rfc="MALO")]), auto_confirm=True)
    assert job.state == ImportJob.State.DONE and job.created_count == 1 and job.invalid_rows == 1


def test_no_valid_row_fails_and_writes_nothing(run_import):
    job = run_import(csv_bytes([csv_row(rfc="MALO")]), auto_confirm=True)
    assert job.state == ImportJob.State.FAILED and "Ninguna fila es válida" in job.message
    assert not Company.objects.exists()


def test_create_only_refuses_rfcs_already_in_the_catalog(run_import, actor):
    company_create(actor=actor, data=valid_company(rfc=moral_rfc(1)))
    job = run_import(csv_bytes([csv_row(rfc=moral_rfc(1))]))
    assert job.state == ImportJob.State.FAILED
    assert "Ya existe un cliente con el RFC" in job.issues.get().message


def test_upsert_updates_by_rfc_and_generic_rfcs_always_create(run_import, actor):
    company_create(actor=actor, data=valid_company(rfc=moral_rfc(1), legal_name="Nombre viejo"))
    company_create(
        actor=actor,
        data=valid_company(
            rfc="XAXX010101000", tax_regime="616", cfdi_use="S01", legal_name="Mostrador"
        ),
    )
    rows = [
        csv_row(rfc=moral_rfc(1), legal_name="Nombre nuevo"),
        csv_row(rfc="XAXX010101000", tax_regime="616", cfdi_use="S01", legal_name="Mostrador 2"),
        csv_row(rfc="XAXX010101000", tax_regime="616", cfdi_use="S01", legal_name="Mostrador 3"),
    ]
    job = run_import(csv_bytes(rows), mode="upsert")
    assert job.state == ImportJob.State.DONE, job.message
    assert (job.created_count, job.updated_count) == (2, 1)
    assert Company.objects.get(rfc=moral_rfc(1)).legal_name == "Nombre nuevo"
    assert Company.objects.filter(rfc="XAXX010101000").count() == 3


def test_confirming_revalidates_against_the_catalog_as_it_is_now(
    run_import, actor, django_capture_on_commit_callbacks
):
    rows = [csv_row(rfc=moral_rfc(i)) for i in range(1, 4)] + [csv_row(rfc="MALO")]
    job = run_import(csv_bytes(rows))
    assert job.state == ImportJob.State.AWAITING_CONFIRMATION
    # Between validation and confirmation someone adds, by hand, the RFC of a valid row.
    company_create(actor=actor, data=valid_company(rfc=moral_rfc(3)))
    with django_capture_on_commit_callbacks(execute=True):
        import_job_confirm(actor=actor, job=job)
    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE and job.created_count == 2
    assert job.issues.filter(message__contains=moral_rfc(3)).exists()
    assert Company.objects.count() == 3


def test_write_is_one_transaction_a_database_failure_leaves_no_half_import(run_import):
    """The database fails while the second batch is written: the first batch must not stay."""
    from django.db import DatabaseError, connection

    # Validation reads the catalog once per chunk (2 chunks), and the write pass again before each
    # batch (2 batches): the fourth read, just before the second batch is written, fails.
    rechecks = {"n": 0}

    def failing_on_second_batch(execute, sql, params, many, context):
        if sql.startswith('SELECT "rfc", "id" FROM "customers_company" WHERE "rfc"'):
            rechecks["n"] += 1
            if rechecks["n"] == 4:
                raise DatabaseError("disk full")
        return execute(sql, params, many, context)

    rows = [
        csv_row(rfc=moral_rfc(i)) for i in range(1, 4200)
    ]  # two staged batches of up to 4,000 rows
    with connection.execute_wrapper(failing_on_second_batch):
        job = run_import(csv_bytes(rows))
    assert rechecks["n"] == 4
    assert job.state == ImportJob.State.FAILED and "no se guardó ningún cliente" in job.message
    assert Company.objects.count() == 0


def test_export_then_import_round_trips_without_change(run_import, actor, client_as):
    company_create(
        actor=actor,
        data=valid_company(
            rfc=moral_rfc(1),
            trade_name="Ñandú",
            notes="línea 1\nlínea 2, con coma",
            ship_street="Av. Juárez",
            ship_postal_code="06600",
            email_2="b@c.mx",
        ),
    )
    company_create(
        actor=actor,
        data=valid_company(rfc="GODE561231GR8", tax_regime="612", legal_name="José Pérez"),
    )
    client = client_as("supervisor")
    response = client.get("/api/v1/companies/export.csv")
    exported = b"".join(response.streaming_content)
    before = list(Company.objects.order_by("rfc").values(*csv_format.FIELDS))
    job = run_import(exported, mode="upsert")
    assert job.state == ImportJob.State.DONE, job.message
    assert (job.created_count, job.updated_count, job.unchanged_count) == (0, 0, 2)
    Company.objects.all().delete()
    job = run_import(exported)
    assert job.created_count == 2
    assert list(Company.objects.order_by("rfc").values(*csv_format.FIELDS)) == before


@pytest.mark.django_db(transaction=True)
def test_the_real_database_worker_runs_the_job(actor, settings):
    """The worker that `make run` starts: the job waits in the database until it runs."""
    from django.core.management import call_command

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    job = import_job_create(actor=actor, upload=SimpleUploadedFile("c.csv", csv_bytes([csv_row()])))
    job.refresh_from_db()
    assert job.state == ImportJob.State.QUEUED
    call_command("worker", batch=True)
    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE and Company.objects.count() == 1


def test_a_big_file_is_checked_on_every_core_with_the_same_result(run_import, actor, settings):
    """From 10,000 rows the row checks run in worker processes; errors and counts must not change."""
    from cfdidesk.customers.services import imports

    rows = [csv_row(rfc=moral_rfc(i), email=f"c{i}@x.mx") for i in range(1, 10_050)]
    rows[5000] = csv_row(rfc=moral_rfc(5001), postal_code="00001")  # row 5002
    rows[9000] = csv_row(rfc=moral_rfc(3))  # row 9002 repeats row 4
    assert len(rows) >= imports.PARALLEL_FROM
    job = run_import(csv_bytes(rows), auto_confirm=True)
    assert job.state == ImportJob.State.DONE, job.message
    assert (job.total_rows, job.invalid_rows, job.created_count) == (10_049, 2, 10_047)
    issues = {(i.row_number, i.column) for i in job.issues.all()}
    assert issues == {(5002, "Código postal"), (9002, "RFC")}


def test_blocks_keep_multiline_cells_whole_and_row_numbers_exact(run_import, monkeypatch):
    """Workers get blocks of whole records: a quoted cell with line breaks never splits a row,
    and the row numbers in the report are the file's, whatever the block size."""
    from cfdidesk.customers.services import imports

    monkeypatch.setattr(imports, "CHUNK", 2)
    rows = [
        csv_row(rfc=moral_rfc(i), notes=f'línea 1 de {i}\nlínea 2, con coma\n"citada"')
        for i in range(1, 8)
    ]
    rows.insert(3, [""] * len(rows[0]))  # a blank row 5 still counts in the numbering
    rows[5] = csv_row(rfc=moral_rfc(6), postal_code="00001")  # row 7
    rows[7] = csv_row(rfc=moral_rfc(1))  # row 9 repeats row 2
    job = run_import(csv_bytes(rows), auto_confirm=True)
    assert job.state == ImportJob.State.DONE, job.message
    assert {(i.row_number, i.column) for i in job.issues.all()} == {
        (7, "Código postal"),
        (9, "RFC"),
    }
    assert (job.total_rows, job.created_count) == (7, 5)
    assert (
        Company.objects.get(rfc=moral_rfc(3)).notes == 'línea 1 de 3\nlínea 2, con coma\n"citada"'
    )
