"""A small world for walking the whole API: two companies, a portal contact of the first, a token
per role, tickets with support's own data on them (assignee, team, notes, escalation), articles
public and internal and an invoicing environment. The values support keeps to itself are
distinctive words, so that a test can look for them in any answer."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pytest
from django.test import Client
from django.utils import timezone

from cfdidesk.accounts import roles
from cfdidesk.accounts.services import token_create
from cfdidesk.customers.services import contact_create
from cfdidesk.desk.models import Team
from cfdidesk.desk.oncall.services.escalation import escalation_step_create, ticket_escalate
from cfdidesk.desk.oncall.services.roster import oncall_shift_create
from cfdidesk.desk.tickets.services.conversation import ticket_attach, ticket_note, ticket_reply
from cfdidesk.desk.tickets.services.tickets import protocol_mark, ticket_create, ticket_update
from cfdidesk.invoicing import services as invoicing
from cfdidesk.kb import services as kb
from cfdidesk.kb.models import Visibility
from tests.conftest import moral_rfc

STAFF_ROLES = (roles.ADMINISTRATOR, roles.SUPERVISOR, roles.CONSULTANT, roles.BILLING)
ALL_ROLES = (*STAFF_ROLES, roles.PORTAL)

# Words that only support, or only the other company, may ever read.
SECRETS = {
    "internal note": "NOTA-INTERNA-RESERVADA",
    "internal attachment": "adjunto-interno-reservado.txt",
    "escalation reason": "MOTIVO-DE-ESCALAMIENTO-RESERVADO",
    "assignee": "Zacarías",
    "team": "Equipo Reservado",
    "internal article": "Artículo interno reservado",
    "other company": "Empresa Ajena del Norte",
    "other company's ticket": "ASUNTO-DE-LA-OTRA-EMPRESA",
    "other company's contact": "ajeno@ajena.mx",
    "other company's e-mail": "facturas@ajena.mx",
}


def bearer(user) -> Client:
    _token, clear = token_create(user=user, name="api")
    return Client(HTTP_AUTHORIZATION=f"Bearer {clear}")


@dataclass
class World:
    clients: dict[str, Client]
    values: dict[str, list[str]] = field(default_factory=dict)
    other_rfc: str = ""


@pytest.fixture
def world(make_user, make_company, actor) -> World:
    ours = make_company(legal_name="Comercializadora del Centro, S.A. de C.V.")
    other = make_company(
        legal_name=SECRETS["other company"],
        rfc=moral_rfc(4242),
        email=SECRETS["other company's e-mail"],
    )
    users = {role: make_user(role) for role in STAFF_ROLES}
    portal_user = make_user(roles.PORTAL)
    contact = contact_create(
        actor=actor, company=ours, data={"name": "Laura Méndez", "email": "laura@centro.mx"}
    )
    contact.user = portal_user
    contact.save()
    other_contact = contact_create(
        actor=actor,
        company=other,
        data={"name": "Pedro Ajeno", "email": SECRETS["other company's contact"]},
    )
    team = Team.objects.create(name=SECRETS["team"])
    boss = make_user(roles.SUPERVISOR, first_name=SECRETS["assignee"], last_name="Secreto")
    escalation_step_create(actor=actor, team=team, level=1, title="Supervisor", user=boss)
    now = timezone.now()
    oncall_shift_create(
        actor=actor,
        team=team,
        user=boss,
        starts_at=now - dt.timedelta(hours=1),
        ends_at=now + dt.timedelta(hours=8),
    )
    ticket = ticket_create(
        actor=actor,
        company=ours,
        contact=contact,
        subject="No timbra la factura A-123",
        team=team,
        assignee=boss,
        references=[("movement", "4411")],
    )
    ticket_update(actor=actor, ticket=ticket, data={"upset_customer": True})
    protocol_mark(actor=actor, ticket=ticket, step="listen")
    ticket_note(actor=actor, ticket=ticket, body=SECRETS["internal note"])
    ticket_attach(
        actor=actor,
        ticket=ticket,
        files=[(SECRETS["internal attachment"], b"interno")],
        public=False,
    )
    ticket_escalate(actor=actor, ticket=ticket, reason=SECRETS["escalation reason"])
    ticket_reply(actor=boss, ticket=ticket, body="Estamos revisando el movimiento 4411.")
    foreign = ticket_create(
        actor=actor,
        company=other,
        contact=other_contact,
        subject=SECRETS["other company's ticket"],
    )
    public = kb.article_create(
        actor=actor, title="Cómo reprocesar", body="Paso a paso.", visibility=Visibility.PUBLIC
    )
    kb.article_publish(actor=actor, article=public)
    internal = kb.article_create(actor=actor, title=SECRETS["internal article"], body="Solo equipo")
    kb.article_publish(actor=actor, article=internal)
    environment = invoicing.environment_create(
        actor=actor, company=other, data={"name": "Producción", "emitter_name": "AJENA DEL NORTE"}
    )
    clients = {role: bearer(user) for role, user in users.items()}
    clients[roles.PORTAL] = bearer(portal_user)
    return World(
        clients=clients,
        other_rfc=other.rfc,
        values={
            "number": [ticket.number, foreign.number],
            # The other ticket of a link: each company's, so a link across companies is tried too.
            "other": [ticket.number, foreign.number],
            "company_id": [str(ours.pk), str(other.pk)],
            "contact_id": [str(contact.pk), str(other_contact.pk)],
            "slug": [public.slug, internal.slug],
            "environment_id": [str(environment.pk)],
            "document_id": ["1"],
            "job_id": ["1"],
        },
    )
