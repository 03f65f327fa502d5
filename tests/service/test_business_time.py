"""Fixed cases of the two operations on the default office hours and on zones with DST."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from cfdidesk.service.business_time import (
    DEFAULT_SPEC,
    UTC,
    CalendarSpec,
    CompiledCalendar,
    OutOfRange,
)

from .conftest import NY, at, hours

MIDNIGHT = dt.time(0)
ALL_WEEK = tuple((weekday, MIDNIGHT, MIDNIGHT) for weekday in range(7))


def calendar(
    intervals, *, zone="America/Mexico_City", closures=(), holidays=False
) -> CompiledCalendar:
    return CompiledCalendar(CalendarSpec(zone, tuple(intervals), tuple(closures), holidays))


# ---------------------------------------------------------------- office hours


def test_lunch_break_does_not_count(office):
    assert office.between(at(2026, 3, 9, 13), at(2026, 3, 9, 17)) == hours(2)
    assert office.add(at(2026, 3, 9, 13, 30), hours(1)) == at(2026, 3, 9, 16, 30)
    assert not office.is_open(at(2026, 3, 9, 15))


def test_a_duration_ending_at_a_stretch_end_stops_there(office):
    """The earliest instant: 14:00, not 16:00, and Friday 19:00, not Monday 09:00."""
    assert office.add(at(2026, 3, 9, 13), hours(1)) == at(2026, 3, 9, 14)
    assert office.add(at(2026, 3, 6, 18), hours(1)) == at(2026, 3, 6, 19)


def test_saturday_is_a_half_day(office):
    assert office.between(at(2026, 3, 7, 8), at(2026, 3, 7, 20)) == hours(5)
    assert office.add(at(2026, 3, 7, 13), hours(2)) == at(2026, 3, 9, 10)  # Sunday closed


def test_sunday_is_closed(office):
    assert office.between(at(2026, 3, 8), at(2026, 3, 9)) == dt.timedelta(0)
    assert not office.is_open(at(2026, 3, 8, 12))


def test_a_week_of_office_hours(office):
    assert office.between(at(2026, 3, 2), at(2026, 3, 9)) == hours(5 * 8 + 5)


def test_ticket_on_sunday_night_is_due_monday_at_eleven(office):
    due = office.add(at(2026, 3, 1, 23, 30), hours(2))
    assert due == at(2026, 3, 2, 11)
    assert due.tzinfo is UTC
    assert office.next_open(at(2026, 3, 1, 23, 30)) == at(2026, 3, 2, 9)


@pytest.mark.parametrize(
    "holiday",
    [
        dt.date(2026, 1, 1),  # Año Nuevo
        dt.date(2026, 2, 2),  # first Monday of February
        dt.date(2026, 3, 16),  # third Monday of March
        dt.date(2026, 5, 1),
        dt.date(2026, 9, 16),
        dt.date(2026, 11, 16),  # third Monday of November
        dt.date(2026, 12, 25),
        dt.date(2024, 10, 1),  # transfer of the federal executive
        dt.date(2027, 2, 1),
    ],
)
def test_mexican_official_holidays_are_closed(office, holiday):
    day = at(holiday.year, holiday.month, holiday.day)
    assert office.between(day, day + dt.timedelta(days=1)) == dt.timedelta(0)
    without = calendar(DEFAULT_SPEC.intervals)
    assert without.between(day, day + dt.timedelta(days=1)) == hours(8)


def test_independence_day_is_skipped(office):
    assert office.between(at(2026, 9, 15, 18), at(2026, 9, 17, 10)) == hours(2)
    assert office.add(at(2026, 9, 15, 18, 30), hours(1)) == at(2026, 9, 17, 9, 30)


def test_constitution_day_long_weekend(office):
    # Saturday 13:00, one hour that day; Sunday closed; Monday 2 February a holiday.
    assert office.add(at(2026, 1, 31, 13), hours(2)) == at(2026, 2, 3, 10)


def test_provider_closure_range():
    closed = calendar(
        DEFAULT_SPEC.intervals,
        closures=[(dt.date(2026, 12, 24), dt.date(2026, 12, 31))],
        holidays=True,
    )
    assert closed.between(at(2026, 12, 24), at(2027, 1, 2)) == dt.timedelta(0)
    # Wednesday 23 December 18:00: one hour that day, closed until Saturday 2 January (1 January a holiday).
    assert closed.add(at(2026, 12, 23, 18), hours(2)) == at(2027, 1, 2, 10)
    assert closed.next_open(at(2026, 12, 23, 19)) == at(2027, 1, 2, 9)


def test_zero_duration_is_the_start_itself_even_when_closed(office):
    sunday = at(2026, 3, 8, 12)
    assert office.add(sunday, dt.timedelta(0)) == sunday
    assert office.add(sunday, dt.timedelta(microseconds=1)) == at(2026, 3, 9, 9, microsecond=1)


def test_between_is_zero_when_the_end_is_not_after_the_start(office):
    assert office.between(at(2026, 3, 9, 12), at(2026, 3, 9, 10)) == dt.timedelta(0)
    assert office.between(at(2026, 3, 9, 12), at(2026, 3, 9, 12)) == dt.timedelta(0)


def test_exact_to_the_microsecond(office):
    start = at(2026, 3, 9, 13, 59, second=59, microsecond=999_999)
    assert office.between(start, at(2026, 3, 9, 16, 0, microsecond=1)) == dt.timedelta(
        microseconds=2
    )
    assert office.add(start, dt.timedelta(microseconds=2)) == at(2026, 3, 9, 16, 0, microsecond=1)


def test_instants_in_other_zones_mean_the_same_moment(office):
    utc_start = at(2026, 3, 9, 9).astimezone(UTC)
    tokyo_end = at(2026, 3, 9, 12).astimezone(ZoneInfo("Asia/Tokyo"))
    assert office.between(utc_start, tokyo_end) == hours(3)


def test_spans_of_years_need_no_day_by_day_loop(office):
    start, middle, end = at(2025, 6, 1), at(2027, 2, 14, 10), at(2036, 1, 1)
    total = office.between(start, end)
    assert total == office.between(start, middle) + office.between(middle, end)
    assert office.add(start, total) == at(2035, 12, 31, 19)  # the last open moment of 2035 (Monday)
    assert office.between(start, office.add(start, total)) == total


def test_end_of_00_00_is_midnight():
    late = calendar([(4, dt.time(22), MIDNIGHT)])
    assert late.between(at(2026, 3, 6, 21), at(2026, 3, 7, 1)) == hours(2)
    assert late.add(at(2026, 3, 6, 23), hours(1)) == at(2026, 3, 7)


def test_mexico_city_has_no_dst_since_2022():
    always = calendar(ALL_WEEK)
    # The first Sunday of April and the last Sunday of October were DST changes until 2022.
    assert always.between(at(2026, 4, 4), at(2026, 4, 6)) == hours(48)
    assert always.between(at(2026, 10, 24), at(2026, 10, 26)) == hours(48)
    # America/Tijuana still follows the United States.
    tijuana = ZoneInfo("America/Tijuana")
    always_tj = calendar(ALL_WEEK, zone="America/Tijuana")
    assert always_tj.between(at(2026, 3, 7, tz=tijuana), at(2026, 3, 9, tz=tijuana)) == hours(47)


def test_weekday_hours_across_the_new_york_spring_change():
    ny = calendar(
        [(weekday, dt.time(9), dt.time(17)) for weekday in range(5)], zone="America/New_York"
    )
    friday, monday = at(2026, 3, 6, 16, tz=NY), at(2026, 3, 9, 10, tz=NY)
    assert friday.utcoffset() != monday.utcoffset()
    assert ny.between(friday, monday) == hours(2)
    assert ny.add(friday, hours(2)) == monday == dt.datetime(2026, 3, 9, 14, tzinfo=UTC)


def test_dst_days_count_real_time_in_new_york():
    spring = calendar([(6, MIDNIGHT, dt.time(12))], zone="America/New_York")
    assert spring.between(at(2026, 3, 7, tz=NY), at(2026, 3, 9, tz=NY)) == hours(11)
    assert spring.add(at(2026, 3, 8, tz=NY), hours(3)) == at(2026, 3, 8, 4, tz=NY)
    autumn = calendar([(6, MIDNIGHT, dt.time(3))], zone="America/New_York")
    # 01:00–02:00 happens twice on 1 November 2026: both count.
    assert autumn.between(at(2026, 10, 31, tz=NY), at(2026, 11, 2, tz=NY)) == hours(4)
    second_one_am = at(2026, 11, 1, 1, 30, tz=NY, fold=1)
    assert autumn.between(at(2026, 11, 1, tz=NY), second_one_am) == hours(2.5)
    # (compared in UTC: Python never calls an ambiguous local time equal to another zone's)
    assert autumn.add(at(2026, 11, 1, tz=NY), hours(2.5)) == second_one_am.astimezone(UTC)


def test_an_interval_edge_skipped_by_the_jump_takes_effect_at_the_jump():
    gap = calendar([(6, dt.time(2, 30), dt.time(3, 30))], zone="America/New_York")
    # 02:00–03:00 does not exist on 8 March 2026: open from 03:00 to 03:30 EDT.
    assert gap.between(at(2026, 3, 8, tz=NY), at(2026, 3, 9, tz=NY)) == dt.timedelta(minutes=30)
    assert gap.next_open(at(2026, 3, 8, tz=NY)) == at(2026, 3, 8, 3, tz=NY)


def test_a_day_that_starts_at_one_in_santiago():
    """Chile moves its clocks at midnight: 6 September 2026 has no 00:00 and lasts 23 hours."""
    santiago = ZoneInfo("America/Santiago")
    always = calendar(ALL_WEEK, zone="America/Santiago")
    assert always.between(at(2026, 9, 6, 1, tz=santiago), at(2026, 9, 7, tz=santiago)) == hours(23)
    sunday = calendar([(6, MIDNIGHT, dt.time(2))], zone="America/Santiago")
    assert sunday.between(at(2026, 9, 5, tz=santiago), at(2026, 9, 7, tz=santiago)) == hours(1)


def test_next_open(office):
    assert office.next_open(at(2026, 3, 6, 19, 30)) == at(2026, 3, 7, 9)
    assert office.next_open(at(2026, 3, 7, 10)) == at(2026, 3, 7, 10)
    assert office.next_open(at(2026, 3, 7, 14)) == at(2026, 3, 9, 9)
    assert office.next_open(at(2026, 12, 31, 19)) == at(2027, 1, 2, 9)  # 1 January closed


def test_bad_input_is_refused(office):
    with pytest.raises(ValueError, match="aware"):
        office.between(dt.datetime(2026, 3, 9, 9), dt.datetime(2026, 3, 9, 10))
    with pytest.raises(ValueError, match="negative"):
        office.add(at(2026, 3, 9, 9), hours(-1))
    with pytest.raises(OutOfRange):
        office.add(at(9998, 12, 1), dt.timedelta(days=3650))
    with pytest.raises(ValueError, match="overlapping"):
        calendar([(0, dt.time(9), dt.time(14)), (0, dt.time(13), dt.time(15))])
    with pytest.raises(ValueError, match="at least one"):
        calendar([])
