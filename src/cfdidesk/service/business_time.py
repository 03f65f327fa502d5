"""Business time over a calendar compiled once: pure Python, no database, exact to the microsecond.

What is open
------------
A moment is *open* when its local date (in the calendar's zone) is not closed, and its local
wall-clock time falls in one of that weekday's intervals [start, end). An end of 00:00 means
midnight at the end of the day. A date is closed when it falls in one of the provider's closures
or, when the calendar observes them, is a Mexican official holiday.

Because "open" is read on the wall clock, zones with daylight saving time come out right: on the
night the clocks jump forward an interval that spans the jump lasts an hour less, and when they
fall back a repeated hour inside an interval counts twice. Mexico (America/Mexico_City) has had no
DST since October 2022, but a calendar may use any IANA zone.

Holidays
--------
``holidays.country_holidays("MX", categories=(PUBLIC,))``. For Mexico the package has only the
PUBLIC category, and it is exactly the "días de descanso obligatorio" of the Ley Federal del
Trabajo, art. 74: 1 January, first Monday of February, third Monday of March, 1 May, 16 September,
third Monday of November, 25 December and, every six years, the transfer of the federal
executive (1 December until 2018, 1 October from 2024). Fraction IX (election days) is not in the
package: a provider that closes on an election day records it as a closure.

The two operations
------------------
- ``between(a, b)``: the measure of the open moments in [a, b); ``timedelta(0)`` when b <= a.
- ``add(start, d)``: the earliest instant t >= start with ``between(start, t) == d``. For d == 0
  that is ``start`` itself, open or not; for d > 0 it is always inside an open stretch or at its
  end, never the start of the next one: one hour after Friday 18:00 is Friday 19:00, not Monday.
  Results are aware datetimes in UTC.

So ``add`` inverts ``between``: ``between(s, add(s, d)) == d``, and ``add(s, between(s, t)) <= t``,
equal when the moment just before t is open (otherwise it is the end of the last open stretch
before t).

Why it is fast
--------------
Per year, once, the calendar is compiled into: the instant each local day starts, the business
time accumulated at each day's start, and each day's open stretches as offsets from that start
(the weekday's template on an ordinary day, nothing on a closed day, the exact stretches on a day
whose UTC offset changes). An operation converts its instants to local dates, reads two table
entries and walks at most a few intervals; ``add`` finds its day by binary search. No operation
loops over days, however long the span; crossing into another year costs one step per year
(building a year not seen before costs about 5 ms, once per process).
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import holidays
from holidays.constants import PUBLIC

UTC = dt.UTC
EPOCH = dt.datetime(1970, 1, 1, tzinfo=UTC)
EPOCH_ORDINAL = EPOCH.toordinal()
US = dt.timedelta(microseconds=1)
ZERO = dt.timedelta(0)
SECOND = 1_000_000
DAY = 86_400 * SECOND
# Years the tables can be built for; zoneinfo and the holidays are meaningless far outside.
MIN_YEAR, MAX_YEAR = 1900, 9998
DEFAULT_TIME_ZONE = "America/Mexico_City"


class OutOfRange(ValueError):
    """An instant, or a result, outside the years a calendar can be compiled for."""


@dataclass(frozen=True, slots=True)
class CalendarSpec:
    """A calendar's definition: what the database holds, as plain values."""

    time_zone: str = DEFAULT_TIME_ZONE
    # (weekday 0=Monday..6, start, end); an end of 00:00 is midnight at the end of the day.
    intervals: tuple[tuple[int, dt.time, dt.time], ...] = ()
    # Inclusive date ranges the provider is closed.
    closures: tuple[tuple[dt.date, dt.date], ...] = ()
    mexican_holidays: bool = True


OFFICE_HOURS = tuple(
    (weekday, dt.time(start), dt.time(end))
    for weekday in range(5)
    for start, end in ((9, 14), (16, 19))
) + ((5, dt.time(9), dt.time(14)),)
# The office hours the data migration creates as "Horario de oficina"; also the fallback when
# no calendar is marked as the default.
DEFAULT_SPEC = CalendarSpec(intervals=OFFICE_HOURS)


def time_us(value: dt.time) -> int:
    return ((value.hour * 60 + value.minute) * 60 + value.second) * SECOND + value.microsecond


def interval_bounds(start: dt.time, end: dt.time) -> tuple[int, int]:
    """Microseconds since midnight of an interval's edges; an end of 00:00 is the next midnight."""
    end_us = time_us(end)
    return time_us(start), end_us or DAY


