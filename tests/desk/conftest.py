import pytest

from cfdidesk.desk.services import ticket_create


@pytest.fixture
def company(make_company):
    return make_company()


@pytest.fixture
def make_ticket(actor, company):
    def make(**kwargs):
        kwargs.setdefault("subject", "No timbra la factura A-123")
        kwargs.setdefault("company", company)
        return ticket_create(actor=actor, **kwargs)

    return make
