"""Thin task wrappers: call the service."""

from django_tasks import task

from .services import sla_recompute_open


@task()
def recompute_sla(priority: int | None, company_id: int | None) -> None:
    """After an SLA policy changed: the open tickets it governs get their due times counted again."""
    sla_recompute_open(priority=priority, company_id=company_id)
