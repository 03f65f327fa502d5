"""The pipeline's task, named by its dotted path: services enqueue it, the tasks module calls them."""

from __future__ import annotations

from cfdidesk.core.tasks import enqueue_on_commit

PIPELINE_TASK = "cfdidesk.invoicing.tasks.run_pipeline"


def pipeline_schedule(*, environment_id: int) -> None:
    """Run the environment's pipeline in the worker once the current transaction commits."""
    enqueue_on_commit(PIPELINE_TASK, environment_id)
