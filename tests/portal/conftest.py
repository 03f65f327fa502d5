"""Portal fixtures: two companies, a contact of each with a portal user (browser fixtures: tests/browser_support.py)."""

import pytest
from django.test import Client

from cfdidesk.accounts import roles
from cfdidesk.accounts.services import user_create
from cfdidesk.customers.services import contact_create
from cfdidesk.desk.tickets.services.tickets import ticket_create
from tests.conftest import moral_rfc

PASSWORD = "una-clave-segura-123"


@pytest.fixture
def company(make_company):
    return make_company(
        legal_name="Abarrotes La Esperanza, S.A. de C.V.", trade_name="La Esperanza"
    )


@pytest.fixture
def other_company(make_company):
    return make_company(
        legal_name="Ferretería El Martillo, S.A. de C.V.", rfc=moral_rfc(77), email="f@martillo.mx"
    )


@pytest.fixture
def make_contact_user(actor):
    """A contact of the company with a linked portal user (username = e-mail's local part)."""

    def make(
        company, *, name="Laura Pérez", email="laura@esperanza.mx", username=None, **user_extra
    ):
        contact = contact_create(actor=actor, company=company, data={"name": name, "email": email})
        first, _, last = name.partition(" ")
        user = user_create(
            username=username or email.split("@")[0],
            password=PASSWORD,
            role=roles.PORTAL,
            email=email,
            first_name=first,
            last_name=last,
            **user_extra,
        )
        contact.user = user
        contact.save(update_fields=["user"])
        return contact

    return make


@pytest.fixture
def contact(make_contact_user, company):
    return make_contact_user(company)


@pytest.fixture
def portal_client(contact):
    client = Client()
    client.force_login(contact.user)
    return client


@pytest.fixture
def make_ticket(actor, company):
    def make(**kwargs):
        kwargs.setdefault("subject", "No timbra la factura A-123")
        if "contact" not in kwargs:
            kwargs.setdefault("company", company)
        return ticket_create(actor=kwargs.pop("by", actor), **kwargs)

    return make
