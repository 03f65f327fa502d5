"""E-mails to customers about their tickets: queued in the ticket's transaction, sent by the worker
after it commits (services.delivery)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings

from cfdidesk.core.tasks import enqueue_on_commit

from ...models import OutboundEmail, Ticket, TicketEvent
from ..links import message_id

SEND_TASK = "cfdidesk.desk.notify.tasks.send_emails"


def _recipient(ticket: Ticket) -> tuple[str, str]:
    contact = ticket.contact
    if contact is not None and contact.email:
        return contact.email, contact.language
    return ticket.company.email, contact.language if contact is not None else settings.LANGUAGE_CODE


def emails_insert(*, rows: list[OutboundEmail], delay: timedelta | None = None) -> list[int]:
    """One INSERT and one task for the worker, after the commit; returns the new ids (looked up by
    message id where the database does not return them)."""
    if not rows:
        return []
    OutboundEmail.objects.bulk_create(rows)
    if all(row.pk for row in rows):
        ids = [row.pk for row in rows]
    else:
        ids = list(
            OutboundEmail.objects.filter(message_id__in=[r.message_id for r in rows]).values_list(
                "pk", flat=True
            )
        )
    enqueue_on_commit(SEND_TASK, ids, delay=delay)
    return ids


def email_queue(
    *, ticket: Ticket, kind: str, event: TicketEvent | None = None, delay: timedelta | None = None
) -> OutboundEmail:
    """Record the e-mail now; the worker sends it after the transaction commits."""
    return emails_queue(
        tickets=[ticket], kind=kind, events={ticket.pk: event} if event else None, delay=delay
    )[0]


def emails_queue(
    *, tickets: list[Ticket], kind: str, events: dict | None = None, delay: timedelta | None = None
) -> list[OutboundEmail]:
    """Many tickets, one INSERT and one task: bulk actions stay constant in queries."""
    rows = []
    for ticket in tickets:
        to, language = _recipient(ticket)
        rows.append(
            OutboundEmail(
                ticket=ticket,
                event=(events or {}).get(ticket.pk),
                kind=kind,
                to=to,
                language=language,
                message_id=message_id(),
            )
        )
    emails_insert(rows=rows, delay=delay)
    return rows


def resolution_notify(*, tickets: list[Ticket]) -> None:
    """Tell the customer, and ask a little later whether it is really solved."""
    emails_queue(tickets=tickets, kind=OutboundEmail.Kind.RESOLVED)
    emails_queue(
        tickets=tickets,
        kind=OutboundEmail.Kind.SURVEY,
        delay=timedelta(minutes=settings.SURVEY_DELAY_MINUTES),
    )
