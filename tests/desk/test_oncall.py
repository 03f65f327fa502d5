"""The on-call roster: shifts and their refusals, who is on duty, gaps outside office hours, the
"Guardias" page, the API and the administration; tickets that arrive out of hours."""

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cfdidesk.accounts import roles
from cfdidesk.accounts.services import token_create
from cfdidesk.audit.models import AuditEntry
from cfdidesk.customers.services import contact_create
from cfdidesk.desk.models import (
    EscalationStep,
    OnCallShift,
    OutboundEmail,
    Priority,
    Team,
    TicketEvent,
)
from cfdidesk.desk.oncall.rules import IN_HOURS, ONCALL, WAIT
from cfdidesk.desk.oncall.selectors import (
    closed_stretches,
    oncall_now,
    roster_gaps,
    roster_overview,
)
from cfdidesk.desk.oncall.services.arrival import ticket_arrival_route
from cfdidesk.desk.oncall.services.roster import (
    oncall_shift_create,
    oncall_shift_delete,
    oncall_shift_update,
)
from cfdidesk.service.selectors import load_calendar
from tests.races import needs_postgres, run_together

MX = ZoneInfo("America/Mexico_City")
US = dt.timedelta(microseconds=1)


def at(day, hour=0, minute=0, month=11, year=2026) -> dt.datetime:
    """Local time in Mexico City; 23 November 2026 is a Monday, 16 November a holiday (Revolución)."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=MX)


@pytest.fixture
def team(db):
    return Team.objects.create(name="Timbrado")


@pytest.fixture
def carla(make_user):
    return make_user(
        roles.CONSULTANT, first_name="Carla", last_name="Ruiz", email="carla@mesa.example"
    )


@pytest.fixture
def jorge(make_user):
    return make_user(
        roles.CONSULTANT, first_name="Jorge", last_name="Paz", email="jorge@mesa.example"
    )


@pytest.fixture
def calendar(db):
    return load_calendar()


# ---------------------------------------------------------------- shifts


def test_a_shift_is_saved_and_audited(actor, team, carla):
    shift = oncall_shift_create(
        actor=actor,
        team=team,
        user=carla,
        starts_at=at(21, 14),
        ends_at=at(23, 9),
        note=" fin de semana ",
    )
    assert shift.note == "fin de semana"
    assert AuditEntry.objects.filter(action="oncall.create", target_id=str(shift.pk)).exists()


@pytest.mark.parametrize("ends", [at(21, 13), at(21, 14)], ids=["before", "at-start"])
def test_a_shift_that_ends_before_or_when_it_starts_is_refused(actor, team, carla, ends):
    with pytest.raises(Exception) as info:
        oncall_shift_create(actor=actor, team=team, user=carla, starts_at=at(21, 14), ends_at=ends)
    assert "La guardia debe terminar después de empezar" in str(info.value.message_dict["ends_at"])
    assert not OnCallShift.objects.exists()


def test_only_staff_can_be_on_call(actor, team, make_user):
    portal = make_user(roles.PORTAL, first_name="Laura")
    with pytest.raises(Exception) as info:
        oncall_shift_create(
            actor=actor, team=team, user=portal, starts_at=at(21, 14), ends_at=at(22, 9)
        )
    assert "no es parte del equipo de soporte" in info.value.message_dict["user"][0]
    assert not OnCallShift.objects.exists()


def test_a_consultant_cannot_be_on_two_overlapping_shifts(actor, team, carla, jorge):
    other = Team.objects.create(name="Nómina")
    oncall_shift_create(actor=actor, team=team, user=carla, starts_at=at(21, 14), ends_at=at(23, 9))
    with pytest.raises(Exception) as info:  # even for another team
        oncall_shift_create(
            actor=actor, team=other, user=carla, starts_at=at(22, 20), ends_at=at(23, 12)
        )
    message = info.value.message_dict["__all__"][0]
    assert (
        "«Carla Ruiz» ya tiene una guardia que se empalma con esta: Timbrado, sábado 21/11 14:00 – lunes 23/11 09:00"
        in message
    )
    # Touching shifts and another consultant at the same time are fine.
    oncall_shift_create(actor=actor, team=team, user=carla, starts_at=at(23, 9), ends_at=at(23, 10))
    oncall_shift_create(actor=actor, team=team, user=jorge, starts_at=at(21, 14), ends_at=at(23, 9))
    assert OnCallShift.objects.count() == 3


def test_update_checks_the_same_rules_and_delete_is_audited(actor, team, carla):
    first = oncall_shift_create(
        actor=actor, team=team, user=carla, starts_at=at(21, 14), ends_at=at(22, 9)
    )
    second = oncall_shift_create(
        actor=actor, team=team, user=carla, starts_at=at(22, 9), ends_at=at(23, 9)
    )
    with pytest.raises(Exception, match="se empalma"):
        oncall_shift_update(actor=actor, shift=second, starts_at=at(22, 8))
    with pytest.raises(Exception, match="terminar después de empezar"):
        oncall_shift_update(actor=actor, shift=second, ends_at=at(20, 9))
    second.refresh_from_db()
    assert second.starts_at == at(22, 9) and second.ends_at == at(23, 9)
    updated = oncall_shift_update(actor=actor, shift=first, ends_at=at(22, 8), note="cambio")
    assert updated.ends_at == at(22, 8)
    oncall_shift_delete(actor=actor, shift=first)
    assert list(OnCallShift.objects.all()) == [second]
    assert AuditEntry.objects.filter(action="oncall.delete", target_id=str(first.pk)).exists()


# ---------------------------------------------------------------- on duty now and gaps


def test_oncall_now_lists_every_overlapping_shift_per_team(actor, team, carla, jorge, make_user):
    other = Team.objects.create(name="Addendas")
    ana = make_user(roles.SUPERVISOR, first_name="Ana")
    oncall_shift_create(actor=actor, team=team, user=carla, starts_at=at(21, 14), ends_at=at(23, 9))
    oncall_shift_create(actor=actor, team=team, user=jorge, starts_at=at(21, 20), ends_at=at(22, 8))
    oncall_shift_create(actor=actor, team=other, user=ana, starts_at=at(21, 14), ends_at=at(22, 9))
    oncall_shift_create(
        actor=actor, team=team, user=ana, starts_at=at(24, 19), ends_at=at(25, 9)
    )  # later
    moment = at(21, 22)
    assert [(s.team.name, s.user_id) for s in oncall_now(at=moment)] == [
        ("Addendas", ana.pk),
        ("Timbrado", carla.pk),
        ("Timbrado", jorge.pk),
    ]
    assert [s.user_id for s in oncall_now(team=team, at=moment)] == [carla.pk, jorge.pk]
    assert oncall_now(team=team, at=at(23, 9)) == []  # a shift ends at its end instant
    with time_machine.travel(at(22, 10), tick=False):
        assert [s.user_id for s in oncall_now(team=team)] == [carla.pk]


def test_closed_stretches_follow_the_calendar_exactly(calendar):
    # Friday noon to Tuesday noon, with Monday 16 November an official holiday.
    stretches = closed_stretches(calendar, at(13, 12), at(17, 12))
    assert stretches == [(at(13, 14), at(13, 16)), (at(13, 19), at(14, 9)), (at(14, 14), at(17, 9))]
    # Invariants over two weeks: every stretch starts closed, the moment before it is open, and it
    # ends where the calendar opens again.
    start, end = at(20, 10, 30), at(20, 10, 30) + dt.timedelta(days=14)
    stretches = closed_stretches(calendar, start, end)
    for a, b in stretches:
        assert not calendar.is_open(a) and (a == start or calendar.is_open(a - US))
        assert b == end or (calendar.is_open(b) and not calendar.is_open(b - US))
    closed = sum((b - a for a, b in stretches), dt.timedelta())
    assert closed + calendar.between(start, end) == end - start


def test_roster_gaps_are_the_closed_hours_no_shift_covers(actor, team, carla, jorge, calendar):
    oncall_shift_create(
        actor=actor, team=team, user=carla, starts_at=at(21, 14), ends_at=at(22, 20)
    )
    oncall_shift_create(actor=actor, team=team, user=jorge, starts_at=at(22, 12), ends_at=at(23, 2))
    other = Team.objects.create(name="Nómina")
    oncall_shift_create(
        actor=actor, team=other, user=jorge, starts_at=at(23, 2), ends_at=at(23, 9)
    )  # not ours
    gaps = roster_gaps(team, at(20, 12), at(23, 12), calendar)
    assert gaps == [(at(20, 14), at(20, 16)), (at(20, 19), at(21, 9)), (at(23, 2), at(23, 9))]
    assert roster_gaps(team, at(21, 15), at(21, 16), calendar) == []


def test_roster_of_two_weeks_is_quick_and_exact(actor, team, carla, calendar):
    import time

    start = at(20, 10)
    oncall_shift_create(
        actor=actor, team=team, user=carla, starts_at=start, ends_at=start + dt.timedelta(days=14)
    )
    began = time.perf_counter()
    assert roster_gaps(team, start, start + dt.timedelta(days=14), calendar) == []
    gaps = roster_gaps(
        Team.objects.create(name="Vacío"), start, start + dt.timedelta(days=14), calendar
    )
    assert time.perf_counter() - began < 0.5
    assert gaps == closed_stretches(calendar, start, start + dt.timedelta(days=14))


def test_roster_overview_reads_a_constant_number_of_queries(
    actor, team, carla, jorge, make_user, calendar
):
    with time_machine.travel(at(20, 10), tick=False):
        oncall_shift_create(
            actor=actor, team=team, user=carla, starts_at=at(20, 9), ends_at=at(21, 9)
        )
        with CaptureQueriesContext(connection) as few:
            roster_overview(calendar=calendar)
        for i in range(4):
            extra = Team.objects.create(name=f"Equipo {i}")
            user = make_user(roles.CONSULTANT)
            oncall_shift_create(
                actor=actor, team=extra, user=user, starts_at=at(21, 9), ends_at=at(22, 9)
            )
            EscalationStep.objects.create(team=extra, level=1, title="Supervisor", user=jorge)
        with CaptureQueriesContext(connection) as many:
            rosters = roster_overview(calendar=calendar)
    assert len(many) == len(few) <= 4
    ours = next(r for r in rosters if r.team == team)
    assert [s.user for s in ours.on_duty] == [carla]


# ---------------------------------------------------------------- the "Guardias" page and the API


def test_supervisor_sees_the_roster_gaps_and_adds_and_removes_shifts(
    client_as, team, carla, make_user
):
    client = client_as(roles.SUPERVISOR)

    def section():
        return (
            client.get("/tickets/guardias/")
            .content.decode()
            .split(f'data-testid="roster-{team.pk}"')[1]
            .split("</section>")[0]
        )

    with time_machine.travel(at(20, 10), tick=False):
        page = section()
        assert "Timbrado" in page and "Sin guardias en estos días." in page
        assert "Sin guardia: viernes 20/11 19:00 – sábado 21/11 09:00" in page
        assert "Sin guardia: sábado 21/11 14:00 – lunes 23/11 09:00" in page
        assert "Agregar guardia" in client.get("/tickets/guardias/").content.decode()
        response = client.post(
            "/tickets/guardias/",
            {
                "team": team.pk,
                "user": carla.pk,
                "starts_at": "2026-11-21T14:00",
                "ends_at": "2026-11-23T09:00",
                "note": "fin de semana",
            },
        )
        assert response.status_code == 302
        shift = OnCallShift.objects.get()
        assert (shift.starts_at, shift.ends_at) == (
            at(21, 14),
            at(23, 9),
        )  # read in Mexico City time
        page = section()
        assert "Sin guardia: sábado 21/11 14:00 – lunes 23/11 09:00" not in page
        assert (
            "<td>Carla Ruiz</td><td>sábado 21/11/2026 14:00</td><td>lunes 23/11/2026 09:00</td>"
            in page
        )
        response = client.post(
            "/tickets/guardias/",
            {
                "team": team.pk,
                "user": carla.pk,
                "starts_at": "2026-11-22T10:00",
                "ends_at": "2026-11-22T09:00",
            },
        )
        assert response.status_code == 422
        assert "La guardia debe terminar después de empezar" in response.content.decode()
        assert OnCallShift.objects.count() == 1
        assert client.post(f"/tickets/guardias/{shift.pk}/borrar/").status_code == 302
        assert not OnCallShift.objects.exists()


def test_on_duty_now_is_on_the_page(client_as, actor, team, carla):
    oncall_shift_create(actor=actor, team=team, user=carla, starts_at=at(21, 14), ends_at=at(23, 9))
    with time_machine.travel(at(22, 3), tick=False):
        page = client_as(roles.CONSULTANT).get("/tickets/guardias/").content.decode()
    on_duty = page.split('data-testid="on-duty"')[1].split("</section>")[0]
    assert "Carla Ruiz" in on_duty and "carla@mesa.example" in on_duty


def test_consultants_see_the_roster_but_cannot_change_it(client_as, actor, team, carla):
    shift = oncall_shift_create(
        actor=actor, team=team, user=carla, starts_at=at(21, 14), ends_at=at(23, 9)
    )
    client = client_as(roles.CONSULTANT)
    page = client.get("/tickets/guardias/").content.decode()
    assert "Timbrado" in page and "Agregar guardia" not in page
    assert client.post("/tickets/guardias/", {"team": team.pk, "user": carla.pk}).status_code == 403
    assert client.post(f"/tickets/guardias/{shift.pk}/borrar/").status_code == 403
    assert OnCallShift.objects.count() == 1


def test_portal_contacts_never_see_the_roster(client_as):
    assert client_as(roles.PORTAL).get("/tickets/guardias/").status_code == 403


def test_api_oncall_now_is_for_staff_only(make_user, actor, team, carla, company):
    oncall_shift_create(actor=actor, team=team, user=carla, starts_at=at(21, 14), ends_at=at(23, 9))
    _t, clear = token_create(user=make_user(roles.CONSULTANT), name="t")
    with time_machine.travel(at(22, 3), tick=False):
        from django.test import Client

        response = Client(HTTP_AUTHORIZATION=f"Bearer {clear}").get("/api/v1/oncall/now")
        assert response.status_code == 200
        assert response.json() == [
            {
                "team": "Timbrado",
                "team_id": team.pk,
                "user": carla.username,
                "user_id": carla.pk,
                "name": "Carla Ruiz",
                "email": "carla@mesa.example",
                "starts_at": "2026-11-21T20:00:00Z",
                "ends_at": "2026-11-23T15:00:00Z",
            }
        ]
        portal_user = make_user(roles.PORTAL)
        contact = contact_create(
            actor=actor, company=company, data={"name": "Laura", "email": "laura@centro.mx"}
        )
        contact.user = portal_user
        contact.save()
        _t, portal_clear = token_create(user=portal_user, name="p")
        assert (
            Client(HTTP_AUTHORIZATION=f"Bearer {portal_clear}")
            .get("/api/v1/oncall/now")
            .status_code
            == 403
        )
        assert Client().get("/api/v1/oncall/now").status_code == 401


# ---------------------------------------------------------------- administration


def test_admin_edits_shifts_with_the_same_messages(admin_client, team, carla):
    data = {
        "team": team.pk,
        "user": carla.pk,
        "starts_at_0": "22/11/2026",
        "starts_at_1": "10:00",
        "ends_at_0": "22/11/2026",
        "ends_at_1": "09:00",
        "note": "",
    }
    page = admin_client.post("/administracion/desk/oncallshift/add/", data).content.decode()
    assert "La guardia debe terminar después de empezar" in page
    assert not OnCallShift.objects.exists()
    data["ends_at_1"] = "20:00"
    response = admin_client.post("/administracion/desk/oncallshift/add/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    shift = OnCallShift.objects.get()
    assert AuditEntry.objects.filter(action="oncall.create", target_id=str(shift.pk)).exists()
    page = admin_client.post(
        "/administracion/desk/oncallshift/add/",
        {**data, "starts_at_1": "19:00", "ends_at_1": "21:00"},
    ).content.decode()
    assert "ya tiene una guardia que se empalma con esta" in page
    assert OnCallShift.objects.count() == 1


# ---------------------------------------------------------------- tickets that arrive out of hours


def _alerts():
    return OutboundEmail.objects.filter(kind=OutboundEmail.Kind.ALERT)


def test_a_critical_incident_out_of_hours_alerts_the_consultants_on_duty(
    actor, make_ticket, team, carla, jorge
):
    oncall_shift_create(actor=actor, team=team, user=carla, starts_at=at(21, 14), ends_at=at(23, 9))
    oncall_shift_create(actor=actor, team=team, user=jorge, starts_at=at(21, 20), ends_at=at(22, 8))
    with time_machine.travel(at(21, 22, 15), tick=False):
        ticket = make_ticket(subject="No timbra nada", affects_operation=True, team=team)
        before = set(_alerts().values_list("pk", flat=True))
        result = ticket_arrival_route(ticket=ticket)
    assert result["route"] == ONCALL and result["after_hours"] and result["attend_at"] is None
    assert result["alerted"] == [carla.pk, jorge.pk]
    sent = _alerts().exclude(pk__in=before)
    assert sorted(sent.values_list("to", flat=True)) == ["carla@mesa.example", "jorge@mesa.example"]
    event = result["event"]
    assert event.kind == TicketEvent.Kind.ESCALATION and not event.is_public
    assert event.data["trigger"] == "oncall_alert" and [p["name"] for p in event.data["to"]] == [
        "Carla Ruiz",
        "Jorge Paz",
    ]


def test_nobody_on_duty_falls_back_to_the_first_level_and_no_team_means_every_team(
    actor, make_ticket, team, carla, make_user
):
    ana = make_user(roles.SUPERVISOR, first_name="Ana", email="ana@mesa.example")
    EscalationStep.objects.create(team=team, level=1, title="Supervisora", user=ana)
    with time_machine.travel(at(21, 22), tick=False):
        ticket = make_ticket(subject="Caído", priority=Priority.CRITICAL, team=team)
        result = ticket_arrival_route(ticket=ticket)
        assert result["alerted"] == [ana.pk] and result["event"].data["fallback"] is True
    other = Team.objects.create(name="Nómina")
    oncall_shift_create(
        actor=actor, team=other, user=carla, starts_at=at(21, 14), ends_at=at(23, 9)
    )
    with time_machine.travel(at(21, 23), tick=False):
        ticket = make_ticket(subject="Caído sin equipo", priority=Priority.CRITICAL)
        assert ticket_arrival_route(ticket=ticket)["alerted"] == [carla.pk]


@pytest.mark.parametrize(
    "fields",
    [
        {"priority": Priority.NORMAL},
        {"priority": Priority.HIGH},
        {"priority": Priority.CRITICAL, "kind": "request"},
        {"affects_operation": True, "kind": "request"},
    ],
    ids=["normal", "high", "critical-request", "operation-request"],
)
def test_anything_else_waits_for_office_hours(actor, make_ticket, team, carla, fields):
    oncall_shift_create(actor=actor, team=team, user=carla, starts_at=at(21, 14), ends_at=at(23, 9))
    with time_machine.travel(at(21, 22), tick=False):
        ticket = make_ticket(team=team, **fields)
        before = _alerts().count()
        result = ticket_arrival_route(ticket=ticket)
    assert result == {
        "route": WAIT,
        "after_hours": True,
        "attend_at": at(23, 9),
        "alerted": [],
        "event": None,
        "notice": {
            "oncall_alerted": False,
            "attend_at": "2026-11-23T15:00:00+00:00",
            "tz": "America/Mexico_City",
        },
    }
    assert _alerts().count() == before


def test_in_office_hours_nothing_happens(make_ticket):
    with time_machine.travel(at(23, 10), tick=False):
        result = ticket_arrival_route(ticket=make_ticket(affects_operation=True))
    assert result["route"] == IN_HOURS and not result["after_hours"] and result["event"] is None


def test_the_opening_email_says_when_an_out_of_hours_ticket_will_be_attended(
    smtp, actor, company, team, carla, django_capture_on_commit_callbacks
):
    from cfdidesk.desk.tickets.services.tickets import ticket_create

    contact = contact_create(
        actor=actor, company=company, data={"name": "Laura", "email": "laura@centro.mx"}
    )
    john = contact_create(
        actor=actor, company=company, data={"name": "John", "email": "john@x.com", "language": "en"}
    )
    with (
        time_machine.travel(at(21, 22), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        ticket_create(actor=actor, contact=contact, subject="Duda de complemento de pago")
        ticket_create(actor=actor, contact=john, subject="Question")
        ticket_create(
            actor=actor,
            contact=contact,
            subject="Nadie de guardia",
            affects_operation=True,
            team=team,
        )
        oncall_shift_create(
            actor=actor, team=team, user=carla, starts_at=at(21, 14), ends_at=at(23, 9)
        )
        ticket_create(
            actor=actor, contact=contact, subject="No timbra", affects_operation=True, team=team
        )
    with (
        time_machine.travel(at(23, 10), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        ticket_create(actor=actor, contact=contact, subject="En horario")
    bodies = {
        m["To"] + " " + m["Subject"].split("] ", 1)[1]: m.get_content()
        for m in smtp.messages
        if m["To"] != "carla@mesa.example"
    }
    waits = bodies["laura@centro.mx Recibimos tu reporte: Duda de complemento de pago"]
    assert (
        "Recibimos tu reporte fuera de nuestro horario de atención. Lo atenderemos a partir del lunes 23 de noviembre, 09:00."
        in waits
    )
    assert (
        "We will attend to it from Monday, November 23, 09:00."
        in bodies["john@x.com We received your report: Question"]
    )
    critical = bodies["laura@centro.mx Recibimos tu reporte: No timbra"]
    assert (
        "avisamos de inmediato a nuestro consultor de guardia" in critical
        and "Lo atenderemos" not in critical
    )
    # Nobody on duty and no chain to alert: the customer is not promised an alert, only the opening.
    nobody = bodies["laura@centro.mx Recibimos tu reporte: Nadie de guardia"]
    assert (
        "Lo atenderemos a partir del lunes 23 de noviembre, 09:00." in nobody
        and "consultor de guardia" not in nobody
    )
    in_hours = bodies["laura@centro.mx Recibimos tu reporte: En horario"]
    assert "fuera de nuestro horario" not in in_hours


def test_timeline_shows_the_oncall_alert(admin_client, actor, make_ticket, team, carla):
    oncall_shift_create(actor=actor, team=team, user=carla, starts_at=at(21, 14), ends_at=at(23, 9))
    with time_machine.travel(at(21, 22), tick=False):
        ticket = make_ticket(affects_operation=True, team=team)
        ticket_arrival_route(ticket=ticket)
    page = admin_client.get(f"/tickets/{ticket.number}/").content.decode()
    assert "Fuera de horario: se avisó a la guardia (Carla Ruiz)." in page


def test_api_docs_list_the_oncall_endpoint(admin_client):
    schema = json.loads(admin_client.get("/api/v1/openapi.json").content)
    assert "/api/v1/oncall/now" in schema["paths"]


@pytest.mark.django_db(transaction=True)
def test_overlapping_shifts_saved_at_the_same_moment_keep_only_one(make_user, actor):
    needs_postgres()
    team = Team.objects.create(name="Carrera")
    carla = make_user(roles.CONSULTANT)

    def create(i):
        return oncall_shift_create(
            actor=actor, team=team, user=carla, starts_at=at(21, 14 + i), ends_at=at(22, 9)
        ).pk

    outcomes = run_together(4, create)
    assert sorted(kind for kind, _ in outcomes) == ["ok", "refused", "refused", "refused"], outcomes
    assert OnCallShift.objects.count() == 1


def test_the_roster_page_costs_the_same_queries_with_more_teams_and_shifts(
    client_as, actor, team, carla, make_user
):
    client = client_as(roles.SUPERVISOR)
    with time_machine.travel(at(20, 10), tick=False):
        oncall_shift_create(
            actor=actor, team=team, user=carla, starts_at=at(21, 14), ends_at=at(22, 9)
        )
        client.get("/tickets/guardias/")  # warm up the compiled calendar and the session
        with CaptureQueriesContext(connection) as few:
            assert client.get("/tickets/guardias/").status_code == 200
        for i in range(5):
            extra = Team.objects.create(name=f"Equipo {i}")
            user = make_user(roles.CONSULTANT, first_name=f"Persona {i}")
            oncall_shift_create(
                actor=actor, team=extra, user=user, starts_at=at(21, 14), ends_at=at(22, 9)
            )
            oncall_shift_create(
                actor=actor, team=extra, user=user, starts_at=at(27, 19), ends_at=at(28, 9)
            )
            EscalationStep.objects.create(team=extra, level=1, title="Supervisor", user=carla)
        with CaptureQueriesContext(connection) as many:
            page = client.get("/tickets/guardias/").content.decode()
    assert "Persona 4" in page and len(many) == len(few)
    assert '<a href="/tickets/guardias/" class="is-active" aria-current="page">Guardias</a>' in page
