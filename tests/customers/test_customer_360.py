"""The customer 360 page: tickets, contacts with their portal access, invoicing environments with
documents by state (from the counters) and stamps; a fixed number of queries; portal invitations."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.db import connection
from django.test import Client

from cfdidesk.accounts import roles
from cfdidesk.customers.models import Contact
from cfdidesk.customers.panels import company_panels
from cfdidesk.customers.services import (
    contact_create,
    contact_delete,
    contact_portal_invite,
    contact_portal_revoke,
)
from cfdidesk.desk.models import Ticket
from cfdidesk.desk.tickets.selectors import company_ticket_overview
from cfdidesk.desk.tickets.services.tickets import ticket_create
from cfdidesk.desk.tickets.services.transitions import ticket_transition
from cfdidesk.invoicing import services as invoicing
from cfdidesk.invoicing.models import StateCount
from tests.conftest import moral_rfc

User = get_user_model()


@pytest.fixture
def company(make_company):
    return make_company(legal_name="Abarrotes La Esperanza, S.A. de C.V.")


@pytest.fixture
def laura(actor, company):
    return contact_create(
        actor=actor,
        company=company,
        data={"name": "Laura Méndez", "email": "laura@esperanza.mx", "language": "en"},
    )


def _tickets(actor, company, n: int, *, close_every: int = 0) -> list[Ticket]:
    made = []
    for i in range(n):
        ticket = ticket_create(actor=actor, company=company, subject=f"No timbra la factura A-{i}")
        if close_every and i % close_every == 0:
            ticket = ticket_transition(actor=actor, ticket=ticket, to="resolved")
        made.append(ticket)
    return made


def _environment(actor, company, *, name="Producción", rfc="EKU9003173C9", counts=None):
    environment = invoicing.environment_create(
        actor=actor,
        company=company,
        data={
            "name": name,
            "emitter_rfc": rfc,
            "emitter_name": "ESCUELA KEMPER URGATE",
            "tax_regime": "601",
            "postal_code": "42501",
        },
    )
    for state, count in (counts or {}).items():
        StateCount.objects.create(environment=environment, state=state, count=count)
    return environment


def test_the_page_shows_tickets_contacts_documents_and_stamps(admin_client, actor, company, laura):
    tickets = _tickets(actor, company, 4, close_every=2)
    environment = _environment(
        actor, company, counts={"stamped": 1_250_000, "validation_error": 3, "no_credits": 0}
    )
    invoicing.credits_load(actor=actor, rfc="EKU9003173C9", quantity=500)
    html = admin_client.get(f"/clientes/{company.pk}/").content.decode()

    tickets_panel = html[html.index('data-testid="company-tickets"') :]
    assert "2 abiertos" in tickets_panel and "4 en total" in tickets_panel
    for ticket in tickets:
        assert f'href="/tickets/{ticket.number}/"' in tickets_panel
    assert f"/tickets/?vista=abiertos&amp;company={company.pk}" in tickets_panel

    assert "Laura Méndez" in html and "Sin acceso al portal" in html and "Invitar al portal" in html

    counts = re.search(r'data-testid="env-counts-\d+">(.*?)</p>', html, re.S).group(1)
    assert (
        "Timbrado" in counts and "1,250,000" in counts and "Error de structure validation" in counts
    )
    assert "Sin timbres" not in counts  # a state with no documents is left out
    assert f"/facturacion/{environment.pk}/?estado=stamped#documentos" in counts
    assert re.search(r"Timbres de EKU9003173C9: <strong>500</strong> disponibles", html)


def test_the_page_runs_the_same_queries_for_few_or_many_tickets(
    admin_client, actor, company, laura, make_company, django_assert_max_num_queries
):
    _tickets(actor, company, 2)
    _environment(actor, company, counts={"stamped": 5})
    with django_assert_max_num_queries(40) as few:
        admin_client.get(f"/clientes/{company.pk}/")
    _tickets(actor, company, 30, close_every=3)
    _environment(actor, company, name="Pruebas", rfc=moral_rfc(9), counts={"pre": 2})
    contact_create(actor=actor, company=company, data={"name": "Otro", "email": "otro@e.mx"})
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = admin_client.get(f"/clientes/{company.pk}/").content.decode()
    assert "Pruebas" in html and "Otro" in html


def test_other_companies_tickets_and_environments_stay_out(
    admin_client, actor, company, make_company
):
    other = make_company(legal_name="Otra, S.A. de C.V.", rfc=moral_rfc(5), email="o@otra.mx")
    (theirs,) = _tickets(actor, other, 1)
    _environment(actor, other, name="Ambiente de la otra")
    html = admin_client.get(f"/clientes/{company.pk}/").content.decode()
    assert theirs.number not in html and "Ambiente de la otra" not in html
    assert "Este cliente aún no tiene tickets." in html
    assert "Este cliente no tiene ambientes de facturación." in html


def test_the_panels_come_from_the_apps_above_customers(actor, company, client_as):
    keys = [p.key for p in company_panels(company=company, user=actor)]
    assert keys == ["tickets", "invoicing"]
    assert company_panels(company=company, user=AnonymousUser()) == []  # nobody: no panel


def test_the_open_tickets_are_read_from_their_own_index(actor, company):
    _tickets(actor, company, 3)
    from cfdidesk.desk.tickets import selectors

    overview = company_ticket_overview(company_id=company.pk)
    assert overview.open_count == 3 and overview.total == 3
    qs = Ticket.objects.filter(company_id=company.pk, is_open=True).order_by("-created_at", "-id")[
        :8
    ]
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET enable_seqscan = off")
            cursor.execute("EXPLAIN " + sql, params)
            plan = "\n".join(r[0] for r in cursor.fetchall())
            cursor.execute("SET enable_seqscan = on")
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
            plan = "\n".join(str(r[-1]) for r in cursor.fetchall())
    assert "ticket_company_open" in plan, plan
    assert selectors.LIST_DEFERRED  # the overview leaves out the long texts


# --- portal access of contacts ----------------------------------------------------------------


def test_inviting_a_contact_makes_a_portal_account_and_sends_the_link(
    actor, company, laura, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        contact = contact_portal_invite(actor=actor, contact=laura)
    user = contact.user
    assert user.username == "laura@esperanza.mx" and user.email == "laura@esperanza.mx"
    assert roles.roles_of(user) == {roles.PORTAL}
    assert not user.has_usable_password() and contact.portal_state == "invited"
    (message,) = mail.outbox
    assert message.to == ["laura@esperanza.mx"]
    assert message.subject == "Your access to CFDI Desk"  # the contact's language
    url = re.search(r"/cuenta/clave/\S+/", message.body).group(0)
    client = Client()
    client.post(url, {"password": "laura-clave-2026", "password_again": "laura-clave-2026"})
    client.post(
        "/cuenta/entrar/", {"username": "laura@esperanza.mx", "password": "laura-clave-2026"}
    )
    assert client.get("/portal/").status_code == 200
    contact.refresh_from_db()
    assert contact.portal_state == "active"


def test_revoking_closes_the_portal_and_a_new_invitation_opens_it_again(
    actor, company, laura, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        contact = contact_portal_invite(actor=actor, contact=laura)
    url = re.search(r"/cuenta/clave/\S+/", mail.outbox[-1].body).group(0)
    Client().post(url, {"password": "laura-clave-2026", "password_again": "laura-clave-2026"})
    contact_portal_revoke(actor=actor, contact=contact)
    contact.refresh_from_db()
    assert contact.portal_state == "revoked" and not contact.user.is_active
    login = Client().post(
        "/cuenta/entrar/", {"username": "laura@esperanza.mx", "password": "laura-clave-2026"}
    )
    assert login.status_code == 200  # refused
    with django_capture_on_commit_callbacks(execute=True):
        contact = contact_portal_invite(actor=actor, contact=contact)
    assert contact.user.is_active and contact.portal_state == "invited"
    assert User.objects.filter(email="laura@esperanza.mx").count() == 1  # the same account
    with pytest.raises(Exception) as exc_info:
        contact_portal_revoke(
            actor=actor, contact=Contact.objects.create(company=company, name="X")
        )
    assert "no tiene acceso al portal" in str(exc_info.value)


@pytest.mark.parametrize(
    ("setup", "text"),
    [
        ("no_email", "Agrega primero el correo del contacto"),
        ("staff_email", "Ya existe un usuario con el correo"),
        ("archived", "El cliente está archivado"),
    ],
)
def test_invitation_refusals(actor, company, laura, make_user, setup, text):
    if setup == "no_email":
        Contact.objects.filter(pk=laura.pk).update(email="")
    elif setup == "staff_email":
        make_user(roles.CONSULTANT, username="laura2", email="laura@esperanza.mx")
    else:
        company.is_active = False
        company.save(update_fields=["is_active"])
    with pytest.raises(Exception) as exc_info:
        contact_portal_invite(actor=actor, contact=laura)
    assert text in str(exc_info.value)
    laura.refresh_from_db()
    assert laura.user is None


def test_deleting_a_contact_deactivates_its_portal_account(actor, laura):
    contact = contact_portal_invite(actor=actor, contact=laura)
    user = contact.user
    contact_delete(actor=actor, contact=contact)
    user.refresh_from_db()
    assert not user.is_active


def test_the_page_invites_and_revokes(
    client_as, company, laura, django_capture_on_commit_callbacks
):
    client = client_as(roles.CONSULTANT)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/clientes/contactos/{laura.pk}/portal/", follow=True)
    html = response.content.decode()
    assert "Enviamos a laura@esperanza.mx la invitación al portal" in html
    assert "Invitación enviada" in html and "Reenviar invitación" in html
    assert len(mail.outbox) == 1
    response = client.post(f"/clientes/contactos/{laura.pk}/portal/revocar/", follow=True)
    assert "Laura Méndez ya no puede entrar al portal." in response.content.decode()
    assert "Acceso revocado" in response.content.decode()


def test_billing_cannot_invite_and_history_records_it(client_as, actor, company, laura):
    assert (
        client_as(roles.BILLING).post(f"/clientes/contactos/{laura.pk}/portal/").status_code == 403
    )
    contact_portal_invite(actor=actor, contact=laura)
    html = client_as(roles.ADMINISTRATOR).get(f"/clientes/{company.pk}/").content.decode()
    assert "invitó al portal a Laura Méndez" in html
