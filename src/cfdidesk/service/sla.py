"""SLA arithmetic: due and at-risk instants of a target, pauses, and the state shown to people.

Pure: no database. A clock is a business calendar (CompiledCalendar) or AROUND_THE_CLOCK; both
answer `between` and `add`, so every rule below is written once for both.

How a ticket's targets are counted (decided here, documented in the closing note):
- Both targets run from the ticket's creation. The clock stops while the ticket waits on the
  customer, and while it is resolved or closed (a reopened ticket resumes where it stopped).
  Waiting on a third party does not stop it: that wait is ours to manage.
- Stopped time is accumulated in the clock's own measure (business time for a business clock),
  and a due instant is `clock.add(created, target + stopped)`, so a change of priority or policy
  recomputes it exactly from the same two numbers.
- At risk from `share` of the target onwards (e.g. 0.75: the last quarter of the time left).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol

UTC = dt.UTC
ZERO = dt.timedelta(0)


class Clock(Protocol):
    def between(self, start: dt.datetime, end: dt.datetime) -> dt.timedelta: ...

    def add(self, start: dt.datetime, duration: dt.timedelta) -> dt.datetime: ...


class _AroundTheClock:
    """24×7: business time is wall time."""

    def between(self, start: dt.datetime, end: dt.datetime) -> dt.timedelta:
        return max(end - start, ZERO)

    def add(self, start: dt.datetime, duration: dt.timedelta) -> dt.datetime:
        if duration < ZERO:
            raise ValueError("a duration cannot be negative")
        return (start + duration).astimezone(UTC)

    def is_open(self, moment: dt.datetime) -> bool:
        return True

    def next_open(self, moment: dt.datetime) -> dt.datetime:
        return moment.astimezone(UTC)


AROUND_THE_CLOCK = _AroundTheClock()


@dataclass(frozen=True)
class Deadline:
    due: dt.datetime
    risk: dt.datetime


def deadline(
    clock: Clock,
    start: dt.datetime,
    target: dt.timedelta,
    *,
    stopped: dt.timedelta = ZERO,
    share: float,
) -> Deadline:
    """When a target of `target` counted from `start` falls due, and when it starts to be at risk."""
    if target <= ZERO:
        raise ValueError("an SLA target must be positive")
    if not 0 < share < 1:
        raise ValueError("the at-risk share must be between 0 and 1")
    risk_after = dt.timedelta(microseconds=int(target / dt.timedelta(microseconds=1) * share))
    return Deadline(
        due=clock.add(start, target + stopped), risk=clock.add(start, risk_after + stopped)
    )


class State:
    """What the ticket page and the list show for one target."""

    MET = "met"
    MISSED = "missed"  # done, but late
    PAUSED = "paused"
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    BREACHED = "breached"


def state(
    *,
    now: dt.datetime,
    due: dt.datetime | None,
    risk: dt.datetime | None,
    done_at: dt.datetime | None,
    paused: bool,
) -> str | None:
    """The state of one target; None when the ticket has no target."""
    if due is None:
        return None
    if done_at is not None:
        return State.MET if done_at <= due else State.MISSED
    if now >= due:
        return State.BREACHED
    if paused:
        return State.PAUSED
    if risk is not None and now >= risk:
        return State.AT_RISK
    return State.ON_TRACK


def time_left(clock: Clock, *, now: dt.datetime, due: dt.datetime) -> dt.timedelta:
    """Time left in the clock's measure (business hours for a business clock); negative when overdue,
    then in wall time (how late it is)."""
    if now >= due:
        return due - now
    return clock.between(now, due)
