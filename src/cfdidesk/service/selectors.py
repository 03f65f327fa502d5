"""Compiled calendars, loaded from the database once per change and kept per process."""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from dataclasses import dataclass

from django.db.models import Q

from .business_time import DEFAULT_SPEC, CalendarSpec, CompiledCalendar
from .models import BusinessCalendar, SlaPolicy

_compiled: dict[int, tuple[uuid.UUID, CompiledCalendar]] = {}
_lock = threading.Lock()
_fallback: CompiledCalendar | None = None


def calendar_spec(calendar: BusinessCalendar) -> CalendarSpec:
    """The plain definition of a stored calendar (two queries: intervals and closures)."""
    return CalendarSpec(
        time_zone=calendar.time_zone,
        intervals=tuple(
            calendar.intervals.order_by("weekday", "start").values_list("weekday", "start", "end")
        ),
        closures=tuple(
            calendar.closures.order_by("start_date").values_list("start_date", "end_date")
        ),
        mexican_holidays=calendar.use_mexican_holidays,
    )


def load_calendar(calendar_id: int | None = None) -> CompiledCalendar:
    """The compiled calendar `calendar_id`, or the default one when None.

    One small query reads the calendar's revision; the calendar is compiled again only when the
    revision changed (any save or delete of it, its intervals or closures gives a new one, in every
    process). Without a default calendar the built-in office hours (business_time.DEFAULT_SPEC)
    apply. Raises BusinessCalendar.DoesNotExist for an unknown id.
    """
    calendars = BusinessCalendar.objects.all()
    calendars = (
        calendars.filter(is_default=True)
        if calendar_id is None
        else calendars.filter(pk=calendar_id)
    )
    row = calendars.values_list("pk", "revision").first()
    if row is None:
        if calendar_id is not None:
            raise BusinessCalendar.DoesNotExist(f"no business calendar {calendar_id}")
        return _default_fallback()
    pk, revision = row
    cached = _compiled.get(pk)
    if cached is not None and cached[0] == revision:
        return cached[1]
    calendar = BusinessCalendar.objects.get(pk=pk)
    compiled = CompiledCalendar(calendar_spec(calendar))
    with _lock:
        _compiled[pk] = (calendar.revision, compiled)
    return compiled


def forget(calendar_id: int) -> None:
    """Drop this process's compiled copy (the revision check would also catch it)."""
    with _lock:
        _compiled.pop(calendar_id, None)


def _default_fallback() -> CompiledCalendar:
    global _fallback
    if _fallback is None:
        _fallback = CompiledCalendar(DEFAULT_SPEC)
    return _fallback


@dataclass(frozen=True)
class SlaTargets:
    first_response: dt.timedelta
    resolution: dt.timedelta
    around_the_clock: bool
    calendar_id: int | None
    at_risk_share: float


def _targets(policy: SlaPolicy) -> SlaTargets:
    return SlaTargets(
        policy.first_response,
        policy.resolution,
        policy.around_the_clock,
        policy.calendar_id,
        policy.at_risk_percent / 100,
    )


def sla_targets_for(*, priority: int, company_id: int | None) -> SlaTargets | None:
    """The company's own policy for that priority, else the general one; None when there is none."""
    policies = SlaPolicy.objects.filter(priority=priority).filter(
        Q(company__isnull=True) | Q(company_id=company_id)
    )
    return targets_from_table(
        {(p.priority, p.company_id): _targets(p) for p in policies},
        priority=priority,
        company_id=company_id,
    )


def sla_policy_table() -> dict[tuple[int, int | None], SlaTargets]:
    """Every policy at once, for bulk recomputation: (priority, company id or None) → targets."""
    return {(p.priority, p.company_id): _targets(p) for p in SlaPolicy.objects.all()}


def targets_from_table(table: dict, *, priority: int, company_id: int | None) -> SlaTargets | None:
    """The company's own policy wins over the general one of the same priority."""
    return table.get((priority, company_id)) or table.get((priority, None))
