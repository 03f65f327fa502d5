import time

from django_tasks import task

from cfdidesk.core.tasks import enqueue

from .services.pipeline import pipeline_run

# A task works on one environment for at most this long, then queues its own continuation, so a
# backlog of thousands of documents never holds the worker away from other tasks (e-mails).
TASK_SECONDS = 30.0


@task()
def run_pipeline(environment_id: int) -> None:
    deadline = time.monotonic() + TASK_SECONDS
    pipeline_run(environment_id=environment_id, deadline=deadline)
    if time.monotonic() > deadline:
        enqueue(run_pipeline, environment_id)
