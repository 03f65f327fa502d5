"""A ticket's SLA columns: set at creation, moved with every status change, recomputed on a change
of priority or policy. The arithmetic and its rules are in service.sla; this module only decides
which columns change, so every caller (one ticket or a bulk action) writes the same values.
Nothing here writes: the ticket services do, in their own transactions.
"""

from __future__ import annotations

import datetime as dt

from cfdidesk.service import sla
from cfdidesk.service.models import BusinessCalendar
from cfdidesk.service.selectors import SlaTargets, load_calendar, sla_targets_for

from ..models import Status, Ticket

# The clock stops while these last (service.sla explains why).
STOPPED = frozenset({Status.WAITING_CUSTOMER, Status.RESOLVED, Status.CLOSED})
# What sla_status_fields reads besides status and created_at (for bulk loads with only()).
SLA_COLUMNS = (
    "sla_calendar_id",
    "sla_around_the_clock",
    "sla_stopped",
    "sla_stopped_at",
    "sla_first_response_due",
    "sla_first_response_risk",
    "sla_resolution_due",
    "sla_resolution_risk",
)
NO_SLA = {
    "sla_calendar_id": None,
    "sla_around_the_clock": False,
    "sla_first_response_due": None,
    "sla_first_response_risk": None,
    "sla_resolution_due": None,
    "sla_resolution_risk": None,
}


class Clocks:
    """Compiled calendars by id for one operation: a bulk action loads each calendar once."""

    def __init__(self):
        self._by_id: dict[int | None, sla.Clock] = {}

    def of(self, ticket: Ticket) -> sla.Clock:
        return self.clock(
            around_the_clock=ticket.sla_around_the_clock, calendar_id=ticket.sla_calendar_id
        )

    def clock(self, *, around_the_clock: bool, calendar_id: int | None) -> sla.Clock:
        if around_the_clock:
            return sla.AROUND_THE_CLOCK
        if calendar_id not in self._by_id:
            try:
                self._by_id[calendar_id] = load_calendar(calendar_id)
            except BusinessCalendar.DoesNotExist:  # deleted since: the default calendar counts
                self._by_id[calendar_id] = load_calendar(None)
        return self._by_id[calendar_id]


def _deadlines(
    targets: SlaTargets, clock: sla.Clock, created: dt.datetime, stopped: dt.timedelta
) -> dict:
    first = sla.deadline(
        clock, created, targets.first_response, stopped=stopped, share=targets.at_risk_share
    )
    resolution = sla.deadline(
        clock, created, targets.resolution, stopped=stopped, share=targets.at_risk_share
    )
    return {
        "sla_calendar_id": targets.calendar_id,
        "sla_around_the_clock": targets.around_the_clock,
        "sla_first_response_due": first.due,
        "sla_first_response_risk": first.risk,
        "sla_resolution_due": resolution.due,
        "sla_resolution_risk": resolution.risk,
    }


def sla_targets_fields(
    ticket: Ticket, *, targets: SlaTargets | None, clocks: Clocks | None = None
) -> dict:
    """The due and at-risk columns from the policy that applies now (creation, priority or policy
    change), keeping the time the clock has already been stopped."""
    if targets is None:
        return dict(NO_SLA)
    clock = (clocks or Clocks()).clock(
        around_the_clock=targets.around_the_clock, calendar_id=targets.calendar_id
    )
    return _deadlines(targets, clock, ticket.created_at, ticket.sla_stopped)


def sla_fields_for_new(ticket: Ticket) -> dict:
    return sla_targets_fields(
        ticket, targets=sla_targets_for(priority=ticket.priority, company_id=ticket.company_id)
    )


def _shift(clock: sla.Clock, created: dt.datetime, instant: dt.datetime | None, more: dt.timedelta):
    """The same target counted with `more` stopped time: between() and add() are exact inverses."""
    if instant is None:
        return None
    return clock.add(created, clock.between(created, instant) + more)


def sla_status_fields(
    ticket: Ticket, target: str, now: dt.datetime, *, clocks: Clocks | None = None
) -> dict:
    """The SLA columns a move from ticket.status to `target` at `now` changes."""
    fields: dict = {}
    current = ticket.status
    if current not in STOPPED and target in STOPPED:
        fields["sla_stopped_at"] = now
    elif current in STOPPED and target not in STOPPED and ticket.sla_stopped_at is not None:
        clock = (clocks or Clocks()).of(ticket)
        more = clock.between(ticket.sla_stopped_at, now)
        created = ticket.created_at
        fields.update(
            sla_stopped=ticket.sla_stopped + more,
            sla_stopped_at=None,
            sla_first_response_due=_shift(clock, created, ticket.sla_first_response_due, more),
            sla_first_response_risk=_shift(clock, created, ticket.sla_first_response_risk, more),
            sla_resolution_due=_shift(clock, created, ticket.sla_resolution_due, more),
            sla_resolution_risk=_shift(clock, created, ticket.sla_resolution_risk, more),
        )
    if target == Status.RESOLVED and ticket.sla_resolution_due is not None:
        fields["sla_resolution_met"] = now <= ticket.sla_resolution_due
    elif current in (Status.RESOLVED, Status.CLOSED) and target not in STOPPED:
        fields["sla_resolution_met"] = None  # reopened: the next resolution is what counts
    return fields


def sla_first_response_fields(ticket: Ticket, now: dt.datetime) -> dict:
    if ticket.sla_first_response_due is None:
        return {}
    return {"sla_first_response_met": now <= ticket.sla_first_response_due}
