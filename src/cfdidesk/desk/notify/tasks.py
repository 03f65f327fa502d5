"""Thin task wrappers: call the delivery service with the ids the services queued."""

from django_tasks import task

from .services.delivery import emails_send, webhooks_deliver


@task()
def send_emails(email_ids: list[int]) -> None:
    """Send queued e-mails (customers' and staff alerts)."""
    emails_send(email_ids=email_ids)


@task()
def deliver_webhooks(delivery_ids: list[int]) -> None:
    """POST queued webhook deliveries."""
    webhooks_deliver(delivery_ids=delivery_ids)
