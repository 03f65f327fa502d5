"""Payroll (CFDI 4.0 type N with Nómina 1.2, revision C): movement → PRE → SAT's XSD and rules → sealed and stamped."""

import copy
from decimal import Decimal

import pytest

from cfdidesk.invoicing import services
from cfdidesk.invoicing.cfdi import NOMINA_NS, mapping, rules, schema
from cfdidesk.invoicing.cfdi.csd import load_signer
from cfdidesk.invoicing.cfdi.seal import seal, verify_seal
from cfdidesk.invoicing.cfdi.tfd import read_stamp
from cfdidesk.invoicing.cfdi.xml import parse_xml, to_bytes
from cfdidesk.invoicing.models import Document, State
from cfdidesk.invoicing.movements import normalize_movement
from cfdidesk.invoicing.services.files import EXAMPLE_MOVEMENTS
from cfdidesk.invoicing.services.pipeline import pipeline_run

from .conftest import csd, full_sat_xsd_valid

C = "{http://www.sat.gob.mx/cfd/4}"
N = f"{{{NOMINA_NS}}}"
PAYROLL = next(m for m in EXAMPLE_MOVEMENTS if m["document_type"] == "N")


def payroll(movement_id: str = "NOM-1", /, receptor: dict | None = None, **changes) -> dict:
    """The example payroll movement; `changes` go into its "payroll" block (employee/employer keys merge)."""
    data = copy.deepcopy(PAYROLL)
    data["movement_id"] = movement_id
    data.pop("total")
    data["receptor"].update(receptor or {})
    for key, value in changes.items():
        if key in ("employee", "employer") and isinstance(value, dict):
            data["payroll"][key] = {**data["payroll"][key], **value}
        else:
            data["payroll"][key] = value
    return data


def _pre(movement: dict, *, emitter_rfc: str = "EKU9003173C9", sealed: bool = True):
    cer, key, password = csd(emitter_rfc)
    signer = load_signer(cer, key, password)
    payload, errors = normalize_movement(movement)
    assert not errors, errors
    emitter = mapping.Emitter(
        emitter_rfc,
        "ESCUELA KEMPER URGATE",
        "601",
        "42501",
        signer.certificate_number,
        signer.certificate_base64(),
    )
    root = mapping.build(payload, emitter, series="NOM", folio=1, issued=mapping.local_now("42501"))
    if sealed:
        seal(root, signer)
    return root


# ---------------------------------------------------------------- movement schema


def test_a_payroll_movement_normalises_with_its_defaults():
    raw = payroll()
    del raw["receptor"]["cfdi_use"], raw["receptor"]["tax_regime"], raw["payroll"]["type"]
    movement, errors = normalize_movement(raw)
    assert errors == []
    assert movement["document_type"] == "N" and movement["currency"] == "MXN"
    assert (movement["receptor"]["cfdi_use"], movement["receptor"]["tax_regime"]) == ("CN01", "605")
    p = movement["payroll"]
    assert (
        p["type"] == "O"
        and p["days_paid"] == "15"
        and p["employee"]["curp"] == "XIQB891116MGRMZR05"
    )
    assert p["perceptions"][0] == {
        "type": "001",
        "code": "P001",
        "concept": "Sueldo",
        "taxed": "7500",
        "exempt": "0",
    }
    assert p["deductions"][0] == {
        "type": "002",
        "code": "D002",
        "concept": "ISR",
        "amount": "812.45",
    }
    assert "concepts" not in movement and "payment_form" not in movement


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"employee": {"contract_type": "77"}}, "payroll.employee.contract_type", "c_TipoContrato"),
        ({"employee": {"regime_type": "01"}}, "payroll.employee.regime_type", "c_TipoRegimen"),
        ({"employee": {"periodicity": "12"}}, "payroll.employee.periodicity", "c_PeriodicidadPago"),
        ({"employee": {"state": "XXX"}}, "payroll.employee.state", "c_Estado"),
        ({"employee": {"curp": "NOESUNACURP"}}, "payroll.employee.curp", "CURP"),
        (
            {"employee": {"social_security_number": "12-34"}},
            "payroll.employee.social_security_number",
            "dígitos",
        ),
        (
            {"perceptions": [{"type": "999", "code": "P001", "concept": "Sueldo", "taxed": "1"}]},
            "payroll.perceptions[0].type",
            "c_TipoPercepcion",
        ),
        (
            {"perceptions": [{"type": "001", "code": "P1", "concept": "Sueldo", "taxed": "1"}]},
            "payroll.perceptions[0].code",
            "de 3 a 15",
        ),
        (
            {"perceptions": [{"type": "001", "code": "P001", "concept": "Sueldo", "taxed": "-5"}]},
            "payroll.perceptions[0].taxed",
            "negativo",
        ),
        (
            {
                "perceptions": [
                    {"type": "001", "code": "P001", "concept": "Sueldo", "taxed": "10.005"}
                ]
            },
            "payroll.perceptions[0].taxed",
            "2 decimales",
        ),
        (
            {"deductions": [{"type": "900", "code": "D001", "concept": "X", "amount": "1"}]},
            "payroll.deductions[0].type",
            "c_TipoDeduccion",
        ),
        (
            {"perceptions": [], "other_payments": []},
            "payroll.perceptions",
            "al menos una percepción",
        ),
        ({"period_end": "15/01/2026"}, "payroll.period_end", "AAAA-MM-DD"),
        ({"days_paid": "0"}, "payroll.days_paid", "mayor que cero"),
        ({"type": "Z"}, "payroll.type", "c_TipoNomina"),
    ],
)
def test_bad_payroll_fields_are_refused_naming_the_field(changes, field, words):
    movement, errors = normalize_movement(payroll(**changes))
    assert movement is None
    assert any(e.field == field and words in e.message for e in errors), errors


