"""Background work of the customer catalog: thin, each task loads by id and calls its service."""

from django_tasks import task

from .services import import_job_run


@task()
def run_import(job_id: int) -> None:
    import_job_run(job_id=job_id)
