import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from cfdidesk.service.business_time import DEFAULT_SPEC, CompiledCalendar

MX = ZoneInfo("America/Mexico_City")
NY = ZoneInfo("America/New_York")


def at(year, month, day, hour=0, minute=0, tz=MX, **extra) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=tz, **extra)


def hours(n: float) -> dt.timedelta:
    return dt.timedelta(hours=n)


@pytest.fixture(scope="session")
def office() -> CompiledCalendar:
    """The default office hours (Mon–Fri 09–14 and 16–19, Sat 09–14), Mexican holidays, no closures."""
    return CompiledCalendar(DEFAULT_SPEC)


@pytest.fixture
def office_days():
    """A valid week for calendar_save: the default office hours as (weekday, start, end) rows."""
    return list(DEFAULT_SPEC.intervals)
