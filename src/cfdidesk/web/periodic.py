"""Jobs the worker runs on a clock, besides the queued tasks: the SLA sweep.

Every worker runs them; each job must therefore be safe to run in several processes at once
(the SLA sweep claims tickets with row locks and marks what it alerted, so nothing happens twice).
"""

from __future__ import annotations

import logging
import threading
import time
from importlib import import_module

from django.db import close_old_connections, connections

logger = logging.getLogger(__name__)

# name: (seconds between runs, dotted path of a function taking no arguments)
JOBS: dict[str, tuple[float, str]] = {
    "sla_sweep": (60.0, "cfdidesk.desk.oncall.services.sweep.sla_sweep"),
    # Safety net behind the task each intake enqueues: environments lock with SKIP LOCKED.
    "invoicing_pipeline": (5.0, "cfdidesk.invoicing.services.pipeline.pipeline_run_all"),
}


def _call(path: str):
    module, name = path.rsplit(".", 1)
    return getattr(import_module(module), name)()


def run_all_once() -> dict[str, object]:
    """Run every job now (`cfdidesk worker --batch`, tests)."""
    results = {}
    for name, (_every, path) in JOBS.items():
        results[name] = _run(name, path)
    return results


def _run(name: str, path: str, *, in_thread: bool = False):
    if in_thread:
        close_old_connections()
    try:
        return _call(path)
    except Exception:  # a failing job is logged and tried again next time; the worker keeps going
        logger.exception("periodic job %s failed", name)
        return None
    finally:
        if in_thread:  # the thread's own connections; the caller's stay open
            connections.close_all()


def start(stop: threading.Event, *, tick: float = 5.0) -> threading.Thread:
    """A daemon thread that runs each job when its time comes, until `stop` is set."""

    def loop():
        next_run = {name: 0.0 for name in JOBS}
        while not stop.is_set():
            now = time.monotonic()
            for name, (every, path) in JOBS.items():
                if now >= next_run[name]:
                    _run(name, path, in_thread=True)
                    next_run[name] = time.monotonic() + every
            stop.wait(tick)

    thread = threading.Thread(target=loop, name="cfdidesk-periodic", daemon=True)
    thread.start()
    return thread
