"""The supervisor's dashboard (home page of supervisors and administrators) and GET /api/v1/dashboard:
the figures on a small set of tickets whose SLA state is known, who may see them, and a number of
queries that does not grow with the tickets."""

import datetime as dt
import io
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cfdidesk.accounts import roles
from cfdidesk.desk.dashboard.selectors import my_load, supervisor_dashboard
from cfdidesk.desk.models import EscalationStep, OnCallShift, Priority, Status, Team, Ticket
from cfdidesk.desk.oncall.services.roster import oncall_shift_create
from cfdidesk.desk.tickets.services.conversation import ticket_reply
from cfdidesk.desk.tickets.services.tickets import ticket_create
from cfdidesk.desk.tickets.services.transitions import ticket_transition

MX = ZoneInfo("America/Mexico_City")
NOW = dt.datetime(2026, 10, 14, 12, 0, tzinfo=MX)  # Wednesday, office open (09–14, 16–19)


def at(moment: dt.datetime):
    return time_machine.travel(moment, tick=False)


def mx(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=MX)


@pytest.fixture
def desk(actor, make_user, make_company):
    """Six open tickets whose SLA state at NOW is known, two resolved in the last 30 days and one
    before, a roster with one team on duty."""
    company = make_company()
    team_a = Team.objects.get(name="Soporte facturación")
    team_b = Team.objects.create(name="Implementación")
    carla = make_user(roles.CONSULTANT, first_name="Carla", last_name="Cortés")
    diego = make_user(roles.CONSULTANT, first_name="Diego", last_name="Durán")
    olga = make_user(roles.CONSULTANT, first_name="Olga", last_name="Ortiz")  # nothing assigned

    def ticket(when, **kwargs):
        with at(when):
            return ticket_create(
                actor=actor, company=company, subject="No timbra la factura A-1", **kwargs
            )

    t = {
        # critical is 24×7: first response in 1 h, at risk from 45 min
        "at_risk": ticket(
            NOW - dt.timedelta(minutes=50), affects_operation=True, team=team_a, assignee=carla
        ),
        "breached_critical": ticket(
            NOW - dt.timedelta(hours=3), affects_operation=True, team=team_a, assignee=carla
        ),
        # normal: 8 business hours; Friday 10:00 → due Saturday
        "breached_normal": ticket(mx(2026, 10, 9, 10, 0)),
        "on_track": ticket(NOW - dt.timedelta(minutes=10), team=team_b, assignee=diego),
        "paused": ticket(
            mx(2026, 10, 13, 10, 0), priority=Priority.HIGH, team=team_b, assignee=diego
        ),
        "new_low": ticket(NOW - dt.timedelta(minutes=1), priority=Priority.LOW, team=team_a),
    }
    # Every new ticket is routed to a team; one from before the routing rules has none.
    Ticket.objects.filter(pk=t["breached_normal"].pk).update(team=None)
    with at(mx(2026, 10, 13, 11, 0)):
        ticket_transition(actor=diego, ticket=t["paused"], to=Status.WAITING_CUSTOMER)
    # Compliance: one response and resolution on time, one late on both, one before the 30 days.
    for created, replied, resolved in (
        (mx(2026, 10, 12, 10, 0), mx(2026, 10, 12, 10, 30), mx(2026, 10, 13, 10, 0)),
        (mx(2026, 10, 5, 9, 0), mx(2026, 10, 8, 9, 0), mx(2026, 10, 8, 10, 0)),
        (mx(2026, 8, 31, 10, 0), mx(2026, 8, 31, 11, 0), mx(2026, 9, 1, 10, 0)),
    ):
        done = ticket(created, team=team_b, assignee=diego)
        with at(replied):
            ticket_reply(actor=diego, ticket=done, body="Listo, ya quedó timbrada.")
        with at(resolved):
            ticket_transition(actor=diego, ticket=done, to=Status.RESOLVED)
    oncall_shift_create(
        actor=actor,
        team=team_a,
        user=carla,
        starts_at=mx(2026, 10, 14, 0, 0),
        ends_at=mx(2026, 10, 15, 9, 0),
    )
    return {
        "tickets": t,
        "teams": (team_a, team_b),
        "users": (carla, diego, olga),
        "company": company,
    }


