"""Invariants of between/add on random calendars in zones with and without DST, and a
minute-by-minute reference count to check the exact values."""

import datetime as dt
from functools import cache
from zoneinfo import ZoneInfo

import holidays
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from cfdidesk.service.business_time import DEFAULT_SPEC, UTC, CalendarSpec, CompiledCalendar

ZONES = [
    "America/Mexico_City",
    "America/Tijuana",  # DST like the United States
    "America/New_York",
    "America/Santiago",  # changes at midnight: some days start at 01:00
    "Australia/Lord_Howe",  # a 30-minute change
    "Europe/London",
    "Asia/Kolkata",
    "UTC",
]
MIDNIGHT = dt.time(0)
LOW, HIGH = dt.datetime(2025, 6, 1), dt.datetime(2028, 6, 1)

instants = st.datetimes(min_value=LOW, max_value=HIGH, timezones=st.just(UTC))
durations = st.integers(min_value=0, max_value=400 * 3600 * 10**6).map(
    lambda us: dt.timedelta(microseconds=us)
)


@st.composite
def day_intervals(draw, weekday):
    """0–3 disjoint intervals on a 15-minute grid; an end at 24:00 is stored as 00:00."""
    points = sorted(draw(st.sets(st.integers(min_value=0, max_value=96), max_size=6)))
    if len(points) % 2:
        points = points[:-1]
    out = []
    for low, high in zip(points[::2], points[1::2], strict=True):
        start = dt.time(low // 4, low % 4 * 15)
        end = MIDNIGHT if high == 96 else dt.time(high // 4, high % 4 * 15)
        out.append((weekday, start, end))
    return out


@st.composite
def specs(draw):
    intervals = [row for weekday in range(7) for row in draw(day_intervals(weekday))]
    assume(intervals)
    closures = []
    for _ in range(draw(st.integers(min_value=0, max_value=3))):
        start = draw(st.dates(min_value=LOW.date(), max_value=HIGH.date()))
        closures.append(
            (start, start + dt.timedelta(days=draw(st.integers(min_value=0, max_value=20))))
        )
    return CalendarSpec(
        draw(st.sampled_from(ZONES)), tuple(intervals), tuple(closures), draw(st.booleans())
    )


@cache
def compiled(spec: CalendarSpec) -> CompiledCalendar:
    return CompiledCalendar(spec)


calendars = st.one_of(st.just(DEFAULT_SPEC), specs()).map(compiled)


@given(calendars, instants, instants, instants)
@settings(max_examples=300, deadline=None)
def test_between_is_additive(calendar, x, y, z):
    a, b, c = sorted((x, y, z))
    assert calendar.between(a, b) + calendar.between(b, c) == calendar.between(a, c)


@given(calendars, instants, instants, instants)
@settings(max_examples=200, deadline=None)
def test_between_is_monotone_and_bounded_by_elapsed_time(calendar, x, y, z):
    a, b, c = sorted((x, y, z))
    assert dt.timedelta(0) <= calendar.between(a, b) <= calendar.between(a, c)
    assert calendar.between(b, c) <= calendar.between(a, c)
    assert calendar.between(a, b) <= b - a


@given(calendars, instants, durations)
@settings(max_examples=300, deadline=None)
def test_add_is_the_inverse_of_between(calendar, start, duration):
    end = calendar.add(start, duration)
    assert end >= start
    assert calendar.between(start, end) == duration
    if duration:
        assert calendar.is_open(
            end - dt.timedelta(microseconds=1)
        )  # it ends inside an open stretch


@given(calendars, instants, instants)
@settings(max_examples=300, deadline=None)
def test_add_of_between_never_passes_the_end(calendar, x, y):
    start, end = sorted((x, y))
    back = calendar.add(start, calendar.between(start, end))
    assert start <= back <= end
    assert calendar.between(back, end) == dt.timedelta(0)
    if end > start and calendar.is_open(end - dt.timedelta(microseconds=1)):
        assert back == end  # otherwise back is the end of the last open stretch before `end`


@given(calendars, instants, durations, durations)
@settings(max_examples=200, deadline=None)
def test_add_is_monotone_in_the_duration(calendar, start, d1, d2):
    small, large = sorted((d1, d2))
    assert calendar.add(start, small) <= calendar.add(start, large)


@given(calendars, instants)
@settings(max_examples=200, deadline=None)
def test_next_open_is_the_first_open_moment(calendar, moment):
    opening = calendar.next_open(moment)
    assert opening >= moment and calendar.is_open(opening)
    assert calendar.between(moment, opening) == dt.timedelta(0)


@given(st.sampled_from(ZONES), instants, instants)
@settings(max_examples=200, deadline=None)
def test_a_calendar_open_around_the_clock_counts_elapsed_time(zone, x, y):
    """Open 00:00–24:00 every day, no holidays: business time is real time, across DST changes."""
    always = compiled(
        CalendarSpec(zone, tuple((weekday, MIDNIGHT, MIDNIGHT) for weekday in range(7)), (), False)
    )
    start, end = sorted((x, y))
    assert always.between(start, end) == end - start
    assert always.add(start, end - start) == end


# ---------------------------------------------------------------- reference count


@cache
def mexican_holidays(year: int) -> frozenset:
    return frozenset(holidays.country_holidays("MX", years=year, categories=("public",)))


def reference_open(spec: CalendarSpec, moment: dt.datetime) -> bool:
    """Straight from the definition: a closed date, or the local wall clock inside an interval."""
    local = moment.astimezone(ZoneInfo(spec.time_zone))
    day = local.date()
    if spec.mexican_holidays and day in mexican_holidays(day.year):
        return False
    if any(start <= day <= end for start, end in spec.closures):
        return False
    wall = local.time().replace(tzinfo=None)
    return any(
        weekday == day.weekday() and start <= wall and (end == MIDNIGHT or wall < end)
        for weekday, start, end in spec.intervals
    )


minute_instants = instants.map(lambda t: t.replace(second=0, microsecond=0))


@given(
    st.one_of(st.just(DEFAULT_SPEC), specs()),
    minute_instants,
    st.integers(min_value=0, max_value=3 * 24 * 60),
)
@settings(max_examples=60, deadline=None)
def test_between_matches_a_minute_by_minute_count(spec, start, minutes):
    """Every zone here changes offset on a whole minute, so openness is constant within a minute."""
    minute = dt.timedelta(minutes=1)
    expected = sum(reference_open(spec, start + i * minute) for i in range(minutes)) * minute
    assert compiled(spec).between(start, start + minutes * minute) == expected


@cache
def offset_changes(zone: str) -> list[dt.datetime]:
    """The instants (to the hour) a zone changed its UTC offset between LOW and HIGH."""
    tz, hour = ZoneInfo(zone), dt.timedelta(hours=1)
    moment, changes = LOW.replace(tzinfo=UTC), []
    while moment < HIGH.replace(tzinfo=UTC):
        if moment.astimezone(tz).utcoffset() != (moment + hour).astimezone(tz).utcoffset():
            changes.append(moment)
        moment += hour
    return changes or [LOW.replace(tzinfo=UTC)]


@st.composite
def around_changes(draw):
    zone = draw(st.sampled_from(ZONES))
    change = draw(st.sampled_from(offset_changes(zone)))
    return zone, change - dt.timedelta(minutes=draw(st.integers(min_value=0, max_value=36 * 60)))


@given(around_changes(), st.booleans())
@settings(max_examples=80, deadline=None)
def test_day_boundaries_around_dst_changes(zone_and_start, daytime):
    """Intervals near midnight and in the small hours, counted across each zone's clock changes."""
    zone, start = zone_and_start
    if daytime:
        intervals = tuple((weekday, dt.time(1, 45), dt.time(2, 15)) for weekday in range(7))
    else:
        intervals = tuple(
            row
            for weekday in range(7)
            for row in ((weekday, MIDNIGHT, dt.time(0, 45)), (weekday, dt.time(23), MIDNIGHT))
        )
    spec = CalendarSpec(zone, intervals, (), False)
    minute = dt.timedelta(minutes=1)
    span = 48 * 60
    expected = sum(reference_open(spec, start + i * minute) for i in range(span)) * minute
    assert compiled(spec).between(start, start + span * minute) == expected