def _week_template(
    intervals: Iterable[tuple[int, dt.time, dt.time]],
) -> tuple[tuple[tuple[int, int], ...], ...]:
    days: list[list[tuple[int, int]]] = [[] for _ in range(7)]
    for weekday, start, end in intervals:
        if not 0 <= weekday <= 6:
            raise ValueError(f"weekday {weekday} is not 0..6")
        days[weekday].append(interval_bounds(start, end))
    week = []
    for stretches in days:
        stretches.sort()
        for (a, b), (c, _d) in zip(stretches, stretches[1:], strict=False):
            if c < b:
                raise ValueError(f"overlapping intervals {a}-{b} and {c}")
        if any(b <= a for a, b in stretches):
            raise ValueError("an interval ends before it starts")
        week.append(_merged(stretches))
    if not any(week):
        raise ValueError("a calendar needs at least one open interval in the week")
    return tuple(week)


def _merged(stretches: list[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    """Sorted, disjoint stretches with touching ones joined (14:00-16:00 + 16:00-19:00 is one)."""
    out: list[tuple[int, int]] = []
    for a, b in sorted(stretches):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(b, out[-1][1]))
        else:
            out.append((a, b))
    return tuple(out)


def _within(stretches: tuple[tuple[int, int], ...], elapsed: int) -> int:
    """Business time from the day's start to `elapsed` microseconds into the day."""
    done = 0
    for a, b in stretches:
        if elapsed <= a:
            break
        if elapsed < b:
            return done + elapsed - a
        done += b - a
    return done


def _instant(us: int) -> dt.datetime:
    return EPOCH + dt.timedelta(microseconds=us)


class _Year:
    """One local year of a calendar: day starts (instants), accumulated business time, stretches."""

    __slots__ = ("year", "first", "starts", "cum", "days", "total")

    def __init__(self, year: int, first: int, starts: list[int], cum: list[int], days: list[tuple]):
        self.year = year
        self.first = first  # ordinal of 1 January
        self.starts = (
            starts  # starts[k]: instant (µs since the epoch) local day k begins; one extra
        )
        self.cum = cum  # cum[k]: business µs from 1 January to the start of day k; one extra
        self.days = days  # days[k]: open stretches, as µs offsets from starts[k]
        self.total = cum[-1]


class CompiledCalendar:
    """A calendar ready for business-time arithmetic. Its definition never changes after compiling;
    the per-year tables are filled in lazily, once, and are safe to share between threads (two
    threads building the same year build equal tables)."""

    __slots__ = ("spec", "tz", "_week", "_closures", "_years")

    def __init__(self, spec: CalendarSpec):
        self.spec = spec
        self.tz = ZoneInfo(spec.time_zone)
        self._week = _week_template(spec.intervals)
        for start, end in spec.closures:
            if end < start:
                raise ValueError(f"closure {start}..{end} ends before it starts")
        self._closures = tuple((start.toordinal(), end.toordinal()) for start, end in spec.closures)
        self._years: dict[int, _Year] = {}

    def __repr__(self) -> str:
        return f"<CompiledCalendar {self.spec.time_zone} {len(self.spec.intervals)} intervals>"

    # ------------------------------------------------------------ the operations

    def between(self, start: dt.datetime, end: dt.datetime) -> dt.timedelta:
        """Business time in [start, end); zero when end <= start."""
        if end <= start:
            return ZERO
        ya, ka, ea = self._locate(start)
        yb, kb, eb = self._locate(end)
        va = ya.cum[ka] + _within(ya.days[ka], ea)
        vb = yb.cum[kb] + _within(yb.days[kb], eb)
        if ya is yb:
            return dt.timedelta(microseconds=vb - va)
        total = ya.total - va + vb
        for year in range(ya.year + 1, yb.year):
            total += self._year(year).total
        return dt.timedelta(microseconds=total)

    def add(self, start: dt.datetime, duration: dt.timedelta) -> dt.datetime:
        """The earliest instant t >= start with between(start, t) == duration (UTC)."""
        need = duration // US
        if need < 0:
            raise ValueError("a business duration cannot be negative")
        table, k, elapsed = self._locate(start)
        if need == 0:
            return start.astimezone(UTC)
        target = table.cum[k] + _within(table.days[k], elapsed) + need
        while target > table.total:
            target -= table.total
            table = self._year(table.year + 1)
        # The first day whose end reaches the target: target > 0, so k >= 0 and the day is open.
        k = bisect_left(table.cum, target) - 1
        left = target - table.cum[k]
        for a, b in table.days[k]:
            if left <= b - a:
                return _instant(table.starts[k] + a + left)
            left -= b - a
        raise AssertionError("accumulated table out of step with the day's stretches")

    def is_open(self, moment: dt.datetime) -> bool:
        table, k, elapsed = self._locate(moment)
        return any(a <= elapsed < b for a, b in table.days[k])

    def next_open(self, moment: dt.datetime) -> dt.datetime:
        """The earliest open instant at or after `moment` (UTC): when a closed-hours arrival is attended."""
        table, k, elapsed = self._locate(moment)
        for a, b in table.days[k]:
            if elapsed < b:
                return moment.astimezone(UTC) if elapsed >= a else _instant(table.starts[k] + a)
        level = table.cum[k + 1]
        while True:
            i = bisect_right(
                table.cum, level
            )  # the first day after which more business has accrued
            if i < len(table.cum):
                day = i - 1
                return _instant(table.starts[day] + table.days[day][0][0])
            table, level = self._year(table.year + 1), 0

    # ------------------------------------------------------------ positions

    def _locate(self, moment: dt.datetime) -> tuple[_Year, int, int]:
        """(year table, day index, µs since that local day began) of an aware instant."""
        if moment.tzinfo is None:
            raise ValueError("business time needs aware datetimes")
        local = moment.astimezone(self.tz)
        table = self._years.get(local.year) or self._year(local.year)
        k = local.toordinal() - table.first
        return table, k, (moment - EPOCH) // US - table.starts[k]

    def _year(self, year: int) -> _Year:
        table = self._years.get(year)
        if table is None:
            table = self._years[year] = self._build_year(year)
        return table

    def _build_year(self, year: int) -> _Year:
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise OutOfRange(
                f"business time is computed for years {MIN_YEAR}..{MAX_YEAR}, not {year}"
            )
        first = dt.date(year, 1, 1).toordinal()
        n = dt.date(year + 1, 1, 1).toordinal() - first
        closed = self._closed_ordinals(year, first, first + n - 1)
        starts = [self._wall_start(dt.datetime.fromordinal(first + k)) for k in range(n + 1)]
        week = self._week
        totals = {stretches: sum(b - a for a, b in stretches) for stretches in week}
        days: list[tuple] = []
        cum = [0]
        done = 0
        for k in range(n):
            ordinal = first + k
            template = week[(ordinal - 1) % 7]  # ordinal 1 (1 January of year 1) was a Monday
            if ordinal in closed or not template:
                stretches: tuple = ()
            else:
                begin, end = starts[k], starts[k + 1]
                if end - begin == DAY and self._offset(begin) == self._offset(end - 1):
                    stretches = template  # wall clock and elapsed time agree all day
                else:
                    stretches = self._shifted_day(ordinal, begin, end, template)
            days.append(stretches)
            done += totals[stretches] if stretches is template else sum(b - a for a, b in stretches)
            cum.append(done)
        return _Year(year, first, starts, cum, days)

    def _closed_ordinals(self, year: int, first: int, last: int) -> set[int]:
        closed: set[int] = set()
        for start, end in self._closures:
            closed.update(range(max(start, first), min(end, last) + 1))
        if self.spec.mexican_holidays:
            closed.update(
                day.toordinal()
                for day in holidays.country_holidays("MX", years=year, categories=(PUBLIC,))
            )
        return closed

    # ------------------------------------------------------------ time zone edges (compile time only)

    def _offset(self, us: int) -> int:
        return _instant(us).astimezone(self.tz).utcoffset() // US

    def _wall_start(self, wall: dt.datetime) -> int:
        """The first instant at which the local clock reads `wall` (naive) or later."""
        tz = self.tz
        candidates = [(wall.replace(tzinfo=tz, fold=fold) - EPOCH) // US for fold in (0, 1)]
        real = [us for us in candidates if _instant(us).astimezone(tz).replace(tzinfo=None) == wall]
        if real:
            return min(real)  # an ambiguous time counts from its first occurrence
        # Skipped by a jump forward: the clock passes `wall` at the jump.
        return self._next_change(min(candidates), max(candidates))

    def _next_change(self, low: int, high: int) -> int:
        """The first instant in (low, high] whose UTC offset differs from low's (high's does)."""
        base = self._offset(low)
        while high - low > 1:
            middle = (low + high) // 2
            if self._offset(middle) == base:
                low = middle
            else:
                high = middle
        return high

    def _shifted_day(self, ordinal: int, begin: int, end: int, template: tuple) -> tuple:
        """Open stretches of a day whose UTC offset changes: each constant-offset segment of the
        day is intersected with the template on the wall clock, then mapped back to instants."""
        midnight = (ordinal - EPOCH_ORDINAL) * DAY  # the day's 00:00 on the wall clock, in µs
        stretches = []
        low = begin
        while low < end:
            offset = self._offset(low)
            high = end if self._offset(end - 1) == offset else self._next_change(low, end - 1)
            for a, b in template:
                wall_a, wall_b = max(low + offset, midnight + a), min(high + offset, midnight + b)
                if wall_a < wall_b:
                    stretches.append((wall_a - offset - begin, wall_b - offset - begin))
            low = high
        return _merged(stretches)
