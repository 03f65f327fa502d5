"""Movements in: checks, idempotency, all-or-nothing batches, files."""

from decimal import Decimal

import pytest

from cfdidesk.invoicing import services
from cfdidesk.invoicing.models import Document, DocumentTransition, LogLine, Movement, State
from cfdidesk.invoicing.movements import content_hash, normalize_movement
from cfdidesk.invoicing.services import IntakeRefused

from .conftest import movement

pytestmark = pytest.mark.django_db


def receive(environment, payloads, **kwargs):
    return services.movements_receive(environment=environment, payloads=payloads, **kwargs)


def test_same_movement_normalises_to_the_same_content():
    a, _ = normalize_movement(
        movement(
            "M", concepts=[{**movement()["concepts"][0], "unit_value": "100.00", "quantity": 2}]
        )
    )
    b, _ = normalize_movement(
        movement(
            "M",
            concepts=[
                {**movement()["concepts"][0], "unit_value": Decimal("100"), "quantity": "2.000"}
            ],
        )
    )
    assert content_hash(a) == content_hash(b)
    assert a["concepts"][0]["taxes"][0] == {
        "tax": "002",
        "kind": "traslado",
        "factor": "Tasa",
        "rate": "0.16",
    }


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        (
            {"concepts": [{**movement()["concepts"][0], "quantity": "0"}]},
            "concepts[0].quantity",
            "mayor que cero",
        ),
        (
            {"concepts": [{**movement()["concepts"][0], "quantity": "-1"}]},
            "concepts[0].quantity",
            "mayor que cero",
        ),
        (
            {"concepts": [{**movement()["concepts"][0], "unit_value": "-5"}]},
            "concepts[0].unit_value",
            "negativo",
        ),
        (
            {"concepts": [{**movement()["concepts"][0], "unit_value": "1,200.00"}]},
            "concepts[0].unit_value",
            "punto decimal",
        ),
        (
            {"concepts": [{**movement()["concepts"][0], "product_key": "99999999"}]},
            "concepts[0].product_key",
            "c_ClaveProdServ",
        ),
        (
            {"concepts": [{**movement()["concepts"][0], "unit_key": "ZZZ"}]},
            "concepts[0].unit_key",
            "c_ClaveUnidad",
        ),
        (
            {
                "concepts": [
                    {**movement()["concepts"][0], "taxes": [{"tax": "IVX", "rate": "0.16"}]}
                ]
            },
            "concepts[0].taxes[0].tax",
            "c_Impuesto",
        ),
        (
            {"concepts": [{**movement()["concepts"][0], "taxes": [{"tax": "IVA", "rate": "16"}]}]},
            "concepts[0].taxes[0].rate",
            "0.16",
        ),
        ({"concepts": []}, "concepts", "al menos un concepto"),
        ({"payment_form": "77"}, "payment_form", "c_FormaPago"),
        ({"payment_method": "XYZ"}, "payment_method", "c_MetodoPago"),
        ({"currency": "PESOS"}, "currency", "c_Moneda"),
        ({"document_type": "Z"}, "document_type", "tipo de documento"),
        ({"receptor": {"cfdi_use": "Z99"}}, "receptor.cfdi_use", "c_UsoCFDI"),
        ({"receptor": {"tax_regime": "100"}}, "receptor.tax_regime", "c_RegimenFiscal"),
        ({"receptor": {"postal_code": "1234"}}, "receptor.postal_code", "5 dígitos"),
        ({"receptor": {"rfc": "ABC"}}, "receptor.rfc", "12 caracteres"),
        ({"movement_id": " "}, "movement_id", "Falta"),
        ({"related": {"relation": "01", "uuids": ["no-es-uuid"]}}, "related.uuids[0]", "UUID"),
    ],
)
def test_bad_movements_are_refused_with_field_and_reason(environment, changes, field, words):
    with pytest.raises(IntakeRefused) as exc:
        receive(environment, [movement("MOV-1", **changes)])
    assert any(e.field == field and words in e.message for e in exc.value.errors), exc.value.errors
    assert "No se guardó nada" in exc.value.message
    assert not Movement.objects.exists() and not Document.objects.exists()


