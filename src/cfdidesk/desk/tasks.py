"""Thin task wrappers: load by id, call the service."""

from datetime import timedelta

from django.conf import settings
from django.db.models import F
from django.utils import timezone
from django_tasks import task

from cfdidesk.core.tasks import enqueue


@task()
def send_emails(email_ids: list[int]) -> None:
    """Send queued e-mails; a failure is retried with growing pauses, then shown as failed on the ticket."""
    from .models import OutboundEmail
    from .services.outbox import build_message

    retry = []
    emails = (
        OutboundEmail.objects.filter(pk__in=email_ids)
        .exclude(state=OutboundEmail.State.SENT)
        .select_related("ticket__company", "ticket__contact", "event__actor")
    )
    for email in emails:
        if email.kind == OutboundEmail.Kind.SURVEY and email.ticket.resolved_at is None:
            # Reopened before the survey went out: asking "is it solved?" would make no sense.
            OutboundEmail.objects.filter(pk=email.pk).update(state=OutboundEmail.State.SKIPPED)
            continue
        try:
            build_message(email).send()
        except Exception as exc:  # noqa: BLE001 - any SMTP or network error is recorded and retried
            attempts = email.attempts + 1
            state = (
                OutboundEmail.State.FAILED
                if attempts >= settings.EMAIL_MAX_ATTEMPTS
                else OutboundEmail.State.RETRYING
            )
            OutboundEmail.objects.filter(pk=email.pk).update(
                attempts=F("attempts") + 1, state=state, last_error=str(exc)[:1000]
            )
            if state == OutboundEmail.State.RETRYING:
                retry.append((email.pk, attempts))
        else:
            OutboundEmail.objects.filter(pk=email.pk).update(
                state=OutboundEmail.State.SENT,
                sent_at=timezone.now(),
                attempts=F("attempts") + 1,
                last_error="",
            )
    for pk, attempts in retry:
        enqueue(send_emails, [pk], delay=timedelta(minutes=2**attempts))


@task()
def recompute_sla(priority: int | None, company_id: int | None) -> None:
    """After an SLA policy changed: the open tickets it governs get their due times counted again."""
    from .services.sla import sla_recompute_open

    sla_recompute_open(priority=priority, company_id=company_id)
