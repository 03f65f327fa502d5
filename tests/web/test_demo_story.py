"""The demo tells one story (issue 10): a ticket that arrives out of office hours alerts whoever the
roster has on duty, never "nobody on duty" while the roster shows someone."""

from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from cfdidesk.desk.models import OnCallShift, TicketEvent

MEXICO = ZoneInfo("America/Mexico_City")


@pytest.mark.parametrize(
    "moment",
    [
        dt.datetime(2026, 12, 6, 3, 0, tzinfo=MEXICO),  # Sunday night
        dt.datetime(2026, 12, 9, 21, 30, tzinfo=MEXICO),  # a weekday evening, office closed
    ],
)
def test_off_hours_alerts_name_the_person_the_roster_has_on_duty(db, moment):
    with time_machine.travel(moment, tick=True):
        call_command("load-demo", stdout=io.StringIO())
    alerts = TicketEvent.objects.filter(
        kind=TicketEvent.Kind.ESCALATION, data__trigger="oncall_alert"
    ).select_related("ticket")
    assert alerts.exists()  # the demo's critical tickets arrive out of office hours here
    for alert in alerts:
        assert alert.data["fallback"] is False and alert.data["to"], alert.data["text"]
        assert "no hay nadie de guardia" not in alert.data["text"].lower()
        if alert.created_at < moment - dt.timedelta(minutes=5):
            continue  # a ticket the demo opened now and then moved into the past
        on_duty = set(
            OnCallShift.objects.filter(
                team=alert.ticket.team,
                starts_at__lte=alert.created_at,
                ends_at__gt=alert.created_at,
            ).values_list("user_id", flat=True)
        )
        assert {person["id"] for person in alert.data["to"]} <= on_duty, alert.data["text"]
