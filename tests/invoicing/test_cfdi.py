"""The CFDI toolbox: untrusted XML, SAT's XSD compiled once, readable errors, seals."""

import pytest
from lxml import etree

from cfdidesk.invoicing.cfdi import mapping, rules, schema
from cfdidesk.invoicing.cfdi.csd import load_signer
from cfdidesk.invoicing.cfdi.seal import seal, verify_seal
from cfdidesk.invoicing.cfdi.xml import XmlRefused, parse_xml, pretty, to_bytes
from cfdidesk.invoicing.movements import normalize_movement

from .conftest import csd, movement

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]><lolz>&lol3;</lolz>"""
EXTERNAL = (
    b"""<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>"""
)


@pytest.mark.parametrize(
    "data", [BILLION_LAUGHS, EXTERNAL, BILLION_LAUGHS.decode().encode("utf-16")]
)
def test_entity_declarations_are_refused(data):
    with pytest.raises(XmlRefused, match="DOCTYPE"):
        parse_xml(data)


def test_size_limit_and_malformed_xml(settings):
    settings.INVOICING_XML_MAX_BYTES = 50
    with pytest.raises(XmlRefused, match="máximo"):
        parse_xml(b"<a>" + b"x" * 60 + b"</a>")
    with pytest.raises(XmlRefused, match="bien formado"):
        parse_xml(b"<a><b></a>")


def _sealed(**changes):
    cer, key, password = csd()
    signer = load_signer(cer, key, password)
    payload, errors = normalize_movement(movement("MOV-1", **changes))
    assert not errors
    emitter = mapping.Emitter(
        "EKU9003173C9",
        "ESCUELA KEMPER URGATE",
        "601",
        "42501",
        signer.certificate_number,
        signer.certificate_base64(),
    )
    root = mapping.build(payload, emitter, series="A", folio=7, issued=mapping.local_now("42501"))
    seal(root, signer)
    return root


def test_compiled_schema_agrees_with_satcfdis_full_xsd_on_the_big_catalogs():
    from satcfdi.cfdi import CFDI
    from satcfdi.exceptions import SchemaValidationError

    good = _sealed()
    assert schema.xsd_issues(good) == []
    CFDI.from_xml(good).to_xml(validate=True)
    for path, attribute, value in [
        (
            "{http://www.sat.gob.mx/cfd/4}Conceptos/{http://www.sat.gob.mx/cfd/4}Concepto",
            "ClaveProdServ",
            "99999999",
        ),
        (
            "{http://www.sat.gob.mx/cfd/4}Conceptos/{http://www.sat.gob.mx/cfd/4}Concepto",
            "ClaveUnidad",
            "ZZZ",
        ),
        (".", "LugarExpedicion", "00001"),
    ]:
        root = _sealed()
        root.find(path).set(attribute, value)
        issues = schema.xsd_issues(root)
        assert (
            len(issues) == 1
            and issues[0].field.endswith(f"@{attribute}")
            and value in issues[0].message
        )
        with pytest.raises(SchemaValidationError):
            CFDI.from_xml(root).to_xml(validate=True)


def test_xsd_errors_read_in_spanish_without_the_whole_catalog():
    root = _sealed()
    root.set("Moneda", "ZZZ")
    root.attrib.pop("Exportacion")
    root.find("{http://www.sat.gob.mx/cfd/4}Conceptos/{http://www.sat.gob.mx/cfd/4}Concepto").set(
        "Cantidad", "0"
    )
    messages = {i.field: i.message for i in schema.xsd_issues(root)}
    assert messages["Comprobante@Moneda"] == "El valor «ZZZ» no está en el catálogo del SAT."
    assert messages["Comprobante@Exportacion"] == "Falta el atributo obligatorio Exportacion."
    assert "menor que el mínimo" in messages["Comprobante/Conceptos/Concepto@Cantidad"]
    assert all(len(m) < 300 for m in messages.values())


def test_totals_must_add_up():
    root = _sealed()
    root.set("Total", "999.00")
    concept = root.find(
        "{http://www.sat.gob.mx/cfd/4}Conceptos/{http://www.sat.gob.mx/cfd/4}Concepto"
    )
    concept.set("Importe", "150.00")
    fields = {i.field for i in rules.sat_rule_issues(root)}
    assert {"Total", "SubTotal", "Concepto[1]@Importe"} <= fields


def test_seal_verifies_and_breaks_when_the_document_changes():
    root = _sealed()
    assert verify_seal(root)
    root.set("Total", "1.00")
    assert not verify_seal(root)


def test_pretty_is_for_reading_only():
    text = pretty(to_bytes(_sealed()))
    assert "\n  <cfdi:Emisor" in text
    assert etree.fromstring(text.encode()).get("Sello")


def _zip(entries) -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries:
            archive.writestr(name, content)
    return buffer.getvalue()


def test_zip_of_xml_files_is_read_safely(settings):
    from cfdidesk.invoicing.cfdi.archive import xml_files_in_zip

    files = xml_files_in_zip(
        _zip([("a/uno.xml", b"<a/>"), ("leeme.txt", b"x"), ("dos.XML", b"<b/>")])
    )
    assert files == [("a/uno.xml", b"<a/>"), ("dos.XML", b"<b/>")]
    for bad in ("../fuera.xml", "/etc/cron.xml", "a/../../fuera.xml", "C:/win.xml"):
        with pytest.raises(XmlRefused, match="fuera de su carpeta"):
            xml_files_in_zip(_zip([(bad, b"<a/>")]))
    settings.INVOICING_XML_MAX_BYTES = 1000
    with pytest.raises(XmlRefused, match="pesa más"):
        xml_files_in_zip(_zip([("bomba.xml", b"<a>" + b" " * 100_000 + b"</a>")]))
    with pytest.raises(XmlRefused, match="no es un .zip"):
        xml_files_in_zip(b"PK no")
