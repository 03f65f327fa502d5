"""calendar_save: everything checked first, refused in Spanish, nothing written on an error."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from cfdidesk.audit.models import AuditEntry
from cfdidesk.service import services
from cfdidesk.service.models import BusinessCalendar, CalendarClosure, CalendarInterval
from cfdidesk.service.selectors import load_calendar
from cfdidesk.service.services import calendar_save

from .conftest import at, hours

pytestmark = pytest.mark.django_db
T = dt.time


@pytest.fixture(autouse=True)
def spanish():
    with translation.override("es-mx"):
        yield


def counts():
    return (
        BusinessCalendar.objects.count(),
        CalendarInterval.objects.count(),
        CalendarClosure.objects.count(),
    )


def refused(actor, **kwargs) -> dict[str, list[str]]:
    """Call calendar_save expecting a refusal; returns its messages and checks nothing changed."""
    before = counts()
    with pytest.raises(ValidationError) as caught:
        calendar_save(actor=actor, **kwargs)
    assert counts() == before
    return caught.value.message_dict


def test_create_a_calendar_with_intervals_and_closures(actor, office_days):
    calendar = calendar_save(
        actor=actor,
        name="  Mesa   de  Monterrey ",
        time_zone="America/Monterrey",
        intervals=office_days,
        closures=[(dt.date(2026, 12, 24), dt.date(2026, 12, 31), "Vacaciones de fin de año")],
    )
    assert calendar.name == "Mesa de Monterrey" and not calendar.is_default
    assert calendar.intervals.count() == 11
    assert calendar.closures.get().reason == "Vacaciones de fin de año"
    compiled = load_calendar(calendar.pk)
    assert compiled.between(at(2026, 12, 23), at(2027, 1, 4)) == hours(
        8 + 5
    )  # 23 Dec and Saturday 2 Jan
    entry = AuditEntry.objects.get(action="calendar.created")
    assert entry.actor == actor and entry.target_id == str(calendar.pk)


def test_update_replaces_intervals_and_gives_a_new_revision(actor):
    calendar = BusinessCalendar.objects.get(is_default=True)
    revision = calendar.revision
    load_calendar()
    calendar_save(
        actor=actor,
        calendar=calendar,
        name=calendar.name,
        is_default=True,
        intervals=[(weekday, T(8), T(17)) for weekday in range(5)],
    )
    calendar.refresh_from_db()
    assert calendar.revision != revision
    assert load_calendar().between(at(2026, 3, 9), at(2026, 3, 16)) == hours(45)
    assert AuditEntry.objects.filter(action="calendar.updated").exists()


def test_overlapping_intervals(actor):
    errors = refused(
        actor, name="Soporte", intervals=[(0, T(9), T(14)), (0, T(13), T(15)), (1, T(9), T(14))]
    )
    assert errors["intervals"] == ["lunes: los intervalos 09:00–14:00 y 13:00–15:00 se traslapan."]


def test_touching_intervals_are_fine(actor):
    calendar = calendar_save(
        actor=actor, name="Continuo", intervals=[(0, T(9), T(14)), (0, T(14), T(18))]
    )
    assert load_calendar(calendar.pk).between(at(2026, 3, 9), at(2026, 3, 10)) == hours(9)


def test_inverted_interval(actor):
    errors = refused(actor, name="Soporte", intervals=[(2, T(18), T(9))])
    assert errors["intervals"] == [
        "miércoles: el intervalo 18:00–09:00 termina antes de empezar o a la misma hora "
        "(un fin a las 00:00 significa medianoche)."
    ]


def test_an_interval_may_run_to_midnight(actor):
    calendar = calendar_save(actor=actor, name="Nocturno", intervals=[(4, T(20), T(0))])
    assert load_calendar(calendar.pk).between(at(2026, 3, 6), at(2026, 3, 7)) == hours(4)


def test_a_week_with_no_open_hour(actor):
    errors = refused(actor, name="Vacío", intervals=[])
    assert errors["intervals"] == [
        "El calendario no tiene ninguna hora de atención en la semana: agrega al menos un intervalo."
    ]


def test_closure_ending_before_it_starts(actor, office_days):
    errors = refused(
        actor,
        name="Soporte",
        intervals=office_days,
        closures=[(dt.date(2026, 12, 31), dt.date(2026, 12, 24), "Fin de año")],
    )
    assert errors["closures"] == ["El cierre termina (24/12/2026) antes de empezar (31/12/2026)."]


def test_unknown_time_zone(actor, office_days):
    errors = refused(actor, name="Soporte", time_zone="America/Guadalajara", intervals=office_days)
    assert errors["time_zone"] == [
        "Zona horaria desconocida: «America/Guadalajara». Usa un nombre de zona IANA, como America/Mexico_City."
    ]


def test_every_error_is_reported_at_once(actor):
    errors = refused(
        actor,
        name="",
        time_zone="Marte/Olympus",
        intervals=[(0, T(10), T(9))],
        closures=[(dt.date(2026, 2, 2), dt.date(2026, 2, 1))],
    )
    assert set(errors) == {"name", "time_zone", "intervals", "closures"}


def test_a_second_default_calendar(actor, office_days):
    errors = refused(actor, name="Otra", is_default=True, intervals=office_days)
    assert errors["__all__"] == [
        "Ya hay un calendario predeterminado. Quita la marca en ese calendario antes de marcar este."
    ]


def test_invalid_update_leaves_the_calendar_as_it_was(actor):
    calendar = BusinessCalendar.objects.get(is_default=True)
    rows = sorted(calendar.intervals.values_list("weekday", "start", "end"))
    revision = calendar.revision
    refused(
        actor,
        calendar=calendar,
        name=calendar.name,
        is_default=True,
        intervals=[(0, T(9), T(14)), (0, T(10), T(11))],
    )
    calendar.refresh_from_db()
    assert sorted(calendar.intervals.values_list("weekday", "start", "end")) == rows
    assert calendar.revision == revision


def test_a_failure_while_writing_rolls_everything_back(actor, monkeypatch):
    calendar = BusinessCalendar.objects.get(is_default=True)
    rows = sorted(calendar.intervals.values_list("weekday", "start", "end"))

    def broken(**kwargs):
        raise RuntimeError("audit unavailable")

    monkeypatch.setattr(services, "audit_record", broken)
    with pytest.raises(RuntimeError):
        calendar_save(
            actor=actor,
            calendar=calendar,
            name="Renombrado",
            is_default=True,
            intervals=[(0, T(8), T(9))],
        )
    calendar.refresh_from_db()
    assert calendar.name == "Horario de oficina"
    assert sorted(calendar.intervals.values_list("weekday", "start", "end")) == rows


def test_messages_follow_the_language(actor):
    """Spanish is the source; another active language only changes the words, never the rule."""
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        calendar_save(actor=actor, name="X", intervals=[])
    assert caught.value.message_dict["intervals"]


def test_a_default_taken_at_the_same_moment_is_refused_by_the_database(
    actor, office_days, monkeypatch
):
    """Two administrators marking two calendars at once: both pass validation, the index decides."""
    monkeypatch.setattr(BusinessCalendar, "full_clean", lambda self, **kwargs: None)
    errors = refused(actor, name="Simultáneo", is_default=True, intervals=office_days)
    assert errors["is_default"] == [
        "Ya hay un calendario predeterminado. Quita la marca en ese calendario antes de marcar este."
    ]
