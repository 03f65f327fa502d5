"""The catalog's lookups by e-mail and by signed-in user (customers/selectors.py)."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection

from cfdidesk.accounts import roles
from cfdidesk.customers.selectors import companies_by_email, portal_contact_of
from cfdidesk.customers.services import company_delete, contact_create
from tests.conftest import moral_rfc
from tests.races import needs_postgres


@pytest.fixture
def catalog(make_company):
    """Three companies: one found by its main e-mail, one by each extra e-mail."""
    return {
        "main": make_company(rfc=moral_rfc(1), email="Facturas@Centro.MX"),
        "second": make_company(rfc=moral_rfc(2), email="a@norte.mx", email_2="pagos@centro.mx"),
        "third": make_company(
            rfc=moral_rfc(3), email="b@sur.mx", email_2="c@sur.mx", email_3="facturas@centro.mx"
        ),
    }


def test_each_of_the_three_e_mails_finds_its_company(catalog):
    assert list(companies_by_email("facturas@centro.mx").order_by("pk")) == [
        catalog["main"],
        catalog["third"],
    ]
    assert list(companies_by_email("pagos@centro.mx")) == [catalog["second"]]
    assert list(companies_by_email("a@norte.mx")) == [catalog["second"]]


def test_case_and_surrounding_blanks_are_ignored_as_the_catalog_stores_lower_case(catalog):
    assert catalog["main"].email == "facturas@centro.mx"  # saved lower-case
    assert list(companies_by_email("  PAGOS@Centro.mx ")) == [catalog["second"]]
    assert companies_by_email("FACTURAS@CENTRO.MX").count() == 2


def test_an_empty_or_unknown_address_matches_nobody(catalog):
    # Most companies have empty extra e-mails: an empty address must not match them.
    assert not companies_by_email("").exists()
    assert not companies_by_email(None).exists()
    assert not companies_by_email("nadie@centro.mx").exists()
    assert not companies_by_email("facturas@centro").exists()  # whole addresses only


def test_active_only_leaves_archived_companies_out(catalog, actor):
    contact_create(actor=actor, company=catalog["third"], data={"name": "Laura"})
    assert company_delete(actor=actor, company=catalog["third"]) == "archived"
    assert companies_by_email("facturas@centro.mx").count() == 2
    assert list(companies_by_email("facturas@centro.mx", active_only=True)) == [catalog["main"]]


def test_it_is_a_queryset_the_caller_can_narrow(catalog):
    found = companies_by_email("facturas@centro.mx").values_list("rfc", flat=True)
    assert sorted(found) == sorted([catalog["main"].rfc, catalog["third"].rfc])


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's plan wording")
def test_each_e_mail_column_is_looked_up_by_its_index(catalog):
    sql, params = companies_by_email("facturas@centro.mx").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = " | ".join(str(row[-1]) for row in cursor.fetchall())
    assert "SCAN" not in plan.replace("SCAN CONSTANT ROW", ""), plan
    for column in ("email", "email_2", "email_3"):
        assert f"INDEX company_{column} " in plan, plan


@pytest.mark.postgres
def test_each_e_mail_column_is_looked_up_by_its_index_on_postgresql(catalog):
    needs_postgres()
    sql, params = companies_by_email("facturas@centro.mx").query.sql_with_params()
    with connection.cursor() as cursor:
        # Three rows are cheaper to scan than to look up: ask for the plan a big catalog gets.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Seq Scan" not in plan, plan
    for column in ("email", "email_2", "email_3"):
        assert f"on company_{column} " in plan, plan


@pytest.fixture
def portal_user(make_user):
    return make_user(roles.PORTAL)


def _link(contact, user):
    contact.user = user
    contact.save(update_fields=["user"])
    user.refresh_from_db()
    return user


def test_portal_contact_of_a_portal_user_is_their_contact(make_company, actor, portal_user):
    contact = contact_create(actor=actor, company=make_company(), data={"name": "Laura"})
    user = _link(contact, portal_user)
    assert portal_contact_of(user) == contact
    assert portal_contact_of(user).company_id == contact.company_id


def test_portal_user_without_a_contact_has_none(portal_user):
    assert portal_contact_of(portal_user) is None


def test_staff_and_anonymous_have_no_portal_contact_even_when_linked(
    make_company, make_user, actor
):
    consultant = make_user(roles.CONSULTANT)
    contact = contact_create(actor=actor, company=make_company(), data={"name": "Laura"})
    _link(contact, consultant)
    assert portal_contact_of(consultant) is None
    assert portal_contact_of(AnonymousUser()) is None


def test_an_inactive_portal_user_has_no_portal_contact(make_company, actor, portal_user):
    contact = contact_create(actor=actor, company=make_company(), data={"name": "Laura"})
    user = _link(contact, portal_user)
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert portal_contact_of(user) is None
