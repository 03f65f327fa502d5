"""Escalation: the chain per team, manual and automatic escalation, the page, the API and races."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from cfdidesk.accounts import roles
from cfdidesk.accounts.services import token_create
from cfdidesk.audit.models import AuditEntry
from cfdidesk.customers.services import contact_create
from cfdidesk.desk.models import EscalationStep, OutboundEmail, Status, Team, Ticket, TicketEvent
from cfdidesk.desk.oncall.services.escalation import (
    escalation_step_create,
    escalation_step_delete,
    escalation_step_update,
    ticket_escalate,
)
from cfdidesk.desk.tickets.services.conversation import ticket_reply
from cfdidesk.desk.tickets.services.transitions import ticket_transition
from tests.races import needs_postgres, run_together


@pytest.fixture
def team(db):
    return Team.objects.create(name="Timbrado")


@pytest.fixture
def ana(make_user):
    return make_user(
        roles.SUPERVISOR, first_name="Ana", last_name="López", email="ana@mesa.example"
    )


@pytest.fixture
def mario(make_user):
    return make_user(
        roles.SUPERVISOR, first_name="Mario", last_name="Gil", email="mario@mesa.example"
    )


@pytest.fixture
def chain(team, ana, mario):
    return [
        EscalationStep.objects.create(team=team, level=1, title="Supervisora", user=ana),
        EscalationStep.objects.create(team=team, level=2, title="Gerente", user=mario),
    ]


def refused(exc_info) -> str:
    return " ".join(exc_info.value.messages)


# ---------------------------------------------------------------- the chain


def test_a_step_below_level_one_is_refused(actor, team, ana):
    for level in (0, -1):
        with pytest.raises(ValidationError) as info:
            escalation_step_create(
                actor=actor, team=team, level=level, title="Supervisora", user=ana
            )
        assert "El nivel debe ser 1 o mayor" in info.value.message_dict["level"][0]
    assert not EscalationStep.objects.exists()


def test_a_duplicate_level_is_refused(actor, team, ana, mario):
    escalation_step_create(actor=actor, team=team, level=1, title="Supervisora", user=ana)
    with pytest.raises(ValidationError) as info:
        escalation_step_create(actor=actor, team=team, level=1, title="Gerente", user=mario)
    assert info.value.message_dict["level"] == [
        "El equipo «Timbrado» ya tiene el nivel 1 (Supervisora: Ana López)."
    ]
    assert EscalationStep.objects.count() == 1
    # The same level in another team is fine.
    escalation_step_create(
        actor=actor, team=Team.objects.create(name="Nómina"), level=1, title="Gerente", user=mario
    )


def test_a_step_needs_staff_and_a_title(actor, team, make_user):
    with pytest.raises(ValidationError) as info:
        escalation_step_create(
            actor=actor, team=team, level=1, title=" ", user=make_user(roles.PORTAL)
        )
    assert set(info.value.message_dict) == {"title", "user"}


def test_steps_are_updated_and_deleted_with_audit(actor, team, ana, mario):
    first = escalation_step_create(actor=actor, team=team, level=1, title="Supervisora", user=ana)
    second = escalation_step_create(actor=actor, team=team, level=2, title="Gerente", user=mario)
    with pytest.raises(ValidationError, match="ya tiene el nivel 1"):
        escalation_step_update(actor=actor, step=second, level=1)
    assert escalation_step_update(actor=actor, step=second, level=3).level == 3
    escalation_step_delete(actor=actor, step=first)
    assert list(EscalationStep.objects.values_list("level", flat=True)) == [3]
    assert AuditEntry.objects.filter(action__startswith="escalation_step.").count() == 4


def test_admin_refuses_bad_steps_with_the_same_messages(admin_client, team, ana):
    url = "/administracion/desk/escalationstep/add/"
    page = admin_client.post(
        url, {"team": team.pk, "level": "0", "title": "Supervisora", "user": ana.pk}
    ).content.decode()
    assert "El nivel debe ser 1 o mayor" in page and "mayor o igual a 0" not in page
    assert (
        admin_client.post(
            url, {"team": team.pk, "level": "1", "title": "Supervisora", "user": ana.pk}
        ).status_code
        == 302
    )
    page = admin_client.post(
        url, {"team": team.pk, "level": "1", "title": "Otra", "user": ana.pk}
    ).content.decode()
    assert "ya tiene el nivel 1 (Supervisora: Ana López)" in page
    assert EscalationStep.objects.count() == 1


# ---------------------------------------------------------------- escalating


def test_manual_escalation_moves_one_level_records_and_alerts(actor, make_ticket, team, chain, ana):
    ticket = make_ticket(team=team)
    event = ticket_escalate(
        actor=actor, ticket=ticket, reason="  No encuentro la causa del CFDI40147.  "
    )
    ticket.refresh_from_db()
    assert ticket.escalation_level == 1
    assert (
        event.kind == TicketEvent.Kind.ESCALATION and not event.is_public and event.actor == actor
    )
    assert event.data == {
        "level": 1,
        "from_level": 0,
        "title": "Supervisora",
        "to": {"id": ana.pk, "name": "Ana López"},
        "trigger": "manual",
        "target": None,
        "reason": "No encuentro la causa del CFDI40147.",
        "text": f"{actor.username} escaló el ticket #{ticket.number} al nivel 1 (Supervisora). "
        "Motivo: No encuentro la causa del CFDI40147.",
    }
    alert = OutboundEmail.objects.get(kind=OutboundEmail.Kind.ALERT)
    assert alert.to == "ana@mesa.example" and alert.event == event
    second = ticket_escalate(actor=actor, ticket=ticket, reason="Sigue sin resolverse")
    assert second.data["level"] == 2 and second.data["to"]["name"] == "Mario Gil"


def _without_team(ticket):
    """A ticket from before the routing rules (every new ticket is routed to a team)."""
    Ticket.objects.filter(pk=ticket.pk).update(team=None)
    return Ticket.objects.get(pk=ticket.pk)


def test_manual_escalation_refusals_change_nothing(actor, make_ticket, team, chain):
    no_team = _without_team(make_ticket())
    with pytest.raises(ValidationError) as info:
        ticket_escalate(actor=actor, ticket=no_team, reason="Urgente")
    assert refused(info) == "Asigna un equipo al ticket para escalarlo."
    ticket = make_ticket(team=team)
    with pytest.raises(ValidationError) as info:
        ticket_escalate(actor=actor, ticket=ticket, reason="   ")
    assert "Escribe el motivo del escalamiento" in info.value.message_dict["reason"][0]
    ticket_escalate(actor=actor, ticket=ticket, reason="Uno")
    ticket_escalate(actor=actor, ticket=ticket, reason="Dos")
    with pytest.raises(ValidationError) as info:
        ticket_escalate(actor=actor, ticket=ticket, reason="Tres")
    assert refused(info) == "Este ticket ya está en el último nivel de escalamiento de su equipo."
    ticket.refresh_from_db()
    assert ticket.escalation_level == 2
    assert TicketEvent.objects.filter(kind=TicketEvent.Kind.ESCALATION).count() == 2
    ticket_transition(actor=actor, ticket=ticket, to=Status.RESOLVED)
    with pytest.raises(ValidationError, match="reábrelo primero"):
        ticket_escalate(actor=actor, ticket=ticket, reason="Cuatro")


def test_levels_may_skip_numbers_and_a_team_change_keeps_counting_up(
    actor, make_ticket, team, ana, mario
):
    EscalationStep.objects.create(team=team, level=1, title="Supervisora", user=ana)
    EscalationStep.objects.create(team=team, level=5, title="Dirección", user=mario)
    ticket = make_ticket(team=team)
    ticket_escalate(actor=actor, ticket=ticket, reason="a")
    assert ticket_escalate(actor=actor, ticket=ticket, reason="b").data["level"] == 5


def test_automatic_escalation_returns_none_when_there_is_nowhere_to_go(
    actor, make_ticket, team, chain
):
    ticket = make_ticket(team=team)
    event = ticket_escalate(
        actor=None, ticket=ticket, reason="", trigger="sla_at_risk", target="first_response"
    )
    assert event.actor is None and event.data["trigger"] == "sla_at_risk"
    assert event.data["text"] == (
        f"El ticket #{ticket.number} está en riesgo de incumplir su SLA (primera respuesta): "
        "se escaló al nivel 1 (Supervisora)."
    )
    assert (
        ticket_escalate(
            actor=None, ticket=ticket, reason="", trigger="sla_breached", target="resolution"
        ).data["level"]
        == 2
    )
    assert (
        ticket_escalate(
            actor=None, ticket=ticket, reason="", trigger="sla_breached", target="resolution"
        )
        is None
    )
    assert (
        ticket_escalate(actor=None, ticket=make_ticket(), reason="", trigger="sla_breached") is None
    )
    with pytest.raises(ValueError):
        ticket_escalate(actor=None, ticket=ticket, reason="", trigger="whatever")


def test_the_alert_email_goes_to_staff_only_and_stays_out_of_the_customer_thread(
    smtp, actor, company, team, chain, django_capture_on_commit_callbacks
):
    from cfdidesk.desk.tickets.services.tickets import ticket_create

    contact = contact_create(
        actor=actor, company=company, data={"name": "Laura", "email": "laura@centro.mx"}
    )
    with django_capture_on_commit_callbacks(execute=True):
        ticket = ticket_create(actor=actor, contact=contact, subject="Error al timbrar", team=team)
    with django_capture_on_commit_callbacks(execute=True):
        ticket_escalate(actor=actor, ticket=ticket, reason="El PAC rechaza el sello")
    with django_capture_on_commit_callbacks(execute=True):
        ticket_reply(actor=actor, ticket=ticket, body="Estamos revisando con el PAC.")
    opened, alert, reply = smtp.messages
    assert alert["To"] == "ana@mesa.example" and "laura@centro.mx" not in str(alert)
    assert alert["Subject"] == f"Escalamiento: ticket #{ticket.number} Error al timbrar"
    assert "[#" not in alert["Subject"]  # a reply to it must not thread into the customer's ticket
    assert (
        alert["In-Reply-To"] is None and alert["References"] is None and alert["Reply-To"] is None
    )
    body = alert.get_content()
    assert (
        "escaló el ticket" in body
        and "El PAC rechaza el sello" in body
        and f"/tickets/{ticket.number}/" in body
    )
    assert reply["To"] == "laura@centro.mx"
    assert (
        alert["Message-ID"] not in reply["References"]
        and opened["Message-ID"] in reply["References"]
    )
    assert (
        OutboundEmail.objects.get(kind=OutboundEmail.Kind.ALERT).state == OutboundEmail.State.SENT
    )


# ---------------------------------------------------------------- the ticket page and the API


def test_the_ticket_page_offers_escalation_and_shows_it_on_the_timeline(
    client_as, make_ticket, team, chain
):
    client = client_as(roles.CONSULTANT)
    ticket = make_ticket(team=team)
    page = client.get(f"/tickets/{ticket.number}/").content.decode()
    box = page.split('data-testid="escalation"')[1].split("</section>")[0]
    assert (
        "Nivel actual: 0" in box
        and "Siguiente nivel: 1 · Supervisora" in box
        and "Ana López" in box
    )
    assert "Escalar al siguiente nivel" in box
    response = client.post(
        f"/tickets/{ticket.number}/escalar/", {"reason": "El cliente no puede facturar"}
    )
    assert (
        response.status_code == 302
        and response["Location"] == f"/tickets/{ticket.number}/#escalation"
    )
    page = client.get(f"/tickets/{ticket.number}/").content.decode()
    assert "Ticket escalado al nivel 1 (Supervisora): avisamos a Ana López." in page
    timeline = page.split('data-testid="timeline"')[1].split("</ol>")[0]
    assert (
        "Escaló al nivel 1 (Supervisora): Ana López." in timeline
        and "El cliente no puede facturar" in timeline
    )
    client.post(f"/tickets/{ticket.number}/escalar/", {"reason": "Gerencia"})
    page = client.get(f"/tickets/{ticket.number}/").content.decode()
    box = page.split('data-testid="escalation"')[1].split("</section>")[0]
    assert "último nivel" in box and "<form" not in box
    response = client.post(
        f"/tickets/{ticket.number}/escalar/", {"reason": "Otra vez"}, follow=True
    )
    assert (
        "Este ticket ya está en el último nivel de escalamiento de su equipo."
        in response.content.decode()
    )


def test_the_page_says_what_is_missing_without_a_team(client_as, make_ticket):
    ticket = _without_team(make_ticket())
    page = client_as(roles.CONSULTANT).get(f"/tickets/{ticket.number}/").content.decode()
    box = page.split('data-testid="escalation"')[1].split("</section>")[0]
    assert "Asigna un equipo al ticket para escalarlo." in box and "<form" not in box


def test_the_escalation_box_costs_one_query(
    client_as, make_ticket, team, chain, django_assert_num_queries
):
    from django.template import Context, Template
    from django.test import RequestFactory

    ticket = Ticket.objects.get(pk=make_ticket(team=team).pk)
    request = RequestFactory().get("/")
    request.user = chain[0].user
    request.user._cfdidesk_roles = frozenset({roles.SUPERVISOR})
    with django_assert_num_queries(1):
        html = Template("{% load desk_oncall %}{% escalation_box ticket %}").render(
            Context({"ticket": ticket, "request": request})
        )
    assert "Supervisora" in html


def test_portal_contacts_cannot_escalate(client_as, make_ticket, team, chain):
    ticket = make_ticket(team=team)
    assert (
        client_as(roles.PORTAL)
        .post(f"/tickets/{ticket.number}/escalar/", {"reason": "x"})
        .status_code
        == 403
    )
    assert Ticket.objects.get(pk=ticket.pk).escalation_level == 0


def test_api_escalation(make_user, make_ticket, team, chain):
    ticket = make_ticket(team=team)
    _t, clear = token_create(user=make_user(roles.CONSULTANT), name="t")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {clear}")
    url = f"/api/v1/tickets/{ticket.number}/escalations"
    response = client.post(url, data=json.dumps({"reason": ""}), content_type="application/json")
    assert response.status_code == 422 and "reason" in response.json()["errors"]
    response = client.post(
        url, data=json.dumps({"reason": "Sin avance"}), content_type="application/json"
    )
    assert (
        response.status_code == 201
        and response.json()["kind"] == "escalation"
        and response.json()["data"]["level"] == 1
    )
    _t, portal = token_create(user=make_user(roles.PORTAL), name="p")
    response = Client(HTTP_AUTHORIZATION=f"Bearer {portal}").post(
        url, data=json.dumps({"reason": "x"}), content_type="application/json"
    )
    assert response.status_code == 403


# ---------------------------------------------------------------- races (PostgreSQL)


@pytest.mark.django_db(transaction=True)
def test_two_supervisors_escalating_at_once_move_one_level_each(make_user, make_company, actor):
    needs_postgres()
    from cfdidesk.desk.tickets.services.tickets import ticket_create

    team = Team.objects.create(name="Carrera")
    people = [make_user(roles.SUPERVISOR, first_name=f"Nivel {n}") for n in (1, 2, 3)]
    for n, person in enumerate(people, start=1):
        EscalationStep.objects.create(team=team, level=n, title=f"Nivel {n}", user=person)
    ticket = ticket_create(actor=actor, company=make_company(), subject="Carrera", team=team)
    supervisors = [make_user(roles.SUPERVISOR) for _ in range(2)]

    outcomes = run_together(
        2,
        lambda i: ticket_escalate(actor=supervisors[i], ticket=ticket, reason=f"Motivo {i}").data[
            "level"
        ],
    )
    assert sorted(outcomes) == [("ok", 1), ("ok", 2)], outcomes
    assert Ticket.objects.get(pk=ticket.pk).escalation_level == 2

    # Three more at once with one level left: one moves it, two are told it is the last level.
    outcomes = run_together(
        3, lambda i: ticket_escalate(actor=actor, ticket=ticket, reason="otra").data["level"]
    )
    assert sorted(kind for kind, _ in outcomes) == ["ok", "refused", "refused"], outcomes
    assert Ticket.objects.get(pk=ticket.pk).escalation_level == 3
    levels = sorted(
        TicketEvent.objects.filter(ticket=ticket, kind="escalation").values_list(
            "data__level", flat=True
        )
    )
    assert levels == [1, 2, 3]
