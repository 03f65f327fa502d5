"""The supervisor's dashboard: eleven reads, the same number however many tickets there are.

Every ticket figure is a GROUP BY or a count that the database answers from indexes alone: the
open tickets by status, priority, team and consultant from the (status, …) and (is_open, column, …)
indexes; the SLA states from the partial indexes on sla_risk and sla_due, with the rules of
selectors.sla_state_filter; the compliance of the last days from the (first_response_at, met) and
(resolved_at, met) indexes. The page (web.views) and the API (dashboard_api) show the same
`Dashboard`. Measured by bench/dashboard.py over 1,000,000 tickets.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import CharField, Count, IntegerField, Q, Value
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext as _

from cfdidesk.accounts.roles import CONSULTANT
from cfdidesk.core.people import display_name
from cfdidesk.service.selectors import load_calendar
from cfdidesk.service.sla import State

from ..models import OPEN, OPEN_STATUSES, Priority, Team, Ticket
from ..oncall.selectors import oncall_now
from ..sla.selectors import sla_state_filter

COMPLIANCE_DAYS = 30
AT_RISK, BREACHED, ON_TRACK = State.AT_RISK, State.BREACHED, State.ON_TRACK


@dataclass
class Bar:
    """One bar of a chart: what it counts, its label and the share of the largest bar (0–100)."""

    key: str | int | None
    label: str
    count: int
    percent: float = 0.0


@dataclass
class Load:
    """A consultant's open tickets (user None: the unassigned ones)."""

    user: object | None
    open: int = 0
    critical: int = 0
    at_risk: int = 0
    breached: int = 0
    percent: float = 0.0


@dataclass
class Day:
    date: dt.date
    met: int = 0
    total: int = 0

    @property
    def missed(self) -> int:
        return self.total - self.met


@dataclass
class Compliance:
    """How many responses (or resolutions) of the last days met their SLA target, day by day."""

    target: str
    label: str
    days: list[Day]

    @property
    def met(self) -> int:
        return sum(d.met for d in self.days)

    @property
    def total(self) -> int:
        return sum(d.total for d in self.days)

    @property
    def missed(self) -> int:
        return self.total - self.met

    @property
    def percent(self) -> float | None:
        return round(100 * self.met / self.total, 1) if self.total else None


@dataclass
class TeamOnCall:
    team: Team
    shifts: list = field(default_factory=list)


@dataclass
class Dashboard:
    now: dt.datetime
    open: int
    unassigned: int
    by_status: list[Bar]
    by_priority: list[Bar]
    by_team: list[Bar]
    on_track: int
    at_risk: int
    breached: int
    loads: list[Load]
    oncall: list[TeamOnCall]
    office_open: bool
    compliance: list[Compliance]
    compliance_since: dt.datetime

    @property
    def critical(self) -> int:
        return next((b.count for b in self.by_priority if b.key == Priority.CRITICAL), 0)


def _scaled(bars: list, figure: str = "count") -> list:
    """Each bar's `percent`: its `figure` as a share of the largest (0–100)."""
    top = max((getattr(b, figure) for b in bars), default=0)
    for bar in bars:
        bar.percent = round(100 * getattr(bar, figure) / top, 1) if top else 0.0
    return bars


@dataclass
class OpenFigures:
    """The open tickets counted every way the dashboard shows them."""

    by_status: dict[str, int] = field(default_factory=dict)
    by_priority: dict[int, int] = field(default_factory=dict)
    by_team: dict[int | None, int] = field(default_factory=dict)
    by_assignee: dict[int | None, Load] = field(default_factory=dict)
    on_track: int = 0
    at_risk: int = 0
    breached: int = 0

    @property
    def total(self) -> int:
        return sum(self.by_status.values())


def _grouped(queryset, column: str) -> dict:
    return dict(queryset.values_list(column).annotate(n=Count("*")).order_by())


def _by_index(rule: Q) -> Q:
    """`rule` (conditions joined by AND) rewritten as one `id IN (SELECT id … WHERE condition)` per
    condition: each set of ids comes from the index of its own column, and the tickets are then
    matched by id, so no ticket row is read to test the rule. Same tickets as filter(rule)."""
    if rule.connector != Q.AND or rule.negated:
        raise ValueError("only conditions joined by AND")
    ids = Q()
    for condition in rule.children:
        ids &= Q(
            pk__in=Ticket.objects.filter(
                condition if isinstance(condition, Q) else Q(condition)
            ).values("pk")
        )
    return ids


