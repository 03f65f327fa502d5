"""Stored calendars: the default one from the migration, and compiled copies kept per process."""

import datetime as dt
import uuid

import pytest

from cfdidesk.service import selectors
from cfdidesk.service.business_time import DEFAULT_SPEC
from cfdidesk.service.models import BusinessCalendar, CalendarClosure, CalendarInterval
from cfdidesk.service.selectors import load_calendar

from .conftest import at, hours

pytestmark = pytest.mark.django_db


@pytest.fixture
def default():
    return BusinessCalendar.objects.get(is_default=True)


def test_migration_creates_the_office_hours_as_default(default):
    assert default.name == "Horario de oficina"
    assert default.time_zone == "America/Mexico_City" and default.use_mexican_holidays
    rows = set(default.intervals.values_list("weekday", "start", "end"))
    assert rows == set(DEFAULT_SPEC.intervals)
    assert (5, dt.time(9), dt.time(14)) in rows and not default.intervals.filter(weekday=6).exists()


def test_load_calendar_compiles_once_and_then_checks_the_revision_only(
    default, django_assert_num_queries
):
    selectors.forget(default.pk)
    with django_assert_num_queries(4):  # revision, calendar, intervals, closures
        first = load_calendar()
    with django_assert_num_queries(1):
        assert load_calendar() is first
    with django_assert_num_queries(1):
        assert load_calendar(default.pk) is first
    assert first.spec == selectors.calendar_spec(default)


def test_the_operations_make_no_queries(django_assert_num_queries):
    calendar = load_calendar()
    with django_assert_num_queries(0):
        for day in range(1, 28):
            start = at(2026, 2, day, 8)
            calendar.add(start, calendar.between(start, start + dt.timedelta(days=day)))


@pytest.mark.parametrize(
    "change", ["interval_added", "interval_deleted", "closure_added", "zone_changed"]
)
def test_any_change_gives_a_fresh_compiled_calendar(default, change):
    before = load_calendar()
    revision = default.revision
    monday = at(2026, 3, 9)
    if change == "interval_added":
        CalendarInterval.objects.create(
            calendar=default, weekday=6, start=dt.time(10), end=dt.time(12)
        )
        expected = hours(2)
        span = (at(2026, 3, 8), monday)
    elif change == "interval_deleted":
        default.intervals.get(weekday=0, start=dt.time(16)).delete()
        expected, span = hours(5), (monday, at(2026, 3, 10))
    elif change == "closure_added":
        CalendarClosure.objects.create(
            calendar=default, start_date=dt.date(2026, 3, 9), end_date=dt.date(2026, 3, 9)
        )
        expected, span = dt.timedelta(0), (monday, at(2026, 3, 10))
    else:
        default.time_zone = "America/Cancun"  # one hour ahead of Mexico City, all year
        default.save()
        # 18:00–19:00 in Mexico City is 19:00–20:00 in Cancún: closed there.
        expected, span = dt.timedelta(0), (at(2026, 3, 9, 18), at(2026, 3, 9, 19))
        assert before.between(*span) == hours(1)
    after = load_calendar()
    assert after is not before
    assert after.between(*span) == expected
    default.refresh_from_db()
    assert default.revision != revision


def test_a_change_made_by_another_process_is_seen_by_its_revision(default):
    """Another process's write reaches this one only through the database: the revision."""
    stale = load_calendar()
    CalendarInterval.objects.bulk_create(
        [CalendarInterval(calendar=default, weekday=6, start=dt.time(9), end=dt.time(10))]
    )
    assert load_calendar() is stale  # bulk_create sends no signal and left the revision as it was
    BusinessCalendar.objects.filter(pk=default.pk).update(revision=uuid.uuid4())
    fresh = load_calendar()
    assert fresh is not stale and fresh.between(at(2026, 3, 8), at(2026, 3, 9)) == hours(1)


def test_without_a_default_calendar_the_built_in_office_hours_apply(default):
    default.is_default = False
    default.save()
    calendar = load_calendar()
    assert calendar.spec == DEFAULT_SPEC
    assert calendar.add(at(2026, 3, 1, 23, 30), hours(2)) == at(2026, 3, 2, 11)


def test_unknown_calendar_id():
    with pytest.raises(BusinessCalendar.DoesNotExist):
        load_calendar(987654)


def test_deleting_a_calendar_forgets_it():
    other = BusinessCalendar.objects.create(name="Guardia")
    CalendarInterval.objects.create(calendar=other, weekday=0, start=dt.time(0), end=dt.time(0))
    load_calendar(other.pk)
    pk = other.pk
    other.delete()
    assert pk not in selectors._compiled
    with pytest.raises(BusinessCalendar.DoesNotExist):
        load_calendar(pk)


def test_the_database_allows_one_default_calendar_only():
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        BusinessCalendar.objects.create(name="Segunda", is_default=True)
    BusinessCalendar.objects.create(name="Tercera", is_default=False)  # any number of others
    BusinessCalendar.objects.create(name="Cuarta", is_default=False)
