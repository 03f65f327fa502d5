"""A ticket's SLA due times: counted in office hours or around the clock, stopped while we wait on
the customer, recomputed on a change of priority or policy, and met or missed when it happens."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from cfdidesk.desk.models import Priority, Status, Ticket
from cfdidesk.desk.tickets.services.conversation import ticket_customer_reply, ticket_reply
from cfdidesk.desk.tickets.services.tickets import ticket_update, tickets_transition
from cfdidesk.desk.tickets.services.transitions import ticket_transition
from cfdidesk.service.models import SlaPolicy

MX = ZoneInfo("America/Mexico_City")


def mx(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=MX)


def at(*args):
    return time_machine.travel(mx(*args), tick=False)


def local(value: dt.datetime) -> dt.datetime:
    return value.astimezone(MX).replace(tzinfo=None)


def test_a_normal_ticket_is_due_in_office_hours(make_ticket):
    # Default policy for normal: first response in 8 business hours, resolution in 24, at risk at 75 %.
    with at(2026, 11, 24, 10, 0):  # Tuesday 10:00
        ticket = make_ticket()
    assert local(ticket.sla_first_response_due) == dt.datetime(
        2026, 11, 25, 10, 0
    )  # 4 + 3 h Tuesday, 1 h Wednesday
    assert local(ticket.sla_first_response_risk) == dt.datetime(
        2026, 11, 24, 18, 0
    )  # 6 h: after the lunch break
    assert local(ticket.sla_resolution_due) == dt.datetime(
        2026, 11, 27, 10, 0
    )  # three business days later
    ticket.refresh_from_db()
    assert (
        ticket.sla_due == ticket.sla_first_response_due
        and ticket.sla_risk == ticket.sla_first_response_risk
    )


def test_a_critical_ticket_on_a_sunday_night_is_counted_around_the_clock(make_ticket):
    with at(2026, 11, 22, 23, 30):
        ticket = make_ticket(affects_operation=True)
    assert ticket.priority == Priority.CRITICAL and ticket.sla_around_the_clock
    assert local(ticket.sla_first_response_due) == dt.datetime(2026, 11, 23, 0, 30)
    assert local(ticket.sla_resolution_due) == dt.datetime(2026, 11, 23, 3, 30)


def test_a_holiday_is_skipped(make_ticket):
    with at(2026, 11, 13, 18, 0):  # Friday 18:00; Monday 16 November 2026 is a holiday
        ticket = make_ticket(priority=Priority.HIGH)  # 4 business hours
    assert local(ticket.sla_first_response_due) == dt.datetime(
        2026, 11, 14, 12, 0
    )  # 1 h Friday, 3 h Saturday


def test_the_clock_stops_while_waiting_on_the_customer(actor, make_ticket):
    with at(2026, 11, 24, 10, 0):
        ticket = make_ticket()
    resolution_due = ticket.sla_resolution_due
    with at(2026, 11, 24, 11, 0):
        ticket_reply(
            actor=actor, ticket=ticket, body="¿Nos comparte el XML?", then=Status.WAITING_CUSTOMER
        )
    ticket.refresh_from_db()
    assert ticket.sla_first_response_met is True
    assert (
        ticket.sla_stopped_at is not None and ticket.sla_due is None
    )  # nothing runs, nothing is flagged
    with at(2026, 11, 25, 10, 0):  # the customer answers the next day
        ticket_customer_reply(ticket=ticket, body="Aquí está")
    ticket.refresh_from_db()
    # Stopped from Tuesday 11:00 to Wednesday 10:00: 3 + 3 + 1 = 7 business hours.
    assert ticket.sla_stopped == dt.timedelta(hours=7) and ticket.sla_stopped_at is None
    assert local(ticket.sla_resolution_due) == dt.datetime(
        2026, 11, 27, 19, 0
    )  # 7 h later: Friday's end
    assert local(resolution_due) == dt.datetime(2026, 11, 27, 10, 0)
    assert ticket.sla_due == ticket.sla_resolution_due


def test_waiting_on_a_third_party_does_not_stop_the_clock(actor, make_ticket):
    with at(2026, 11, 24, 10, 0):
        ticket = make_ticket()
        ticket = ticket_transition(actor=actor, ticket=ticket, to=Status.WAITING_THIRD_PARTY)
    assert ticket.sla_stopped_at is None and ticket.sla_due is not None


def test_resolution_met_or_missed_and_a_reopen_resumes(actor, make_ticket):
    with at(2026, 11, 24, 10, 0):
        on_time = make_ticket()
        late = make_ticket()
    with at(2026, 11, 26, 12, 0):
        on_time = ticket_transition(actor=actor, ticket=on_time, to=Status.RESOLVED)
    with at(2026, 12, 1, 12, 0):
        late = ticket_transition(actor=actor, ticket=late, to=Status.RESOLVED)
    assert on_time.sla_resolution_met is True and late.sla_resolution_met is False
    with at(2026, 12, 2, 9, 0):  # reopened: resolution counts again, minus the time it was resolved
        reopened = ticket_transition(actor=actor, ticket=on_time, to=Status.OPEN)
    assert reopened.sla_resolution_met is None
    # Resolved Thursday 12:00 → reopened Wednesday 09:00: 2 + 3 (Thu) + 8 (Fri) + 5 (Sat) + 8 (Mon) + 8 (Tue) h.
    assert reopened.sla_stopped == dt.timedelta(hours=34)
    assert local(reopened.sla_resolution_due) == dt.datetime(2026, 12, 2, 17, 0)


def test_changing_the_priority_counts_the_due_times_again(actor, make_ticket):
    with at(2026, 11, 24, 10, 0):
        ticket = make_ticket()
    with at(2026, 11, 24, 10, 30):
        ticket = ticket_update(actor=actor, ticket=ticket, data={"priority": Priority.CRITICAL})
    assert ticket.sla_around_the_clock
    assert local(ticket.sla_first_response_due) == dt.datetime(
        2026, 11, 24, 11, 0
    )  # from creation, 1 h


def test_a_company_policy_wins_over_the_general_one(make_ticket, company):
    SlaPolicy.objects.create(
        priority=Priority.NORMAL,
        company=company,
        first_response=dt.timedelta(hours=2),
        resolution=dt.timedelta(hours=8),
    )
    with at(2026, 11, 24, 10, 0):
        ticket = make_ticket()
    assert local(ticket.sla_first_response_due) == dt.datetime(2026, 11, 24, 12, 0)


def test_without_a_policy_a_ticket_has_no_due_times(make_ticket):
    SlaPolicy.objects.filter(priority=Priority.LOW).delete()
    ticket = make_ticket(priority=Priority.LOW)
    assert ticket.sla_first_response_due is None and ticket.sla_resolution_due is None
    ticket.refresh_from_db()
    assert ticket.sla_due is None


def test_bulk_status_changes_move_each_clock_in_constant_queries(
    actor, make_ticket, django_assert_max_num_queries
):
    with at(2026, 11, 24, 10, 0):
        few = [make_ticket().pk for _ in range(2)]
        many = [make_ticket().pk for _ in range(20)]
    with at(2026, 11, 24, 11, 0):
        tickets_transition(actor=actor, ticket_ids=few + many, to=Status.WAITING_CUSTOMER)
    with at(2026, 11, 25, 10, 0), django_assert_max_num_queries(9) as small:
        tickets_transition(actor=actor, ticket_ids=few, to=Status.OPEN)
    with at(2026, 11, 25, 10, 0), django_assert_max_num_queries(len(small.captured_queries)):
        tickets_transition(actor=actor, ticket_ids=many, to=Status.OPEN)
    stopped = set(Ticket.objects.values_list("sla_stopped", flat=True))
    assert stopped == {dt.timedelta(hours=7)}


@pytest.mark.parametrize(
    "values, field, fragment",
    [
        ({"first_response": dt.timedelta(0)}, "first_response", "mayor que cero"),
        ({"resolution": dt.timedelta(hours=-1)}, "resolution", "mayor que cero"),
        (
            {"first_response": dt.timedelta(hours=9), "resolution": dt.timedelta(hours=8)},
            "resolution",
            "antes que la primera",
        ),
        ({"at_risk_percent": 100}, "at_risk_percent", "entre 1 y 99"),
    ],
)
def test_a_policy_with_impossible_targets_is_refused(db, values, field, fragment):
    from django.core.exceptions import ValidationError

    data = {
        "priority": 3,
        "first_response": dt.timedelta(hours=1),
        "resolution": dt.timedelta(hours=8),
        **values,
    }
    policy = SlaPolicy(**data)
    with pytest.raises(ValidationError) as exc:
        policy.full_clean(validate_constraints=False)
    assert fragment in " ".join(exc.value.message_dict[field])


def test_the_list_filters_and_sorts_by_sla_and_the_page_shows_time_left(admin_client, make_ticket):
    with at(2026, 11, 24, 9, 0):
        breached = make_ticket(subject="Vencido")  # first response due Tue 17:00 (8 h)
    with at(2026, 11, 24, 12, 0):
        risky = make_ticket(
            subject="En riesgo"
        )  # 8 h: due Wed 12:00, at risk from Tue… 6 h → Wed 10:00
    with at(2026, 11, 25, 10, 30):
        fresh = make_ticket(subject="A tiempo")

        def rows(**q):
            return [t.number for t in admin_client.get("/tickets/", q).context["page"].items]

        assert rows(sla="vencido") == [breached.number]
        assert rows(sla="en-riesgo") == [risky.number]
        assert rows(sla="a-tiempo") == [fresh.number]
        assert rows(orden="vencimiento") == [breached.number, risky.number, fresh.number]
        page = admin_client.get("/tickets/").content.decode()
        assert (
            'data-sla="breached"' in page
            and 'data-sla="at_risk"' in page
            and 'data-sla="on_track"' in page
        )
        detail = admin_client.get(f"/tickets/{risky.number}/").content.decode()
        assert "Quedan 1 h 30 min hábiles" in detail  # Wed 10:30 → 12:00
        detail = admin_client.get(f"/tickets/{breached.number}/").content.decode()
        assert "Vencido hace" in detail


def test_an_administrator_edits_a_policy_and_open_tickets_are_recounted(
    client_as, make_ticket, django_capture_on_commit_callbacks
):
    from cfdidesk.accounts import roles

    client = client_as(roles.ADMINISTRATOR)
    policy = SlaPolicy.objects.get(priority=Priority.NORMAL, company=None)
    url = f"/administracion/service/slapolicy/{policy.pk}/change/"
    form = {
        "priority": "3",
        "first_response": "0:00:00",
        "resolution": "24:00:00",
        "at_risk_percent": "75",
    }
    page = client.post(url, form).content.decode()
    assert "El plazo debe ser mayor que cero." in page
    assert SlaPolicy.objects.get(pk=policy.pk).first_response == dt.timedelta(hours=8)  # unchanged
    with at(2026, 11, 24, 10, 0):
        ticket = make_ticket()
        resolved = make_ticket()
    resolved.status = Status.CLOSED
    resolved.save()
    before_closed = Ticket.objects.get(pk=resolved.pk).sla_first_response_due
    with at(2026, 11, 24, 10, 5), django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {**form, "first_response": "2:00:00"})
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert local(ticket.sla_first_response_due) == dt.datetime(2026, 11, 24, 12, 0)
    assert (
        Ticket.objects.get(pk=resolved.pk).sla_first_response_due == before_closed
    )  # closed tickets keep theirs
    assert client_as(roles.SUPERVISOR).get(url).status_code in (302, 403)


def test_recounting_many_tickets_takes_few_queries(make_ticket, django_assert_max_num_queries):
    from cfdidesk.desk.sla.services import sla_recompute_open

    with at(2026, 11, 24, 10, 0):
        for _ in range(30):
            make_ticket()
    SlaPolicy.objects.filter(priority=Priority.NORMAL, company=None).update(
        first_response=dt.timedelta(hours=1)
    )
    with django_assert_max_num_queries(
        10
    ):  # policies, calendar, one SELECT and one UPDATE per batch
        assert sla_recompute_open(priority=Priority.NORMAL, batch=1000) == 30
    assert {local(d) for d in Ticket.objects.values_list("sla_first_response_due", flat=True)} == {
        dt.datetime(2026, 11, 24, 11, 0)
    }


def test_the_api_gives_each_tickets_due_times_and_filters_by_sla(make_user, make_ticket):
    from django.test import Client

    from cfdidesk.accounts import roles
    from cfdidesk.accounts.services import token_create

    _token, clear = token_create(user=make_user(roles.CONSULTANT), name="t")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {clear}")
    with at(2026, 11, 24, 9, 0):
        late = make_ticket()
    with at(2026, 11, 25, 10, 30):
        make_ticket()
        one = api.get(f"/api/v1/tickets/{late.number}").json()
        listed = api.get("/api/v1/tickets", {"sla": "vencido"}).json()["items"]
    first, resolution = one["sla"]
    assert (
        first["target"] == "first_response"
        and first["state"] == "breached"
        and first["seconds_left"] < 0
    )
    assert resolution["state"] == "on_track" and resolution["business_time"] is True
    assert (
        resolution["seconds_left"] == 24 * 3600 - 9 * 3600 - 30 * 60
    )  # 24 business hours minus 9.5 spent
    assert [t["number"] for t in listed] == [late.number]