def test_a_payroll_without_its_block_or_with_concepts_is_refused():
    raw = payroll()
    del raw["payroll"]
    raw["payment_form"] = "03"
    _movement, errors = normalize_movement(raw)
    fields = {e.field: e.message for e in errors}
    assert "bloque «payroll»" in fields["payroll"]
    assert "no lleva «payment_form»" in fields["payment_form"]


# ---------------------------------------------------------------- mapping and structure validation


def test_the_pre_follows_sats_payroll_guide_and_passes_the_xsd():
    root = _pre(payroll(), sealed=False)
    assert schema.xsd_issues(root) == [] and rules.sat_rule_issues(root) == []
    assert (
        root.get("TipoDeComprobante") == "N"
        and root.get("MetodoPago") == "PUE"
        and root.get("FormaPago") is None
    )
    assert (root.get("Exportacion"), root.get("Moneda")) == ("01", "MXN")
    assert (root.get("SubTotal"), root.get("Descuento"), root.get("Total")) == (
        "8000.00",
        "1013.75",
        "6986.25",
    )
    assert root.find(f"{C}Impuestos") is None
    concept = root.find(f"{C}Conceptos/{C}Concepto")
    assert {
        a: concept.get(a)
        for a in (
            "ClaveProdServ",
            "Cantidad",
            "ClaveUnidad",
            "Descripcion",
            "ValorUnitario",
            "Descuento",
            "ObjetoImp",
        )
    } == {
        "ClaveProdServ": "84111505",
        "Cantidad": "1",
        "ClaveUnidad": "ACT",
        "Descripcion": "Pago de nómina",
        "ValorUnitario": "8000.00",
        "Descuento": "1013.75",
        "ObjetoImp": "01",
    }
    nomina = root.find(f"{C}Complemento/{N}Nomina")
    assert nomina.get("Version") == "1.2" and nomina.get("NumDiasPagados") == "15.000"
    assert (
        nomina.get("TotalPercepciones"),
        nomina.get("TotalDeducciones"),
        nomina.get("TotalOtrosPagos"),
    ) == ("8000.00", "1013.75", None)
    receptor = nomina.find(f"{N}Receptor")
    assert receptor.get("Antigüedad") == "P254W"  # 2021-03-01 .. 2026-01-15: (1781 days + 1) // 7
    assert nomina.find(f"{N}Emisor").get("RegistroPatronal") == "B5510768108"
    deductions = nomina.find(f"{N}Deducciones")
    assert (deductions.get("TotalImpuestosRetenidos"), deductions.get("TotalOtrasDeducciones")) == (
        "812.45",
        "201.30",
    )
    perceptions = nomina.find(f"{N}Percepciones")
    assert (
        perceptions.get("TotalSueldos"),
        perceptions.get("TotalGravado"),
        perceptions.get("TotalExento"),
    ) == ("8000.00", "8000.00", "0.00")