def test_the_figures_count_each_ticket_where_it_belongs(desk):
    carla, diego, olga = desk["users"]
    team_a, team_b = desk["teams"]
    with at(NOW):
        d = supervisor_dashboard()
    assert d.open == 6 and d.critical == 2 and d.unassigned == 2
    assert {b.key: b.count for b in d.by_status} == {
        "new": 5,
        "open": 0,
        "waiting_customer": 1,
        "waiting_third_party": 0,
    }
    assert {b.key: b.count for b in d.by_priority} == {1: 2, 2: 1, 3: 2, 4: 1}
    assert [(b.label, b.count) for b in d.by_team] == [
        ("Soporte facturación", 3),
        ("Implementación", 2),
        ("Sin equipo", 1),
    ]
    assert (d.on_track, d.at_risk, d.breached) == (
        2,
        1,
        2,
    )  # the ticket waiting on the customer has no running clock
    loads = {
        (x.user.pk if x.user else None): (x.open, x.critical, x.at_risk, x.breached)
        for x in d.loads
    }
    assert loads == {
        carla.pk: (2, 2, 1, 1),
        diego.pk: (2, 0, 0, 0),
        olga.pk: (0, 0, 0, 0),
        None: (2, 0, 0, 1),
    }
    assert [x.user for x in d.loads][:2] == [carla, diego] and d.loads[
        -1
    ].user is None  # busiest first, unassigned last
    first, resolution = d.compliance
    assert (first.met, first.total, first.percent) == (1, 2, 50.0)
    assert (resolution.met, resolution.total, resolution.percent) == (1, 2, 50.0)
    assert (
        len(first.days) == 30
        and first.days[-1].date == dt.date(2026, 10, 14)
        and first.days[0].date == dt.date(2026, 9, 15)
    )
    by_day = {day.date: (day.met, day.total) for day in first.days if day.total}
    assert by_day == {dt.date(2026, 10, 12): (1, 1), dt.date(2026, 10, 8): (0, 1)}
    assert {day.date: (day.met, day.total) for day in resolution.days if day.total} == {
        dt.date(2026, 10, 13): (1, 1),
        dt.date(2026, 10, 8): (0, 1),
    }
    assert d.office_open is True
    assert [(row.team, [s.user for s in row.shifts]) for row in d.oncall] == [
        (team_b, []),
        (team_a, [carla]),
    ]


def test_the_sla_figures_follow_the_ticket_list_filters(desk, client_as):
    """The dashboard's links lead to lists with the same number of tickets."""
    client = client_as(roles.SUPERVISOR)
    with at(NOW):
        d = supervisor_dashboard()
        for state, expected in (
            ("en-riesgo", d.at_risk),
            ("vencido", d.breached),
            ("a-tiempo", d.on_track),
        ):
            html = client.get(f"/tickets/?sla={state}").content.decode()
            assert len(set(re.findall(r'name="ticket" value="(\d+)"', html))) == expected, state


def test_the_supervisor_lands_on_the_dashboard(desk, client_as):
    with at(NOW):
        html = client_as(roles.SUPERVISOR).get("/").content.decode()
    assert (
        "Carga por consultor" in html
        and "De guardia ahora" in html
        and "Cumplimiento de SLA" in html
    )
    assert 'href="/tickets/?sla=en-riesgo"' in html and 'href="/tickets/?sla=vencido"' in html
    carla = desk["users"][0]
    assert f'href="/tickets/?assignee={carla.pk}&amp;sla=vencido"' in html
    assert 'href="/tickets/?vista=sin-asignar&amp;sla=vencido"' in html
    assert (
        'href="/tickets/?priority=1"' in html and 'href="/tickets/?status=waiting_customer"' in html
    )
    assert "Carla Cortés" in html and "Olga Ortiz" in html
    # Inline SVG and CSS only: a ring per target and one column per day; nothing from another host.
    assert html.count('class="ring ') == 2 and html.count('class="columns__met"') == 4
    assert 'stroke-dasharray="50 50"' in html
    assert not re.search(r'(?:src|href)="(?:https?:)?//', html)
    assert 'data-width="100.0"' in html  # widths with a dot, whatever the language


