"""Races proven against the real database with threads (PostgreSQL; SQLite serialises writers)."""

import pytest

from cfdidesk.customers.models import Company
from cfdidesk.customers.services import company_create, company_update
from tests.conftest import valid_company
from tests.races import needs_postgres, run_together

pytestmark = pytest.mark.django_db(transaction=True)


def test_same_rfc_created_at_once_by_eight_users_exists_once(make_user):
    needs_postgres()
    actor = make_user()
    outcomes = run_together(
        8, lambda i: company_create(actor=actor, data=valid_company(legal_name=f"Copia {i}"))
    )
    assert sorted(kind for kind, _ in outcomes) == ["ok"] + ["refused"] * 7
    assert Company.objects.count() == 1
    assert all("Ya existe" in detail["rfc"][0] for kind, detail in outcomes if kind == "refused")


def test_two_users_saving_the_same_version_one_is_told(make_user):
    needs_postgres()
    actor = make_user()
    company, _w = company_create(actor=actor, data=valid_company())
    outcomes = run_together(
        2,
        lambda i: company_update(
            actor=actor,
            company=Company.objects.get(pk=company.pk),
            data={"phone": f"55 {i}"},
            version=1,
        ),
    )
    assert sorted(kind for kind, _ in outcomes) == ["ok", "refused"]
    company.refresh_from_db()
    assert company.version == 2