def _per_consultant(figure: str, condition: Q):
    """(figure, assignee id, count) of the open tickets that meet `condition`, by consultant."""
    return (
        Ticket.objects.filter(OPEN)
        .filter(condition)
        .annotate(figure=Value(figure, output_field=CharField()))
        .values_list("figure", "assignee_id")
        .annotate(n=Count("*"))
        .order_by()
    )


def open_figures(now: dt.datetime) -> OpenFigures:
    """The open tickets by status, priority, team and consultant, and the SLA states, from indexes only.

    Status, priority and team are each a GROUP BY over an index that starts with the filter and the
    grouped column. Each consultant's open, critical, at-risk and breached tickets are one UNION ALL
    of four GROUP BYs over the (is_open, assignee, …) index, the critical, at-risk and breached ones
    matched by id against the (is_open, priority, …) index and the partial sla_due and sla_risk
    indexes (_by_index), with the rules of selectors.sla_state_filter: no ticket row is read,
    however many tickets are late. The tickets on track are a count over the partial sla_risk index.
    """
    figures = OpenFigures(
        # The same set as OPEN (is_open is generated from these statuses), read from the (status, …) index.
        by_status=_grouped(Ticket.objects.filter(status__in=OPEN_STATUSES), "status"),
        by_priority=_grouped(Ticket.objects.filter(OPEN), "priority"),
        by_team=_grouped(Ticket.objects.filter(OPEN), "team_id"),
        on_track=Ticket.objects.filter(sla_state_filter(ON_TRACK, now)).count(),
    )
    critical = Ticket.objects.filter(OPEN, priority=Priority.CRITICAL).values("pk")
    rows = _per_consultant("open", Q()).union(
        _per_consultant("critical", Q(pk__in=critical)),
        _per_consultant("at_risk", _by_index(sla_state_filter(AT_RISK, now))),
        _per_consultant("breached", _by_index(sla_state_filter(BREACHED, now))),
        all=True,
    )
    for figure, assignee, n in rows:
        load = figures.by_assignee.get(assignee)
        if load is None:
            load = figures.by_assignee[assignee] = Load(None)
        setattr(load, figure, n)
        if figure in ("at_risk", "breached"):
            setattr(figures, figure, getattr(figures, figure) + n)
    return figures


def status_bars(figures: OpenFigures) -> list[Bar]:
    return _scaled(
        [Bar(s.value, str(s.label), figures.by_status.get(s.value, 0)) for s in OPEN_STATUSES]
    )


def priority_bars(figures: OpenFigures) -> list[Bar]:
    return _scaled(
        [Bar(p.value, str(p.label), figures.by_priority.get(p.value, 0)) for p in Priority]
    )


def team_bars(figures: OpenFigures, teams: dict[int, Team]) -> list[Bar]:
    """Active teams and any other team with open tickets, busiest first; then the tickets with no team."""
    counts = figures.by_team
    bars = [
        Bar(t.pk, t.name, counts.get(t.pk, 0))
        for t in sorted(teams.values(), key=lambda t: t.name.lower())
        if t.is_active or counts.get(t.pk)
    ]
    bars.sort(key=lambda b: -b.count)  # stable: by name among equals
    if counts.get(None):
        bars.append(Bar(None, _("Sin equipo"), counts[None]))
    return _scaled(bars)


def consultant_loads(figures: OpenFigures) -> list[Load]:
    """Each active consultant (and whoever else holds open tickets), busiest first; then the unassigned."""
    holders = [pk for pk in figures.by_assignee if pk is not None]
    users = (
        get_user_model()
        .objects.filter(Q(is_active=True, groups__name=CONSULTANT) | Q(pk__in=holders))
        .distinct()
        .only("id", "username", "first_name", "last_name", "is_active")
    )
    loads = []
    for user in users:
        found = figures.by_assignee.get(user.pk) or Load(None)
        found.user = user
        loads.append(found)
    loads.sort(key=lambda x: (-x.open, -x.breached, display_name(x.user).lower()))
    loads.append(figures.by_assignee.get(None) or Load(None))
    return _scaled(loads, "open")