def test_perceptions_only_and_the_employment_subsidy():
    """satcfdi's own Nomina totals need deductions; ours do not. Other payments add to the concept's value."""
    root = _pre(
        payroll(
            deductions=[],
            other_payments=[
                {
                    "type": "002",
                    "code": "O002",
                    "concept": "Subsidio para el empleo",
                    "amount": "0.00",
                    "subsidy_caused": "0.00",
                },
                {"type": "003", "code": "O003", "concept": "Viáticos", "amount": "350.50"},
            ],
        )
    )
    full_sat_xsd_valid(to_bytes(root))
    assert rules.sat_rule_issues(root) == []
    nomina = root.find(f"{C}Complemento/{N}Nomina")
    assert nomina.find(f"{N}Deducciones") is None and nomina.get("TotalDeducciones") is None
    assert nomina.get("TotalOtrosPagos") == "350.50"
    assert (
        nomina.find(f"{N}OtrosPagos/{N}OtroPago/{N}SubsidioAlEmpleo").get("SubsidioCausado")
        == "0.00"
    )
    assert root.get("Total") == "8350.50" and root.get("Descuento") is None
    assert verify_seal(root)


@pytest.mark.parametrize(
    ("tamper", "field", "words"),
    [
        (lambda r: r.set("FormaPago", "03"), "FormaPago", "no lleva forma de pago"),
        (lambda r: r.set("MetodoPago", "PPD"), "MetodoPago", "PUE"),
        (lambda r: r.find(f"{C}Receptor").set("UsoCFDI", "G03"), "Receptor@UsoCFDI", "CN01"),
        (
            lambda r: r.find(f"{C}Receptor").set("RegimenFiscalReceptor", "612"),
            "Receptor@RegimenFiscalReceptor",
            "605",
        ),
        (
            lambda r: r.find(f"{C}Conceptos/{C}Concepto").set("ClaveProdServ", "84111506"),
            "Concepto[1]@ClaveProdServ",
            "84111505",
        ),
        (
            lambda r: r.find(f"{C}Conceptos/{C}Concepto").set("ObjetoImp", "02"),
            "Concepto[1]@ObjetoImp",
            "01",
        ),
        (
            lambda r: r.find(f"{C}Complemento/{N}Nomina").set("TotalPercepciones", "9000.00"),
            "Nomina@TotalPercepciones",
            "suma",
        ),
        (
            lambda r: r.find(f"{C}Complemento/{N}Nomina/{N}Deducciones").set(
                "TotalImpuestosRetenidos", "1.00"
            ),
            "Deducciones@TotalImpuestosRetenidos",
            "suma",
        ),
        (
            lambda r: r.find(f"{C}Complemento/{N}Nomina/{N}Receptor").set("TipoRegimen", "09"),
            "Nomina/Receptor@TipoRegimen",
            "02, 03 o 04",
        ),
        (
            lambda r: r.find(f"{C}Complemento/{N}Nomina/{N}Receptor").attrib.pop(
                "NumSeguridadSocial"
            ),
            "Nomina/Receptor@NumSeguridadSocial",
            "registro patronal",
        ),
    ],
)
def test_sat_payroll_rules_the_xsd_does_not_hold(tamper, field, words):
    root = _pre(payroll(), sealed=False)
    tamper(root)
    issues = rules.sat_rule_issues(root)
    assert any(i.field == field and words in i.message for i in issues), issues


# ---------------------------------------------------------------- end to end with the sandbox PAC


