from cfdidesk.sat import catalogs
from cfdidesk.sat.receptor import check_receptor


def test_our_regimes_and_uses_are_codes_of_sats_catalogs_in_satcfdi():
    for code in catalogs.tax_regimes():
        assert catalogs.satcfdi_description("C756_c_RegimenFiscal", code), code
    for code in catalogs.cfdi_uses():
        assert catalogs.satcfdi_description("C756_c_UsoCFDI", code), code


def test_regimes_follow_the_person_type():
    moral = {r.code for r in catalogs.regimes_for("moral")}
    fisica = {r.code for r in catalogs.regimes_for("fisica")}
    assert "601" in moral and "601" not in fisica
    assert "605" in fisica and "605" not in moral
    assert "626" in moral and "626" in fisica


def test_uses_follow_person_type_and_regime():
    uses = {u.code for u in catalogs.cfdi_uses_for("fisica", "605")}
    assert {"D01", "S01", "CP01", "CN01"} <= uses
    assert "G03" not in uses  # G03 is not valid for salaried people
    assert "D01" not in {u.code for u in catalogs.cfdi_uses_for("moral", "601")}


def test_postal_codes_come_from_sats_catalog():
    assert catalogs.postal_code_exists("06600")
    assert not catalogs.postal_code_exists("00001")
    assert len(catalogs.postal_codes()) > 90_000


def test_receptor_rules_name_the_field_and_reason():
    result = check_receptor(
        rfc="MAB9307148T4", tax_regime="605", cfdi_use="G03", postal_code="00001"
    )
    assert "no aplica a personas morales" in result.errors["tax_regime"][0]
    assert "00001" in result.errors["postal_code"][0]


def test_use_must_be_valid_for_the_regime():
    result = check_receptor(
        rfc="GODE561231GR8", tax_regime="605", cfdi_use="G03", postal_code="06600"
    )
    assert "no es válido con el régimen 605" in result.errors["cfdi_use"][0]


def test_generic_rfc_requires_616_and_s01():
    result = check_receptor(
        rfc="XAXX010101000", tax_regime="612", cfdi_use="G03", postal_code="06600"
    )
    assert "616" in result.errors["tax_regime"][0]
    ok = check_receptor(rfc="XAXX010101000", tax_regime="616", cfdi_use="S01", postal_code="06600")
    assert not ok.errors
