import csv
import io

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from cfdidesk.accounts import roles
from cfdidesk.accounts.services import user_create
from cfdidesk.customers import csv_format
from cfdidesk.customers.services import company_create
from cfdidesk.sat.rfc import with_check_digit

pytest_plugins = ["tests.browser_support", "tests.imap_server"]


@pytest.fixture
def make_user(db):
    counter = {"n": 0}

    def make(role: str = roles.CONSULTANT, **extra):
        counter["n"] += 1
        username = extra.pop("username", f"{role}{counter['n']}")
        return user_create(username=username, password="una-clave-segura-123", role=role, **extra)

    return make


@pytest.fixture
def client_as(make_user):
    def login(role: str = roles.ADMINISTRATOR) -> Client:
        client = Client()
        client.force_login(make_user(role))
        return client

    return login


@pytest.fixture
def admin_client(client_as):
    return client_as(roles.ADMINISTRATOR)


@pytest.fixture
def actor(make_user):
    return make_user(roles.ADMINISTRATOR)


def valid_company(**overrides) -> dict:
    data = {
        "legal_name": "Comercializadora del Centro, S.A. de C.V.",
        "rfc": with_check_digit("CCE0101014A"),
        "tax_regime": "601",
        "cfdi_use": "G03",
        "email": "facturas@centro.mx",
        "postal_code": "06600",
    }
    data.update(overrides)
    return data


@pytest.fixture
def company_data():
    return valid_company


@pytest.fixture
def make_company(actor):
    def make(**overrides):
        company, _warnings = company_create(actor=actor, data=valid_company(**overrides))
        return company

    return make


def moral_rfc(n: int) -> str:
    """A distinct, well-formed persona-moral RFC with a correct check digit for each n."""
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    stem = letters[n % 26] + letters[(n // 26) % 26] + letters[(n // 676) % 26]
    day = 1 + (n // 17576) % 28
    return with_check_digit(f"{stem}2001{day:02d}{(n % 9) + 1}A")


def csv_row(**values) -> list[str]:
    base = {
        "legal_name": "Empresa de Prueba, S.A. de C.V.",
        "rfc": moral_rfc(1),
        "cfdi_use": "G03",
        "tax_regime": "601",
        "email": "a@prueba.mx",
        "postal_code": "06600",
    }
    base.update(values)
    return [base.get(field, "") for field in csv_format.FIELDS]


def csv_bytes(
    rows: list[list[str]],
    *,
    encoding: str = "utf-8",
    header: list[str] | None = None,
    delimiter=",",
) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n", delimiter=delimiter)
    writer.writerow(header if header is not None else csv_format.LABELS)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


@pytest.fixture
def roles_exist(db):
    for name in roles.ROLE_LABELS:
        Group.objects.get_or_create(name=name)
