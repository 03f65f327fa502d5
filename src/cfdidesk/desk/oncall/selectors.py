"""Reads of the on-call roster and the escalation chains: who is on duty, the roster's gaps.

Gaps are the stretches outside office hours (the business calendar is closed) that no shift of a
team covers. Inside office hours the whole team is at work, so no shift is needed there.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.utils import timezone

from ..models import EscalationStep, OnCallShift, Team, Ticket

Span = tuple[dt.datetime, dt.datetime]
US = dt.timedelta(microseconds=1)
ROSTER_DAYS = 14


def oncall_now(team: Team | None = None, at: dt.datetime | None = None) -> list[OnCallShift]:
    """The shifts running at `at` (now by default), of one team or of every active team.

    Several shifts of a team may overlap: all of them are listed, by team and start."""
    at = at or timezone.now()
    shifts = OnCallShift.objects.filter(starts_at__lte=at, ends_at__gt=at, user__is_active=True)
    shifts = shifts.filter(team=team) if team is not None else shifts.filter(team__is_active=True)
    return list(shifts.select_related("team", "user").order_by("team__name", "starts_at", "id"))


def shifts_between(
    start: dt.datetime, end: dt.datetime, *, team: Team | None = None
) -> list[OnCallShift]:
    """Shifts that overlap [start, end), oldest first, with their team and consultant."""
    shifts = OnCallShift.objects.filter(starts_at__lt=end, ends_at__gt=start)
    if team is not None:
        shifts = shifts.filter(team=team)
    return list(shifts.select_related("team", "user").order_by("starts_at", "id"))


def _open_until(calendar, moment: dt.datetime, limit: dt.datetime) -> dt.datetime:
    """The end of the open stretch `moment` (open) is in, capped at `limit`, exact to the microsecond.

    [moment, t) is all open exactly when between(moment, t) == t - moment: a binary search on that
    (at most ~37 steps over a day) needs nothing but the calendar's public operations."""

    def all_open(t: dt.datetime) -> bool:
        return calendar.between(moment, t) == t - moment

    low, high = moment, min(limit, moment + dt.timedelta(days=1))
    if all_open(high):
        if high == limit or all_open(limit):
            return limit
        low, high = high, limit  # open across midnight or round the clock: search the rest
    # Invariant: [moment, low) is open, [moment, high) is not.
    while high - low > US:
        middle = low + (high - low) // 2
        if all_open(middle):
            low = middle
        else:
            high = middle
    return low


def closed_stretches(calendar, start: dt.datetime, end: dt.datetime) -> list[Span]:
    """The calendar's closed stretches within [start, end), in order."""
    out: list[Span] = []
    moment = start
    while moment < end:
        if calendar.is_open(moment):
            moment = _open_until(calendar, moment, end)
            continue
        opens = min(calendar.next_open(moment), end)
        out.append((moment, opens))
        moment = opens
    return out


def _covered(shifts: Iterable[tuple[dt.datetime, dt.datetime]]) -> list[Span]:
    """The union of the shifts as sorted, disjoint spans (touching shifts join)."""
    merged: list[list[dt.datetime]] = []
    for starts, ends in sorted(shifts):
        if merged and starts <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], ends)
        else:
            merged.append([starts, ends])
    return [(a, b) for a, b in merged]


def uncovered(
    stretches: Sequence[Span], shifts: Iterable[tuple[dt.datetime, dt.datetime]]
) -> list[Span]:
    """The parts of `stretches` no shift covers."""
    cover = _covered(shifts)
    gaps: list[Span] = []
    for a, b in stretches:
        cursor = a
        for starts, ends in cover:
            if ends <= cursor:
                continue
            if starts >= b:
                break
            if starts > cursor:
                gaps.append((cursor, starts))
            cursor = max(cursor, ends)
            if cursor >= b:
                break
        if cursor < b:
            gaps.append((cursor, b))
    return gaps


def roster_gaps(
    team: Team,
    start: dt.datetime,
    end: dt.datetime,
    calendar,
    *,
    shifts: Iterable[OnCallShift] | None = None,
    closed: Sequence[Span] | None = None,
) -> list[Span]:
    """The stretches outside office hours in [start, end) that no shift of `team` covers.

    `calendar` is a compiled calendar (service.selectors.load_calendar()). Pass `shifts` (any
    team's: others are ignored) and `closed` to compute many teams from one read."""
    if shifts is None:
        shifts = shifts_between(start, end, team=team)
    if closed is None:
        closed = closed_stretches(calendar, start, end)
    return uncovered(closed, ((s.starts_at, s.ends_at) for s in shifts if s.team_id == team.pk))


@dataclass
class TeamRoster:
    team: Team
    shifts: list[OnCallShift] = field(default_factory=list)
    on_duty: list[OnCallShift] = field(default_factory=list)
    gaps: list[Span] = field(default_factory=list)
    chain: list[EscalationStep] = field(default_factory=list)


def roster_overview(
    *, calendar, at: dt.datetime | None = None, days: int = ROSTER_DAYS
) -> list[TeamRoster]:
    """Every active team's roster for the next `days` days: shifts, who is on duty at `at`, the
    gaps and the escalation chain. Three queries however many teams and shifts."""
    at = at or timezone.now()
    end = at + dt.timedelta(days=days)
    rosters = {team.pk: TeamRoster(team) for team in Team.objects.filter(is_active=True)}
    for shift in shifts_between(at, end):
        roster = rosters.get(shift.team_id)
        if roster is None:
            continue
        roster.shifts.append(shift)
        if shift.starts_at <= at < shift.ends_at and shift.user.is_active:
            roster.on_duty.append(shift)
    for step in (
        EscalationStep.objects.filter(team__in=list(rosters))
        .select_related("user")
        .order_by("level")
    ):
        rosters[step.team_id].chain.append(step)
    closed = closed_stretches(calendar, at, end)
    for roster in rosters.values():
        roster.gaps = roster_gaps(
            roster.team, at, end, calendar, shifts=roster.shifts, closed=closed
        )
    return list(rosters.values())


def escalation_chain(team_id: int | None) -> list[EscalationStep]:
    if team_id is None:
        return []
    return list(
        EscalationStep.objects.filter(team_id=team_id).select_related("user").order_by("level")
    )


@dataclass
class EscalationState:
    level: int
    current: EscalationStep | None
    next: EscalationStep | None
    has_team: bool


def next_step(chain: list[EscalationStep], level: int) -> EscalationStep | None:
    """The level an escalation reaches from `level`: the next step up the team's chain (levels may skip numbers)."""
    return next((s for s in chain if s.level > level), None)


def escalation_state(ticket: Ticket) -> EscalationState:
    """Where the ticket is in its team's chain and who is next (one query)."""
    chain = escalation_chain(ticket.team_id)
    level = ticket.escalation_level
    current = next((s for s in chain if s.level == level), None)
    following = next_step(chain, level)
    return EscalationState(
        level=level, current=current, next=following, has_team=ticket.team_id is not None
    )


def shift_by_id(pk: int) -> OnCallShift | None:
    return OnCallShift.objects.filter(pk=pk).first()


def team_by_id(pk: int) -> Team | None:
    return Team.objects.filter(pk=pk).first()
