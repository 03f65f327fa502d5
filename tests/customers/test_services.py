import pytest

from cfdidesk.audit.models import AuditEntry
from cfdidesk.customers.models import Company
from cfdidesk.customers.rules import check_company
from cfdidesk.customers.services import (
    CompanyInvalid,
    company_create,
    company_delete,
    company_restore,
    company_update,
    contact_create,
)
from tests.conftest import valid_company


def test_create_stores_normalised_values_and_derives_person_type(actor):
    company, warnings = company_create(
        actor=actor,
        data=valid_company(
            rfc=" cce-010101-4a" + valid_company()["rfc"][-1], email="Facturas@Centro.MX"
        ),
    )
    company.refresh_from_db()
    assert company.rfc == valid_company()["rfc"]
    assert company.person_type == "moral"
    assert company.email == "facturas@centro.mx"
    assert warnings == {}
    assert AuditEntry.objects.filter(action="company.create", target_id=str(company.pk)).exists()


def test_person_type_fisica_for_13_characters(make_company):
    company = make_company(rfc="GODE561231GR8", tax_regime="612", cfdi_use="G03")
    company.refresh_from_db()
    assert company.person_type == "fisica"


def test_duplicate_rfc_is_refused_and_names_the_existing_company(make_company, actor):
    make_company()
    with pytest.raises(CompanyInvalid) as exc:
        company_create(actor=actor, data=valid_company(legal_name="Otra"))
    assert "Comercializadora del Centro" in exc.value.message_dict["rfc"][0]
    assert Company.objects.count() == 1


def test_generic_rfc_may_repeat(actor):
    for name in ("Mostrador 1", "Mostrador 2"):
        company_create(
            actor=actor,
            data=valid_company(
                legal_name=name, rfc="XAXX010101000", tax_regime="616", cfdi_use="S01"
            ),
        )
    assert Company.objects.filter(rfc="XAXX010101000").count() == 2


def test_wrong_check_digit_saves_with_a_warning(actor):
    company, warnings = company_create(
        actor=actor, data=valid_company(rfc="VACE460910SX6", tax_regime="612", cfdi_use="G03")
    )
    assert company.pk and "dígito verificador" in warnings["rfc"][0]


@pytest.mark.parametrize(
    "overrides, field, fragment",
    [
        ({"tax_regime": "605"}, "tax_regime", "no aplica a personas morales"),
        ({"cfdi_use": "D01"}, "cfdi_use", "no aplica a personas morales"),
        (
            {"rfc": "GODE561231GR8", "tax_regime": "605", "cfdi_use": "G03"},
            "cfdi_use",
            "no es válido con el régimen",
        ),
        ({"postal_code": "00001"}, "postal_code", "no existe"),
        ({"postal_code": "6600"}, "postal_code", "5 dígitos"),
        ({"email": "no-es-correo"}, "email", "no es un correo"),
        ({"email_3": "a@b.mx; c@d.mx"}, "email_3", "hasta dos adicionales"),
        ({"email_2": "facturas@centro.mx"}, "email_2", "ya está en otro campo"),
        ({"legal_name": ""}, "legal_name", "razón social"),
        ({"ship_postal_code": "06600"}, "ship_street", "calle"),
    ],
)
def test_bad_fields_are_refused_with_spanish_messages(actor, overrides, field, fragment):
    with pytest.raises(CompanyInvalid) as exc:
        company_create(actor=actor, data=valid_company(**overrides))
    assert fragment in " ".join(exc.value.message_dict[field])
    assert Company.objects.count() == 0


def test_a_fourth_email_has_nowhere_to_go():
    check = check_company(valid_company(email_2="b@x.mx", email_3="c@x.mx d@x.mx"))
    assert "hasta dos adicionales" in check.errors["email_3"][0]


def test_update_records_what_changed(make_company, actor):
    company = make_company()
    company, _w = company_update(actor=actor, company=company, data={"phone": "55 1111 2222"})
    entry = AuditEntry.objects.filter(action="company.update").get()
    assert entry.changes == {"phone": ["", "55 1111 2222"]}
    assert company.version == 2


def test_stale_update_is_refused_so_no_update_is_lost(make_company, actor):
    company = make_company()
    stale_version = company.version
    company_update(actor=actor, company=company, data={"phone": "1"}, version=stale_version)
    with pytest.raises(CompanyInvalid) as exc:
        company_update(
            actor=actor,
            company=Company.objects.get(pk=company.pk),
            data={"notes": "x"},
            version=stale_version,
        )
    assert "Otra persona modificó" in exc.value.message_dict["__all__"][0]
    assert Company.objects.get(pk=company.pk).notes == ""


def test_delete_without_history_erases(make_company, actor):
    company = make_company()
    assert company_delete(actor=actor, company=company) == "deleted"
    assert not Company.objects.exists()


def test_delete_with_history_archives_and_restore_brings_back(make_company, actor):
    company = make_company()
    contact_create(actor=actor, company=company, data={"name": "Laura"})
    assert company_delete(actor=actor, company=company) == "archived"
    company.refresh_from_db()
    assert not company.is_active and company.contacts.count() == 1
    company_restore(actor=actor, company=company)
    company.refresh_from_db()
    assert company.is_active


def test_history_registered_by_other_apps_archives(make_company, actor):
    from cfdidesk.customers import history

    company = make_company()
    check = lambda c: c.pk == company.pk  # noqa: E731  (as desk will register "has tickets")
    history.register_history_check(check)
    try:
        assert company_delete(actor=actor, company=company) == "archived"
    finally:
        history._history_checks.remove(check)
