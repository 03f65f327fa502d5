"""Thin task wrapper for alert webhooks: load by id, call the service (kept apart from tasks.py so
the SLA work on that module and this one never collide; they may be merged later)."""

from datetime import timedelta

from django_tasks import task

from cfdidesk.core.tasks import enqueue


@task()
def deliver_webhooks(delivery_ids: list[int]) -> None:
    """POST queued webhook deliveries; a failure is retried after 2, 4, 8… minutes, then shown as failed."""
    from .services.webhooks import deliver

    for pk, attempts in deliver(delivery_ids):
        enqueue(deliver_webhooks, [pk], delay=timedelta(minutes=2**attempts))