def day_starts(now: dt.datetime, days: int) -> list[dt.datetime]:
    """Midnight of each of the last `days` days (today included) in the current time zone, oldest first."""
    today = timezone.localdate(now)
    tz = timezone.get_current_timezone()
    return [
        timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=k), dt.time()), tz)
        for k in range(days - 1, -1, -1)
    ]


def _day_of(column: str, starts: list[dt.datetime]) -> RawSQL:
    """CASE WHEN column >= <midnight of the last day> THEN 29 WHEN … THEN 0 END: the day an instant
    falls on, as plain comparisons both databases evaluate on the index entries. Written as SQL:
    Django takes longer to compile thirty When() than the database to run the query."""
    adapt = connection.ops.adapt_datetimefield_value
    quoted = (
        f"{connection.ops.quote_name(Ticket._meta.db_table)}.{connection.ops.quote_name(column)}"
    )
    order = list(reversed(range(len(starts))))
    sql = "CASE " + " ".join(f"WHEN {quoted} >= %s THEN {k}" for k in order) + " END"
    return RawSQL(sql, [adapt(starts[k]) for k in order], output_field=IntegerField())


def compliance(column: str, met_column: str, starts: list[dt.datetime]) -> list[Day]:
    """Met and total per day since starts[0]: one GROUP BY over the (column, met) index."""
    rows = (
        Ticket.objects.filter(**{f"{column}__gte": starts[0], f"{met_column}__isnull": False})
        .annotate(day=_day_of(column, starts))
        .values("day", met_column)
        .annotate(n=Count("*"))
        .values_list("day", met_column, "n")
        .order_by()
    )
    days = [Day(timezone.localdate(start)) for start in starts]
    for k, met, n in rows:
        days[k].total += n
        if met:
            days[k].met += n
    return days


def oncall_by_team(teams: dict[int, Team], now: dt.datetime) -> list[TeamOnCall]:
    """Every active team with the shifts running now (none: nobody on call)."""
    rows = {
        pk: TeamOnCall(team)
        for pk, team in sorted(teams.items(), key=lambda kv: kv[1].name)
        if team.is_active
    }
    for shift in oncall_now(at=now):
        if shift.team_id in rows:
            rows[shift.team_id].shifts.append(shift)
    return list(rows.values())


def office_open_now(now: dt.datetime) -> bool:
    """Whether the default business calendar (office hours) is open now: one small query, the
    calendar itself is compiled once per process (service.selectors.load_calendar)."""
    return load_calendar(None).is_open(now)


def supervisor_dashboard(
    *, now: dt.datetime | None = None, days: int = COMPLIANCE_DAYS
) -> Dashboard:
    """Everything the dashboard shows, in eleven queries whatever the number of tickets."""
    now = now or timezone.now()
    teams = {t.pk: t for t in Team.objects.all()}
    figures = open_figures(now)
    starts = day_starts(now, days)
    return Dashboard(
        now=now,
        open=figures.total,
        unassigned=figures.by_assignee[None].open if None in figures.by_assignee else 0,
        by_status=status_bars(figures),
        by_priority=priority_bars(figures),
        by_team=team_bars(figures, teams),
        on_track=figures.on_track,
        at_risk=figures.at_risk,
        breached=figures.breached,
        loads=consultant_loads(figures),
        oncall=oncall_by_team(teams, now),
        office_open=office_open_now(now),
        compliance=[
            Compliance(
                "first_response",
                _("Primera respuesta"),
                compliance("first_response_at", "sla_first_response_met", starts),
            ),
            Compliance(
                "resolution",
                _("Resolución"),
                compliance("resolved_at", "sla_resolution_met", starts),
            ),
        ],
        compliance_since=starts[0],
    )


def my_load(*, user, now: dt.datetime | None = None) -> Load:
    """A consultant's own open tickets, how many critical, at risk and breached: one query over
    their open tickets (found through the (is_open, assignee, …) index)."""
    now = now or timezone.now()
    figures = Ticket.objects.filter(OPEN, assignee=user).aggregate(
        open=Count("*"),
        critical=Count("pk", filter=Q(priority=Priority.CRITICAL)),
        at_risk=Count("pk", filter=sla_state_filter(AT_RISK, now)),
        breached=Count("pk", filter=sla_state_filter(BREACHED, now)),
    )
    return Load(user, **figures)
