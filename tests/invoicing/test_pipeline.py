"""Movements through mapping, structure validation, the generator and the sandbox PAC: real CFDI, real seals."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from cfdidesk.invoicing import services
from cfdidesk.invoicing.adapters import AdapterUnavailable
from cfdidesk.invoicing.adapters.sandbox import LEGEND, PAC_RFC
from cfdidesk.invoicing.cfdi import schema
from cfdidesk.invoicing.cfdi.seal import verify_seal
from cfdidesk.invoicing.cfdi.tfd import read_stamp
from cfdidesk.invoicing.cfdi.xml import parse_xml
from cfdidesk.invoicing.models import Document, FolioCounter, LogLine, StampBalance, State
from cfdidesk.invoicing.services.pipeline import pipeline_run

from .conftest import full_sat_xsd_valid, movement

pytestmark = pytest.mark.django_db


def receive(environment, *payloads, actor=None):
    return services.movements_receive(environment=environment, payloads=list(payloads), actor=actor)


def doc(movement_id) -> Document:
    return Document.objects.select_related("xml").get(movement_id=movement_id)


def states(environment):
    return dict(
        Document.objects.filter(environment=environment).values_list("movement_id", "state")
    )


def test_a_movement_is_mapped_validated_sealed_and_stamped(environment):
    receive(environment, movement("MOV-1"))
    assert doc("MOV-1").state == State.RECEIVED and doc("MOV-1").file_name == "PRE_AMOV-1.xml"
    pipeline_run(environment_id=environment.pk)

    document = doc("MOV-1")
    assert document.state == State.STAMPED
    assert (document.series, document.folio) == ("A", 1)
    assert document.file_name == "A1.xml"  # the PRE prefix is gone once stamped
    assert document.total == Decimal("232.00") and document.currency == "MXN"
    assert not document.input_flag and document.errors == []
    stamped = document.xml.stamped_xml
    full_sat_xsd_valid(stamped)  # SAT's full XSD, every catalog enumeration
    root = parse_xml(stamped.encode())
    assert verify_seal(root)  # the emitter's Sello matches its cadena original and CSD
    assert root.get("NoCertificado") == "30001000000400002434"
    stamp = read_stamp(root)
    assert stamp.uuid == document.uuid and len(stamp.uuid) == 36
    assert stamp.pac_rfc == PAC_RFC and stamp.legend == LEGEND
    assert stamp.sat_certificate_number == "30001000000400002336"
    assert document.stamped_at is not None and document.issued_at is not None
    # The pre-document stays: unsigned, with the CSD number, and valid against the XSD.
    pre = parse_xml(document.xml.pre_xml.encode())
    assert pre.get("Sello") == "" and pre.get("Folio") is None
    assert schema.xsd_issues(pre) == []
    history = list(document.transitions.values_list("from_state", "to_state"))
    assert history == [
        ("", "received"),
        ("received", "pre"),
        ("pre", "waiting_for_input"),
        ("waiting_for_input", "stamped"),
    ]
    assert StampBalance.objects.get(rfc=environment.emitter_rfc).available == 999


def test_folios_follow_arrival_order_per_series_and_type(environment):
    receive(
        environment,
        *[movement(f"MOV-{n}") for n in range(1, 6)],
        movement(
            "NC-1",
            document_type="E",
            related={"relation": "01", "uuids": ["5FB2822E-396D-4725-8521-CDC4BDD20CCF"]},
        ),
        movement("B-1", series="B"),
    )
    pipeline_run(environment_id=environment.pk)
    folios = {d.movement_id: (d.series, d.folio) for d in Document.objects.all()}
    assert [folios[f"MOV-{n}"] for n in range(1, 6)] == [("A", n) for n in range(1, 6)]
    assert folios["NC-1"] == ("NC", 1) and folios["B-1"] == ("B", 1)
    assert (
        FolioCounter.objects.get(environment=environment, series="A", document_type="I").last == 5
    )
    credit_note = parse_xml(doc("NC-1").xml.stamped_xml.encode())
    assert credit_note.get("TipoDeComprobante") == "E"
    full_sat_xsd_valid(doc("NC-1").xml.stamped_xml)


def test_payment_cfdi_with_its_complement(environment):
    payment = movement(
        "PAY-1",
        document_type="P",
        receptor={"cfdi_use": "CP01"},
        payment={
            "date": "2026-01-15",
            "form": "03",
            "documents": [
                {
                    "uuid": "5fb2822e-396d-4725-8521-cdc4bdd20ccf",
                    "series": "A",
                    "folio": "7",
                    "previous_balance": "1160.00",
                    "amount_paid": "1160.00",
                    "tax_object": "02",
                    "taxes": [{"tax": "IVA", "rate": "0.16"}],
                }
            ],
        },
    )
    receive(environment, payment)
    pipeline_run(environment_id=environment.pk)
    document = doc("PAY-1")
    assert document.state == State.STAMPED, document.errors
    assert (document.series, document.folio, document.currency) == ("P", 1, "XXX")
    full_sat_xsd_valid(document.xml.stamped_xml)
    assert b"pago20:Pagos" in document.xml.stamped_xml.encode()


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"currency": "USD"}, "exchange_rate", "tipo de cambio"),
        (
            {
                "concepts": [
                    {
                        "product_key": "84111506",
                        "quantity": "1",
                        "unit_key": "E48",
                        "description": "x",
                        "unit_value": "10",
                        "tax_object": "01",
                        "taxes": [{"tax": "IVA", "rate": "0.16"}],
                    }
                ]
            },
            "concepts[0].tax_object",
            "no lleva impuestos",
        ),
        (
            {
                "concepts": [
                    {
                        "product_key": "84111506",
                        "quantity": "1",
                        "unit_key": "E48",
                        "description": "x",
                        "unit_value": "10",
                        "discount": "20",
                    }
                ]
            },
            "concepts[0].discount",
            "mayor que el importe",
        ),
    ],
)
def test_what_cannot_be_mapped_is_a_mapping_error_with_field_and_reason(
    environment, changes, field, words
):
    receive(environment, movement("MOV-1", **changes))
    pipeline_run(environment_id=environment.pk)
    document = doc("MOV-1")
    assert document.state == State.MAPPING_ERROR
    assert not document.input_flag
    assert document.errors[0]["kind"] == "mapping" and document.errors[0]["field"] == field
    assert words in document.errors[0]["message"]
    line = LogLine.objects.filter(movement_id="MOV-1", stage="mapping").get()
    assert line.level == "error" and words in line.message


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        (
            {"receptor": {"tax_regime": "605", "cfdi_use": "G01"}},
            "Receptor@UsoCFDI",
            "no es válido con el régimen 605",
        ),
        (
            {"receptor": {"postal_code": "00001"}},
            "Receptor@DomicilioFiscalReceptor",
            "no existe en el catálogo",
        ),
        (
            {"payment_method": "PUE", "payment_form": "99"},
            "FormaPago",
            "solo se usa con el método de pago PPD",
        ),
        ({"payment_method": "PPD", "payment_form": "03"}, "FormaPago", "debe ser 99"),
        ({"total": "999.99"}, "Total", "no coincide"),
        ({"receptor": {"rfc": "XIQB891316QE4"}}, "Receptor@Rfc", "fecha"),
    ],
)
def test_sat_rules_beyond_the_xsd_are_structure_validation_errors(
    environment, changes, field, words
):
    receive(environment, movement("MOV-1", **changes))
    pipeline_run(environment_id=environment.pk)
    document = doc("MOV-1")
    assert document.state == State.VALIDATION_ERROR
    assert any(e["field"] == field and words in e["message"] for e in document.errors), (
        document.errors
    )
    assert all(e["kind"] == "validation" for e in document.errors)
    assert document.xml.pre_xml  # the PRE exists, so support can read it
    assert LogLine.objects.filter(movement_id="MOV-1", stage="validation", level="error").exists()


def test_the_movement_total_that_adds_up_passes(environment):
    receive(environment, movement("MOV-1", total="232"))
    pipeline_run(environment_id=environment.pk)
    assert doc("MOV-1").state == State.STAMPED


def test_paused_generator_keeps_documents_waiting_then_takes_them_in_order(make_environment, actor):
    environment = make_environment(running=False)
    receive(environment, *[movement(f"MOV-{n}") for n in range(1, 4)])
    pipeline_run(environment_id=environment.pk)
    assert set(states(environment).values()) == {State.WAITING_FOR_INPUT}
    assert Document.objects.filter(input_flag=True).count() == 3
    environment, changed = services.generator_resume(
        actor=actor, environment=environment, reason="Listo"
    )
    assert changed
    pipeline_run(environment_id=environment.pk)
    documents = Document.objects.order_by("id")
    assert [(d.state, d.folio) for d in documents] == [
        (State.STAMPED, 1),
        (State.STAMPED, 2),
        (State.STAMPED, 3),
    ]
    assert [d.stamped_at for d in documents] == sorted(d.stamped_at for d in documents)


def test_without_credits_documents_wait_sin_timbres_and_are_taken_when_credits_load(
    make_environment, actor
):
    environment = make_environment(credits=2)
    receive(environment, *[movement(f"MOV-{n}") for n in range(1, 5)])
    pipeline_run(environment_id=environment.pk)
    assert [states(environment)[f"MOV-{n}"] for n in range(1, 5)] == [
        State.STAMPED,
        State.STAMPED,
        State.NO_CREDITS,
        State.NO_CREDITS,
    ]
    assert doc("MOV-3").input_flag and doc("MOV-3").folio is None
    assert str(State.NO_CREDITS.label) == "Sin timbres"
    assert (
        pipeline_run(environment_id=environment.pk) == 0
    )  # nothing to do until credits arrive: no busy loop
    services.credits_load(actor=actor, rfc=environment.emitter_rfc, quantity=1)
    pipeline_run(environment_id=environment.pk)
    assert (doc("MOV-3").state, doc("MOV-3").folio, doc("MOV-4").state) == (
        State.STAMPED,
        3,
        State.NO_CREDITS,
    )
    balance = StampBalance.objects.get(rfc=environment.emitter_rfc)
    assert (balance.available, balance.used) == (0, 3)


def test_a_pac_refusal_is_a_generator_error_and_the_document_keeps_its_folio(environment):
    huge = movement(
        "BIG-1",
        concepts=[
            {
                "product_key": "84111506",
                "quantity": "1",
                "unit_key": "E48",
                "description": "Obra",
                "unit_value": "200000000",
            }
        ],
    )
    receive(environment, huge, movement("MOV-2"))
    pipeline_run(environment_id=environment.pk)
    big = doc("BIG-1")
    assert big.state == State.GENERATOR_ERROR and big.folio == 1
    assert "Confirmacion" in big.errors[0]["message"] and big.errors[0]["kind"] == "generator"
    assert big.file_name == "PRE_A1.xml"  # not stamped: still PRE, now with its folio
    assert (doc("MOV-2").state, doc("MOV-2").folio) == (State.STAMPED, 2)
    assert (
        StampBalance.objects.get(rfc="EKU9003173C9").available == 999
    )  # a refusal costs no credit


def test_an_unreachable_pac_leaves_documents_waiting_and_gives_the_folio_back(
    environment, monkeypatch
):
    from cfdidesk.invoicing.adapters import sandbox

    def down(self, xml):
        raise AdapterUnavailable("timeout")

    monkeypatch.setattr(sandbox.SandboxAdapter, "stamp", down)
    receive(environment, movement("MOV-1"), movement("MOV-2"))
    pipeline_run(environment_id=environment.pk)
    assert (doc("MOV-1").state, doc("MOV-1").folio) == (State.WAITING_FOR_INPUT, None)
    assert doc("MOV-2").state == State.WAITING_FOR_INPUT
    assert LogLine.objects.filter(
        movement_id="MOV-1", level="warning", message__contains="PAC no respondió"
    ).exists()
    monkeypatch.undo()
    pipeline_run(environment_id=environment.pk)
    assert [(doc(m).state, doc(m).folio) for m in ("MOV-1", "MOV-2")] == [
        (State.STAMPED, 1),
        (State.STAMPED, 2),
    ]


def test_no_csd_is_a_generator_error_for_what_it_takes(make_environment):
    environment = make_environment(with_csd=False, running=False)
    receive(environment, movement("MOV-1"))
    pipeline_run(environment_id=environment.pk)
    assert (
        doc("MOV-1").state == State.WAITING_FOR_INPUT
    )  # validated with a placeholder certificate number
    from cfdidesk.invoicing.models import InvoicingEnvironment

    InvoicingEnvironment.objects.filter(pk=environment.pk).update(generator_running=True)
    pipeline_run(environment_id=environment.pk)
    document = doc("MOV-1")
    assert document.state == State.GENERATOR_ERROR and document.folio is None
    assert "CSD" in document.errors[0]["message"]


def test_reprocess_after_fixing_the_movement_stamps_it(environment, actor):
    """Seed 000: change the UsoCFDI of a movement, set input = 1, check that it was stamped."""
    receive(environment, movement("MOV-1", receptor={"tax_regime": "605", "cfdi_use": "G01"}))
    pipeline_run(environment_id=environment.pk)
    document = doc("MOV-1")
    assert document.state == State.VALIDATION_ERROR
    payload = document.source_movement.payload
    payload["receptor"]["cfdi_use"] = "CN01"
    document.source_movement.payload = payload
    document.source_movement.save(update_fields=["payload"])
    services.document_reprocess(
        actor=actor, document=document, reason="Uso del CFDI corregido a CN01"
    )
    assert doc("MOV-1").state == State.RECEIVED and doc("MOV-1").input_flag
    pipeline_run(environment_id=environment.pk)
    document = doc("MOV-1")
    assert document.state == State.STAMPED, document.errors
    assert 'UsoCFDI="CN01"' in document.xml.stamped_xml
    steps = list(document.transitions.values_list("to_state", "actor__username", "reason"))
    assert ("received", actor.username, "Uso del CFDI corregido a CN01") in steps


def test_transitions_only_along_allowed_moves(environment, actor):
    receive(environment, movement("MOV-1"))
    pipeline_run(environment_id=environment.pk)
    document = doc("MOV-1")
    with pytest.raises(ValidationError, match="no puede pasar"):
        services.document_reprocess(actor=actor, document=document)
    with pytest.raises(ValidationError, match="timbrado se cancela"):
        services.document_cancel(actor=actor, document=document, reason="error")
    assert doc("MOV-1").state == State.STAMPED


def test_cancel_a_document_before_it_is_stamped(make_environment, actor):
    environment = make_environment(running=False)
    receive(environment, movement("MOV-1"))
    with pytest.raises(ValidationError):
        services.document_cancel(actor=actor, document=doc("MOV-1"), reason=" ")
    services.document_cancel(actor=actor, document=doc("MOV-1"), reason="Duplicado en el ERP")
    document = doc("MOV-1")
    assert document.state == State.CANCELLED and not document.input_flag
    assert pipeline_run(environment_id=environment.pk) == 0


def test_the_debug_log_follows_a_movement(environment):
    receive(environment, movement("MOV-1"), movement("MOV-2"))
    pipeline_run(environment_id=environment.pk)
    from cfdidesk.invoicing.selectors import log_lines

    lines = log_lines(environment=environment, movement="MOV-1")
    assert [line.stage for line in lines] == ["intake", "mapping", "validation", "generator"]
    assert all(line.movement_id == "MOV-1" for line in lines)
    assert doc("MOV-1").uuid in lines[-1].message


def test_hold_leaves_a_valid_pre_document_until_it_is_reprocessed(make_environment, actor):
    environment = make_environment(running=False)
    receive(environment, movement("MOV-1"), movement("MOV-2"))
    services.document_hold(actor=actor, document=doc("MOV-2"), reason="Revisar con el cliente")
    pipeline_run(environment_id=environment.pk)
    assert (doc("MOV-1").state, doc("MOV-2").state, doc("MOV-2").input_flag) == (
        State.WAITING_FOR_INPUT,
        State.RECEIVED,
        False,
    )
    services.document_hold(actor=actor, document=doc("MOV-1"))
    assert (doc("MOV-1").state, doc("MOV-1").input_flag) == (State.PRE, False)
    with pytest.raises(ValidationError):
        services.document_hold(actor=actor, document=doc("MOV-1"))
    services.generator_resume(actor=actor, environment=environment)
    pipeline_run(environment_id=environment.pk)
    assert doc("MOV-1").state == State.PRE and doc("MOV-2").state == State.RECEIVED
    services.document_reprocess(actor=actor, document=doc("MOV-1"))
    services.document_reprocess(actor=actor, document=doc("MOV-2"))
    pipeline_run(environment_id=environment.pk)
    assert [(doc(m).state, doc(m).folio) for m in ("MOV-1", "MOV-2")] == [
        (State.STAMPED, 1),
        (State.STAMPED, 2),
    ]


def test_the_workers_periodic_job_runs_every_environment_with_work(make_environment, actor):
    from cfdidesk.invoicing.services.pipeline import pipeline_run_all
    from cfdidesk.web import periodic

    environment = make_environment()
    receive(environment, movement("MOV-1"))
    assert "invoicing_pipeline" in periodic.JOBS
    assert pipeline_run_all() == {environment.pk: 2}  # prepared, then stamped
    assert doc("MOV-1").state == State.STAMPED
    assert pipeline_run_all() == {}


def test_a_pac_adapter_reads_uuid_and_stamping_date_from_the_stamped_xml(environment):
    """StampResult.from_stamped_xml, what a real PAC's adapter returns: the same UUID and date."""
    from cfdidesk.invoicing.adapters import StampResult

    receive(environment, movement("MOV-1"))
    pipeline_run(environment_id=environment.pk)
    document = doc("MOV-1")
    result = StampResult.from_stamped_xml(document.xml.stamped_xml.encode())
    assert result.uuid == document.uuid
    assert result.stamped_at == document.stamped_at