def test_a_team_with_nobody_on_call_after_hours_is_a_warning(desk, client_as):
    with at(mx(2026, 10, 14, 22, 0)):  # Wednesday night: office closed
        html = client_as(roles.SUPERVISOR).get("/").content.decode()
        d = supervisor_dashboard()
    assert d.office_open is False
    assert [(row.team.name, len(row.shifts)) for row in d.oncall] == [
        ("Implementación", 0),
        ("Soporte facturación", 1),
    ]
    assert (
        html.count('data-testid="oncall-missing"') == 1 and "Fuera del horario de oficina" in html
    )


def test_the_administrator_sees_it_too_and_english_speakers_get_it_in_their_language(
    desk, client_as
):
    client = client_as(roles.ADMINISTRATOR)
    with at(NOW):
        assert "Carga por consultor" in client.get("/").content.decode()
        client.post("/i18n/setlang/", {"language": "en", "next": "/"})
        html = client.get("/").content.decode()
    assert 'lang="en"' in html and "Load per consultant" in html and 'data-width="100.0"' in html


@pytest.mark.parametrize("role", [roles.CONSULTANT, roles.BILLING])
def test_other_staff_get_their_own_figures_and_who_is_on_call(desk, client_as, make_user, role):
    client = Client()
    if role == roles.CONSULTANT:
        user = desk["users"][0]
    else:
        user = make_user(role)
    client.force_login(user)
    with at(NOW):
        html = client.get("/").content.decode()
    assert (
        "Carga por consultor" not in html
        and "Mis tickets abiertos" in html
        and "De guardia ahora" in html
    )
    assert "Carla Cortés" in html  # on call
    if role == roles.CONSULTANT:
        with at(NOW):
            mine = my_load(user=user)
        assert (mine.open, mine.critical, mine.at_risk, mine.breached) == (2, 2, 1, 1)
        assert 'href="/tickets/?vista=mios&amp;sla=vencido"' in html


def test_portal_contacts_are_sent_to_the_portal(client_as):
    response = client_as(roles.PORTAL).get("/")
    assert response.status_code == 302 and response["Location"].startswith("/portal/")


def _queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


@pytest.mark.parametrize("path", ["/", "/api/v1/dashboard"])
def test_the_number_of_queries_does_not_grow_with_the_tickets(
    desk, client_as, make_user, actor, django_assert_max_num_queries, path
):
    client = client_as(roles.SUPERVISOR)
    with at(NOW):
        client.get(path)  # the compiled calendar is cached per process
        few = _queries(client, path)
        teams = [Team.objects.create(name=f"Equipo {n}") for n in range(3)]
        people = [make_user(roles.CONSULTANT) for _ in range(4)]
        for n in range(24):
            ticket = ticket_create(
                actor=actor,
                company=desk["company"],
                subject=f"Ticket {n}",
                team=teams[n % 3],
                assignee=people[n % 4],
                priority=1 + n % 4,
            )
            if n % 3 == 0:
                ticket_reply(
                    actor=people[0],
                    ticket=ticket,
                    body="Revisando.",
                    then=Status.RESOLVED if n % 2 else None,
                )
        for k, team in enumerate(teams):
            oncall_shift_create(
                actor=actor,
                team=team,
                user=people[k],
                starts_at=NOW - dt.timedelta(hours=1),
                ends_at=NOW + dt.timedelta(hours=8),
            )
        with django_assert_max_num_queries(few):
            assert client.get(path).status_code == 200
    assert few <= 14, few  # session, user, roles and the dashboard's eleven