def test_a_float_would_lose_cents_so_it_is_refused(environment):
    with pytest.raises(IntakeRefused) as exc:
        receive(
            environment,
            [movement("MOV-1", concepts=[{**movement()["concepts"][0], "unit_value": 100.1}])],
        )
    assert exc.value.errors[0].message == "Debe ser un número decimal."


def test_accepted_once_then_ya_recibido(environment):
    first = receive(environment, [movement("MOV-1"), movement("MOV-2")])
    assert (first.accepted, first.already_received) == (2, 0)
    again = receive(environment, [movement("MOV-2"), movement("MOV-3")])
    assert [(i.movement_id, i.status) for i in again.items] == [
        ("MOV-2", "already_received"),
        ("MOV-3", "accepted"),
    ]
    assert again.items[0].document_id == Document.objects.get(movement_id="MOV-2").pk
    assert Document.objects.count() == 3
    document = Document.objects.get(movement_id="MOV-1")
    assert (document.state, document.input_flag, document.series, document.file_name) == (
        State.RECEIVED,
        True,
        "A",
        "PRE_AMOV-1.xml",
    )
    assert DocumentTransition.objects.filter(document=document, to_state="received").exists()
    assert LogLine.objects.filter(movement_id="MOV-1", stage="intake").exists()


def test_same_id_with_other_content_refuses_the_whole_batch(environment):
    receive(environment, [movement("MOV-1")])
    changed = movement("MOV-1", receptor={"cfdi_use": "G01"})
    with pytest.raises(IntakeRefused) as exc:
        receive(environment, [movement("MOV-9"), changed])
    assert (
        exc.value.errors[0].index == 1
        and "ya se recibió con otro contenido" in exc.value.errors[0].message
    )
    assert not Document.objects.filter(movement_id="MOV-9").exists()


def test_repeated_in_one_batch(environment):
    result = receive(environment, [movement("MOV-1"), movement("MOV-1")])
    assert [i.status for i in result.items] == ["accepted", "already_received"]
    assert result.items[0].document_id == result.items[1].document_id
    with pytest.raises(IntakeRefused, match="rechazó completo"):
        receive(environment, [movement("MOV-5"), movement("MOV-5", series="Z")])


def test_one_bad_movement_refuses_the_batch(environment):
    with pytest.raises(IntakeRefused) as exc:
        receive(
            environment,
            [movement("MOV-1"), movement("MOV-2", payment_form="77"), "no soy un objeto"],
        )
    assert sorted({e.index for e in exc.value.errors}) == [1, 2]
    assert not Movement.objects.exists()


def test_paused_environment_accepts_and_inactive_refuses(make_environment):
    paused = make_environment(running=False)
    assert receive(paused, [movement("MOV-1")]).accepted == 1
    paused.is_active = False
    paused.save()
    with pytest.raises(IntakeRefused, match="dado de baja"):
        receive(paused, [movement("MOV-2")])


def test_batch_limits(environment, settings):
    settings.INVOICING_BATCH_MAX = 2
    with pytest.raises(IntakeRefused, match="máximo por envío es 2"):
        receive(environment, [movement(f"M{n}") for n in range(3)])
    with pytest.raises(IntakeRefused, match="ningún movimiento"):
        receive(environment, [])


def test_series_override_and_defaults(environment):
    receive(environment, [movement("MOV-1", series="ZX"), movement("NC-1", document_type="E")])
    assert Document.objects.get(movement_id="MOV-1").series == "ZX"
    assert Document.objects.get(movement_id="NC-1").series == "NC"


# ---------------------------------------------------------------- files


