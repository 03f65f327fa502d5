"""Shared helpers for background tasks."""

from datetime import timedelta

from django.utils import timezone


def enqueue(task, *args, delay: timedelta | None = None):
    """Enqueue now, or after `delay` where the backend can defer (the database backend can;
    the immediate backend used in tests runs it at once)."""
    if delay and task.get_backend().supports_defer:
        return task.using(run_after=timezone.now() + delay).enqueue(*args)
    return task.enqueue(*args)