def test_the_api_gives_the_same_figures(desk, client_as):
    carla = desk["users"][0]
    with at(NOW):
        data = client_as(roles.SUPERVISOR).get("/api/v1/dashboard").json()
    assert (
        data["open"]["total"] == 6
        and data["open"]["critical"] == 2
        and data["open"]["unassigned"] == 2
    )
    assert [(c["key"], c["label"], c["count"]) for c in data["open"]["by_priority"]] == [
        (1, "Crítica", 2),
        (2, "Alta", 1),
        (3, "Normal", 2),
        (4, "Baja", 1),
    ]
    assert {c["key"]: c["count"] for c in data["open"]["by_status"]}["waiting_customer"] == 1
    assert [(c["label"], c["count"]) for c in data["open"]["by_team"]] == [
        ("Soporte facturación", 3),
        ("Implementación", 2),
        ("Sin equipo", 1),
    ]
    assert data["sla"] == {"on_track": 2, "at_risk": 1, "breached": 2}
    first = data["consultants"][0]
    assert (
        first["user_id"],
        first["name"],
        first["open"],
        first["critical"],
        first["at_risk"],
        first["breached"],
    ) == (carla.pk, "Carla Cortés", 2, 2, 1, 1)
    assert data["consultants"][-1]["user_id"] is None and data["consultants"][-1]["breached"] == 1
    assert data["office_open"] is True
    on_duty = {row["team"]: [s["name"] for s in row["on_duty"]] for row in data["oncall"]}
    assert on_duty == {"Soporte facturación": ["Carla Cortés"], "Implementación": []}
    first_response, resolution = data["compliance"]
    assert (
        first_response["target"],
        first_response["met"],
        first_response["total"],
        first_response["percent"],
    ) == ("first_response", 1, 2, 50.0)
    assert resolution["target"] == "resolution" and len(resolution["days"]) == 30
    assert {d["date"]: d["total"] for d in first_response["days"] if d["total"]} == {
        "2026-10-08": 1,
        "2026-10-12": 1,
    }


@pytest.mark.parametrize(
    "role, status",
    [
        (roles.CONSULTANT, 403),
        (roles.BILLING, 403),
        (roles.PORTAL, 403),
        (roles.ADMINISTRATOR, 200),
    ],
)
def test_the_api_is_for_supervisors_and_administrators(client_as, role, status):
    assert client_as(role).get("/api/v1/dashboard").status_code == status


def test_the_api_needs_authentication(client, db):
    response = client.get("/api/v1/dashboard")
    assert response.status_code == 401


def test_the_api_accepts_a_token(make_user):
    from cfdidesk.accounts.services import token_create

    supervisor = make_user(roles.SUPERVISOR)
    _token, secret = token_create(user=supervisor, name="tablero")
    response = Client().get("/api/v1/dashboard", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200 and response.json()["open"]["total"] == 0


def test_the_demo_shows_every_sla_state_a_roster_and_a_chain(db):
    call_command("load-demo", stdout=io.StringIO())
    d = supervisor_dashboard()
    assert d.on_track >= 2 and d.at_risk >= 2 and d.breached >= 2
    first, resolution = d.compliance
    assert (
        first.total >= 10 and 0 < first.met < first.total and 0 < resolution.met < resolution.total
    )
    teams = Team.objects.filter(is_active=True)
    assert teams.count() >= 2
    for team in teams:
        assert [
            s.user.username for s in EscalationStep.objects.filter(team=team).order_by("level")
        ] == ["supervisor", "admin"]
        assert OnCallShift.objects.filter(team=team).count() >= 7
    assert all(row.shifts for row in d.oncall)  # someone on duty now in every team
    counts = (Ticket.objects.count(), OnCallShift.objects.count(), EscalationStep.objects.count())
    call_command("load-demo", stdout=io.StringIO())
    assert (
        Ticket.objects.count(),
        OnCallShift.objects.count(),
        EscalationStep.objects.count(),
    ) == counts
