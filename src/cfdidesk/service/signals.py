"""A new revision for a calendar whenever it, an interval or a closure is saved or deleted.

Signals rather than the services alone, because the administration edits intervals and closures
through its own inline forms; bulk writes (which send no signals) call calendar_touch themselves.
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save

from . import selectors
from .models import BusinessCalendar, CalendarClosure, CalendarInterval
from .services import calendar_touch


def _calendar_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        calendar_touch(calendar_id=instance.pk, instance=instance)


def _calendar_deleted(sender, instance, **kwargs):
    selectors.forget(instance.pk)


def _part_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        calendar_touch(calendar_id=instance.calendar_id)


def connect() -> None:
    post_save.connect(
        _calendar_saved, sender=BusinessCalendar, dispatch_uid="service.calendar_saved"
    )
    post_delete.connect(
        _calendar_deleted, sender=BusinessCalendar, dispatch_uid="service.calendar_deleted"
    )
    for model in (CalendarInterval, CalendarClosure):
        for signal in (post_save, post_delete):
            signal.connect(
                _part_changed, sender=model, dispatch_uid=f"service.{model.__name__}.{id(signal)}"
            )
