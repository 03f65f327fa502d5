"""Background tasks, enqueued the same way everywhere.

Services name the task by its dotted path and enqueue it when their transaction commits: the task
module imports the service it calls, never the reverse, so no import cycle joins them. The path is
resolved at once (a wrong path fails in the caller's tests), the task runs only after the commit.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string


def enqueue(task: Any, *args: Any, delay: timedelta | None = None) -> Any:
    """Enqueue now, or after `delay` where the backend can defer (the database backend can;
    the immediate backend used in tests runs it at once)."""
    if delay and task.get_backend().supports_defer:
        return task.using(run_after=timezone.now() + delay).enqueue(*args)
    return task.enqueue(*args)


def enqueue_on_commit(path: str, *args: Any, delay: timedelta | None = None) -> None:
    """Enqueue the task at `path` (e.g. "cfdidesk.desk.notify.tasks.send_emails") once the current
    transaction commits; at once outside a transaction."""
    task = import_string(path)
    transaction.on_commit(lambda: enqueue(task, *args, delay=delay))