def upload(environment, name, data, **kwargs):
    return services.movements_upload(environment=environment, name=name, data=data, **kwargs)


def test_the_example_files_are_accepted(environment):
    jsonl = upload(environment, "ejemplo.jsonl", services.EXAMPLE_JSONL.encode())
    assert jsonl.accepted == 4
    csv = upload(environment, "ejemplo.csv", services.EXAMPLE_CSV.encode())
    assert csv.accepted == 2
    first = Document.objects.get(movement_id="MOV-000201").source_movement.payload
    assert len(first["concepts"]) == 2 and first["concepts"][0]["taxes"][0]["rate"] == "0.16"
    assert Movement.objects.filter(source="file").count() == 6
    from cfdidesk.invoicing.services.pipeline import pipeline_run

    pipeline_run(environment_id=environment.pk)
    states = dict(Document.objects.values_list("movement_id", "state"))
    assert states["MOV-000101"] == State.STAMPED and states["MOV-000201"] == State.STAMPED
    assert states["MOV-000202"] == State.STAMPED and states["MOV-000103"] == State.STAMPED
    assert states["MOV-000102"] == State.STAMPED
    assert states["MOV-000104"] == State.STAMPED  # the payroll example (Nómina 1.2)


def test_csv_in_windows_excel_encoding_with_semicolons(environment):
    text = services.EXAMPLE_CSV.replace(",", ";").replace(
        "Servicio de facturación", "Facturación año"
    )
    assert upload(environment, "movs.CSV", text.encode("cp1252")).accepted == 2
    assert (
        "año"
        in Document.objects.get(movement_id="MOV-000201").source_movement.payload["concepts"][0][
            "description"
        ]
    )


def test_malformed_json_lines_name_the_line(environment):
    data = b'{"movement_id": "A"}\n{"movement_id": \n'
    with pytest.raises(IntakeRefused) as exc:
        upload(environment, "m.jsonl", data)
    assert (
        exc.value.errors[0].field == "línea 2" and "JSON mal formado" in exc.value.errors[0].message
    )


def test_file_errors_say_where(environment):
    lines = services.EXAMPLE_CSV.splitlines()
    lines[2] = lines[2].replace(",2,E48", ",0,E48")  # second concept of MOV-000201: quantity 0
    with pytest.raises(IntakeRefused) as exc:
        upload(environment, "m.csv", "\n".join(lines).encode())
    assert (
        exc.value.errors[0].field.startswith("líneas 2–3")
        and "mayor que cero" in exc.value.errors[0].message
    )


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        ("m.xlsx", b"PK\x03\x04", ".csv, .jsonl"),
        ("m.csv", b"movement_id,colorete\nA,1\n", "colorete"),
        ("m.csv", b"movement_id,document_type\nA,I\n", "Falta la columna"),
        ("m.csv", b"", "vacío"),
        ("m.json", b"{nope", "no es JSON"),
        ("m.jsonl", b"\x00\x01binary", "no es de texto"),
    ],
)
def test_bad_files_are_refused(environment, name, data, words):
    with pytest.raises(IntakeRefused) as exc:
        upload(environment, name, data)
    assert words in exc.value.message or any(words in e.message for e in exc.value.errors)
    assert not Movement.objects.exists()


def test_files_over_the_size_limit_are_refused(environment, settings):
    settings.INVOICING_UPLOAD_MAX_BYTES = 100
    with pytest.raises(IntakeRefused, match="máximo"):
        upload(environment, "m.jsonl", b"x" * 101)


@pytest.mark.parametrize("document_type", ["P", "N"])
def test_payments_and_payroll_travel_as_json_not_csv(environment, document_type):
    text = services.EXAMPLE_CSV.replace("MOV-000202,I,", f"MOV-000202,{document_type},")
    with pytest.raises(IntakeRefused) as exc:
        upload(environment, "m.csv", text.encode())
    assert "JSON lines" in exc.value.errors[0].message
