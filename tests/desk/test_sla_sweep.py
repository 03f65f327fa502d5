"""The periodic SLA sweep: at risk and breached tickets are escalated and alerted once per target."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from cfdidesk.accounts import roles
from cfdidesk.desk.models import EscalationStep, OutboundEmail, Status, Team, Ticket, TicketEvent
from cfdidesk.desk.oncall.services.sweep import sla_sweep
from cfdidesk.desk.tickets.services.conversation import ticket_customer_reply, ticket_reply
from cfdidesk.service.models import SlaPolicy
from cfdidesk.service.sla_defaults import ensure_default_policies
from tests.races import needs_postgres, run_together

MX = ZoneInfo("America/Mexico_City")


def at(*args):
    return time_machine.travel(dt.datetime(*args, tzinfo=MX), tick=False)


@pytest.fixture
def chain(make_user):
    # Transactional tests run after a flush that removes the data migrations' rows.
    ensure_default_policies(SlaPolicy)
    team = Team.objects.create(name="Timbrado")
    supervisor = make_user(roles.SUPERVISOR, email="supervisora@proveedor.mx")
    manager = make_user(roles.ADMINISTRATOR, email="gerente@proveedor.mx")
    EscalationStep.objects.create(team=team, level=1, title="Supervisora", user=supervisor)
    EscalationStep.objects.create(team=team, level=2, title="Gerente", user=manager)
    return team, make_user(roles.CONSULTANT, email="consultor@proveedor.mx")


def alerts_to(ticket) -> list[str]:
    return sorted(
        OutboundEmail.objects.filter(ticket=ticket, kind=OutboundEmail.Kind.ALERT).values_list(
            "to", flat=True
        )
    )


def test_at_risk_then_breached_escalates_one_level_each_and_only_once(make_ticket, chain):
    team, consultant = chain
    with at(2026, 11, 24, 9, 0):  # normal: first response due Wed 09:00, at risk from Tue 17:00
        ticket = make_ticket(team=team, assignee=consultant)
    with at(2026, 11, 24, 16, 59):
        assert sla_sweep() == {"breached": 0, "at_risk": 0}
    with at(2026, 11, 24, 17, 0):
        assert sla_sweep() == {"breached": 0, "at_risk": 1}
        assert sla_sweep() == {
            "breached": 0,
            "at_risk": 0,
        }  # a second sweep (or a restarted worker) does nothing
    ticket.refresh_from_db()
    assert ticket.escalation_level == 1
    assert alerts_to(ticket) == ["consultor@proveedor.mx", "supervisora@proveedor.mx"]
    with at(2026, 11, 25, 9, 0):
        assert sla_sweep() == {"breached": 1, "at_risk": 0}
        assert sla_sweep() == {"breached": 0, "at_risk": 0}
    ticket.refresh_from_db()
    assert ticket.escalation_level == 2
    assert alerts_to(ticket).count("gerente@proveedor.mx") == 1
    entries = list(
        TicketEvent.objects.filter(ticket=ticket, kind=TicketEvent.Kind.ESCALATION).values_list(
            "data", flat=True
        )
    )
    assert [e["trigger"] for e in entries] == ["sla_at_risk", "sla_breached"]
    assert "primera respuesta" in entries[1]["text"] and ticket.number in entries[1]["text"]


def test_a_ticket_already_late_gets_only_the_breach_and_a_new_target_is_alerted_again(
    actor, make_ticket, chain
):
    team, consultant = chain
    with at(2026, 11, 24, 9, 0):
        ticket = make_ticket(team=team, assignee=consultant)
    with at(2026, 11, 26, 9, 0):
        assert sla_sweep() == {"breached": 1, "at_risk": 0}
        ticket_reply(
            actor=actor, ticket=ticket, body="Ya lo revisamos"
        )  # now the resolution target runs
    with at(2026, 11, 26, 9, 1):
        assert sla_sweep() == {"breached": 0, "at_risk": 0}
    with at(2026, 11, 26, 14, 0):  # resolution due Fri 27 09:00+; at risk after 18 h: Thu 11:00
        assert sla_sweep() == {"breached": 0, "at_risk": 1}
    assert Ticket.objects.get(pk=ticket.pk).escalation_level == 2


def test_a_stopped_clock_is_not_swept(actor, make_ticket, chain):
    team, consultant = chain
    with at(2026, 11, 24, 9, 0):
        ticket = make_ticket(team=team, assignee=consultant)
        ticket_reply(
            actor=actor, ticket=ticket, body="¿Nos manda el XML?", then=Status.WAITING_CUSTOMER
        )
    with at(2026, 12, 10, 9, 0):
        assert sla_sweep() == {"breached": 0, "at_risk": 0}
        ticket_customer_reply(ticket=ticket, body="Aquí está")
        assert sla_sweep() == {"breached": 0, "at_risk": 0}  # the clock resumed where it stopped


def test_the_sweep_takes_constant_queries(make_ticket, chain, django_assert_max_num_queries):
    team, consultant = chain

    def tickets(n, *when):
        with at(*when):
            for _ in range(n):
                make_ticket(team=team, assignee=consultant)

    tickets(2, 2026, 11, 24, 9, 0)  # breached by Wednesday 09:00
    tickets(2, 2026, 11, 24, 11, 0)  # at risk by then
    with at(2026, 11, 25, 9, 0), django_assert_max_num_queries(26) as few:
        assert sla_sweep() == {"breached": 2, "at_risk": 2}
    tickets(40, 2026, 11, 25, 9, 0)
    tickets(40, 2026, 11, 25, 11, 0)
    # The same queries, plus at most one UPDATE per level of the chain (here some reach level 2).
    with at(2026, 11, 26, 9, 0), django_assert_max_num_queries(len(few.captured_queries) + 2):
        assert sla_sweep() == {"breached": 42, "at_risk": 40}


@pytest.mark.django_db(transaction=True)  # the worker closes its connections, as a real one does
def test_the_worker_runs_the_sweep(make_ticket, chain, settings):
    team, consultant = chain
    with at(2026, 11, 24, 9, 0):
        ticket = make_ticket(team=team, assignee=consultant)
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with at(2026, 11, 24, 17, 0):
        call_command("worker", batch=True)
    assert Ticket.objects.get(pk=ticket.pk).sla_risk_alerted is not None


@pytest.mark.django_db(transaction=True)
def test_workers_sweeping_at_once_alert_each_ticket_once(make_ticket, chain):
    needs_postgres()
    team, consultant = chain
    with at(2026, 11, 24, 9, 0):
        tickets = [make_ticket(team=team, assignee=consultant) for _ in range(30)]
    when = dt.datetime(2026, 11, 24, 17, 0, tzinfo=MX)
    outcomes = run_together(4, lambda i: sla_sweep(now=when))
    assert [kind for kind, _ in outcomes] == ["ok"] * 4, outcomes
    assert sum(result["at_risk"] for _, result in outcomes) == 30
    assert TicketEvent.objects.filter(kind=TicketEvent.Kind.ESCALATION).count() == 30
    assert {t.escalation_level for t in Ticket.objects.filter(pk__in=[t.pk for t in tickets])} == {
        1
    }