@pytest.mark.django_db
def test_a_payroll_movement_is_mapped_validated_sealed_and_stamped(environment):
    services.movements_receive(environment=environment, payloads=[payroll("NOM-1")])
    pipeline_run(environment_id=environment.pk)
    document = Document.objects.select_related("xml").get(movement_id="NOM-1")
    assert document.state == State.STAMPED, document.errors
    assert (document.document_type, document.series, document.folio) == ("N", "NOM", 1)
    assert document.total == Decimal("6986.25") and document.currency == "MXN"
    pre = parse_xml(document.xml.pre_xml.encode())
    assert schema.xsd_issues(pre) == []
    stamped = document.xml.stamped_xml
    full_sat_xsd_valid(stamped)  # SAT's complete XSD through satcfdi, Nómina 1.2 included
    root = parse_xml(stamped.encode())
    assert verify_seal(root)
    assert read_stamp(root).uuid == document.uuid
    assert (
        b"nomina12:Nomina" in stamped.encode()
        and root.find(f"{C}Complemento/{N}Nomina") is not None
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        (
            {
                "deductions": [
                    {"type": "002", "code": "D002", "concept": "ISR", "amount": "9000.00"}
                ]
            },
            "payroll.deductions",
            "mayores que las percepciones",
        ),
        (
            {
                "perceptions": [
                    {"type": "019", "code": "P019", "concept": "Horas extra", "taxed": "600.00"}
                ]
            },
            "payroll.perceptions[0].type",
            "HorasExtra",
        ),
        ({"period_start": "2026-01-20"}, "payroll.period_end", "antes de empezar"),
        (
            {"employee": {"start_date": "2026-02-01"}},
            "payroll.employee.start_date",
            "después del fin del periodo",
        ),
        ({"employer": {"curp": "XIQB891116MGRMZR05"}}, "payroll.employer.curp", "persona moral"),
    ],
)
def test_payroll_that_cannot_be_mapped_is_a_mapping_error_in_spanish(
    environment, changes, field, words
):
    services.movements_receive(environment=environment, payloads=[payroll("NOM-1", **changes)])
    pipeline_run(environment_id=environment.pk)
    document = Document.objects.get(movement_id="NOM-1")
    assert document.state == State.MAPPING_ERROR and not document.input_flag
    assert any(
        e["kind"] == "mapping" and e["field"] == field and words in e["message"]
        for e in document.errors
    ), document.errors


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("movement", "field", "words"),
    [
        (payroll(receptor={"cfdi_use": "G03"}), "Receptor@UsoCFDI", "CN01"),
        (payroll(receptor={"tax_regime": "612"}), "Receptor@RegimenFiscalReceptor", "605"),
        (
            payroll(employer={"registration": ""}),
            "Nomina/Emisor@RegistroPatronal",
            "registro patronal",
        ),
        (payroll(employee={"regime_type": "09"}), "Nomina/Receptor@TipoRegimen", "02, 03 o 04"),
        (payroll(employee={"job_risk": ""}), "Nomina/Receptor@RiesgoPuesto", "registro patronal"),
        (payroll(type="E"), "Nomina/Receptor@PeriodicidadPago", "99"),
        ({**payroll(), "total": "7000.00"}, "Total", "no coincide"),
    ],
)
def test_payroll_against_sats_rules_is_a_validation_error(environment, movement, field, words):
    services.movements_receive(environment=environment, payloads=[movement])
    pipeline_run(environment_id=environment.pk)
    document = Document.objects.select_related("xml").get(movement_id="NOM-1")
    assert document.state == State.VALIDATION_ERROR
    assert any(e["field"] == field and words in e["message"] for e in document.errors), (
        document.errors
    )
    assert document.xml.pre_xml


@pytest.mark.django_db
def test_payroll_for_a_non_labour_contract_without_registration(environment):
    """Asimilados (contract 09, regime 09): no registro patronal, no NSS; perception 046."""
    movement = payroll(
        "NOM-1",
        employer={"registration": ""},
        employee={
            "contract_type": "09",
            "regime_type": "09",
            "periodicity": "05",
            "social_security_number": "",
            "start_date": "",
            "job_risk": "",
            "daily_integrated_salary": None,
        },
        perceptions=[
            {
                "type": "046",
                "code": "P046",
                "concept": "Honorarios asimilados",
                "taxed": "12000.00",
                "exempt": "0",
            }
        ],
        deductions=[{"type": "002", "code": "D002", "concept": "ISR", "amount": "1500.00"}],
    )
    services.movements_receive(environment=environment, payloads=[movement])
    pipeline_run(environment_id=environment.pk)
    document = Document.objects.select_related("xml").get(movement_id="NOM-1")
    assert document.state == State.STAMPED, document.errors
    full_sat_xsd_valid(document.xml.stamped_xml)
    root = parse_xml(document.xml.stamped_xml.encode())
    assert root.find(f"{C}Complemento/{N}Nomina/{N}Emisor") is None
    assert document.total == Decimal("10500.00")


@pytest.mark.django_db
def test_payroll_through_the_api_with_its_block_in_the_document_detail(make_user, environment):
    import json

    from django.test import Client

    from cfdidesk.accounts import roles
    from cfdidesk.accounts.services import token_create

    _token, raw = token_create(user=make_user(roles.CONSULTANT), name="test")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    url = f"/api/v1/environments/{environment.pk}/movements"
    bad = client.post(
        url,
        data=json.dumps(payroll("NOM-2", employee={"contract_type": "77"})),
        content_type="application/json",
    )
    assert bad.status_code == 422
    assert any(e["field"] == "payroll.employee.contract_type" for e in bad.json()["errors"]), (
        bad.json()
    )
    response = client.post(url, data=json.dumps(payroll("NOM-1")), content_type="application/json")
    assert response.status_code == 202, response.content
    pipeline_run(environment_id=environment.pk)
    document = Document.objects.get(movement_id="NOM-1")
    detail = client.get(f"/api/v1/documents/{document.pk}").json()
    assert detail["state"] == "stamped", detail
    assert detail["movement"]["payroll"]["employee"]["curp"] == "XIQB891116MGRMZR05"
    assert detail["movement"]["payroll"]["deductions"][0]["amount"] == "812.45"
    schema = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    assert "PayrollIn" in schema and "payroll" in schema["MovementIn"]["properties"]
