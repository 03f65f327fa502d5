"""Every write to business calendars: one transaction each, validated by rules, audited."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from cfdidesk.audit.services import audit_record
from cfdidesk.core.audit_actions import AuditAction

from . import selectors
from .models import BusinessCalendar, CalendarClosure, CalendarInterval
from .rules import DEFAULT_TAKEN, ClosureData, IntervalData, check_closures, check_week

CALENDAR_FIELDS = ("name", "time_zone", "is_default", "use_mexican_holidays")


def calendar_touch(*, calendar_id: int, instance: BusinessCalendar | None = None) -> None:
    """Give the calendar a new revision, so every process compiles it again on its next load."""
    revision = uuid.uuid4()
    BusinessCalendar.objects.filter(pk=calendar_id).update(revision=revision)
    if instance is not None:
        instance.revision = revision
    selectors.forget(calendar_id)


def calendar_save(
    *,
    actor,
    calendar: BusinessCalendar | None = None,
    name: str,
    intervals: Iterable[tuple],
    closures: Iterable[tuple] = (),
    time_zone: str = "America/Mexico_City",
    is_default: bool = False,
    use_mexican_holidays: bool = True,
) -> BusinessCalendar:
    """Create a calendar (calendar=None) or replace an existing one's fields, intervals and closures.

    intervals: (weekday, start, end) rows; closures: (start_date, end_date[, reason]) rows.
    Everything is checked first; on any error a ValidationError in Spanish lists them all
    (keys: the field names, "intervals", "closures") and nothing is written.
    """
    week = [IntervalData(*row) for row in intervals]
    days_off = [ClosureData(*row) for row in closures]
    creating = calendar is None
    calendar = calendar or BusinessCalendar()
    before = {field: getattr(calendar, field) for field in CALENDAR_FIELDS}
    calendar.name = " ".join((name or "").split())
    calendar.time_zone = (time_zone or "").strip()
    calendar.is_default = is_default
    calendar.use_mexican_holidays = use_mexican_holidays

    errors: dict[str, list] = {}
    for key, check in (
        ("__all__", lambda: calendar.full_clean(exclude=["revision"])),
        ("intervals", lambda: check_week(week)),
        ("closures", lambda: check_closures(days_off)),
    ):
        try:
            check()
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, messages in error.error_dict.items():
                    errors.setdefault(field, []).extend(messages)
            else:
                errors.setdefault(key, []).extend(error.error_list)
    if errors:
        raise ValidationError(errors)

    try:
        with transaction.atomic():
            calendar.save()
            calendar.intervals.all().delete()
            calendar.closures.all().delete()
            CalendarInterval.objects.bulk_create(
                CalendarInterval(
                    calendar=calendar, weekday=row.weekday, start=row.start, end=row.end
                )
                for row in week
            )
            CalendarClosure.objects.bulk_create(
                CalendarClosure(
                    calendar=calendar,
                    start_date=row.start_date,
                    end_date=row.end_date,
                    reason=(row.reason or "").strip()[:200],
                )
                for row in days_off
            )
            calendar_touch(calendar_id=calendar.pk, instance=calendar)
            after = {field: getattr(calendar, field) for field in CALENDAR_FIELDS}
            changes = (
                after
                if creating
                else {k: [before[k], v] for k, v in after.items() if before[k] != v}
            )
            changes["intervals"] = [
                f"{row.weekday} {row.start:%H:%M}-{row.end:%H:%M}" for row in week
            ]
            changes["closures"] = [f"{row.start_date}..{row.end_date}" for row in days_off]
            audit_record(
                actor=actor,
                action=AuditAction.CALENDAR_CREATE if creating else AuditAction.CALENDAR_UPDATE,
                target=calendar,
                changes=changes,
            )
    except IntegrityError:
        # Another calendar was made the default at the same moment: the partial unique index decided.
        if (
            is_default
            and BusinessCalendar.objects.filter(is_default=True).exclude(pk=calendar.pk).exists()
        ):
            if creating:
                calendar.pk = None
            raise ValidationError({"is_default": [DEFAULT_TAKEN]}) from None
        raise
    return calendar
