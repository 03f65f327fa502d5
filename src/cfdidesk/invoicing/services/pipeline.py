"""The pipeline of an environment: mapping and structure validation, then the generator.

A pass takes the environment's flagged documents (input = 1) in arrival order, in batches, each
batch one transaction:

1. prepare (always, even with the generator paused, so support sees mapping and validation
   errors at once): received → pre → waiting for input, or → mapping error / validation error;
2. generate (only while the generator runs): waiting for input (or "sin timbres") → next folio
   of its series and type → sealed with the environment's CSD → stamped by its adapter; or
   → generator error; or → "sin timbres" when the emitter RFC has no credits left.

Concurrency: a batch starts by locking the environment's row with SKIP LOCKED, so among many
workers (or the worker's task and periodic threads) exactly one works on an environment at a
time and the others move on to other environments. Arrival order, folio order and "no folio
used twice or skipped" follow from that; the documents' own rows are locked too, so a user's
reprocess or cancel never crosses a batch, and a unique constraint on
(environment, series, type, folio) backs it all. On SQLite, whose writers are serialised by
BEGIN IMMEDIATE, batches of two workers simply alternate.

The steps live in prepare.py and generate.py; batch.py holds what they share.
"""

from __future__ import annotations

import time

from django.db import transaction

from ..models import Document, InvoicingEnvironment
from .batch import BatchStats
from .generate import documents_generate
from .prepare import documents_prepare
from .transitions import transitions_save

BATCH_SIZE = 100

__all__ = ["BATCH_SIZE", "BatchStats", "pipeline_batch_run", "pipeline_run", "pipeline_run_all"]


def pipeline_run_all(*, time_budget: float = 20.0) -> dict[int, int]:
    """Every active environment with flagged documents (the worker's periodic job)."""
    deadline = time.monotonic() + time_budget
    done = {}
    # One read of the small partial index of flagged documents, whatever the number of environments.
    pending = sorted(
        set(
            Document.objects.filter(input_flag=True)
            .values_list("environment_id", flat=True)
            .distinct()
        )
    )
    for environment_id in pending:
        if time.monotonic() > deadline:
            break
        done[environment_id] = pipeline_run(environment_id=environment_id, deadline=deadline)
    return done


def pipeline_run(
    *, environment_id: int, batch_size: int = BATCH_SIZE, deadline: float | None = None
) -> int:
    """Batches until nothing is left to do, another worker holds the environment, or the deadline."""
    total = 0
    while True:
        stats = pipeline_batch_run(environment_id=environment_id, batch_size=batch_size)
        total += stats.done
        if not stats.done or (deadline is not None and time.monotonic() > deadline):
            return total


def pipeline_batch_run(*, environment_id: int, batch_size: int = BATCH_SIZE) -> BatchStats:
    """One batch of the environment, in one transaction: prepare, then generate if it runs."""
    stats = BatchStats()
    with transaction.atomic():
        environment = (
            # NO KEY UPDATE: excludes other workers, but not the foreign-key checks of an intake
            # inserting documents meanwhile (FOR UPDATE would make them wait on this batch while
            # the batch waits on their state counter: a deadlock).
            InvoicingEnvironment.objects.select_for_update(skip_locked=True, no_key=True)
            .filter(pk=environment_id, is_active=True)
            .first()
        )
        if environment is None:  # another worker has it (or it is gone): nothing for us
            return stats
        documents_prepare(environment=environment, limit=batch_size, stats=stats)
        if environment.generator_running:
            documents_generate(environment=environment, limit=batch_size, stats=stats)
        transitions_save(environment_id=environment.pk, rows=stats.transitions)
    stats.transitions = []
    return stats
