"""E-mails about tickets, to customers and (alerts) to staff: queued in the ticket's transaction, sent by the worker."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from cfdidesk.core.tasks import enqueue as enqueue_task

from ..models import OutboundEmail, Ticket, TicketEvent

SURVEY_SALT = "cfdidesk.desk.survey"


def ticket_subject(ticket: Ticket, text: str) -> str:
    """Every subject carries [#number] so that replies thread back to the ticket."""
    return f"[#{ticket.number}] {text}"


def _recipient(ticket: Ticket) -> tuple[str, str]:
    contact = ticket.contact
    if contact is not None and contact.email:
        return contact.email, contact.language
    return ticket.company.email, contact.language if contact is not None else settings.LANGUAGE_CODE


def _message_id() -> str:
    domain = settings.HELPDESK_EMAIL.rsplit("@", 1)[-1] or "localhost"
    return f"{uuid.uuid4().hex}@{domain}"


def insert_emails(rows: list[OutboundEmail]) -> list[int]:
    """One INSERT; the new ids (looked up by message id where the database does not return them)."""
    OutboundEmail.objects.bulk_create(rows)
    if all(row.pk for row in rows):
        return [row.pk for row in rows]
    return list(
        OutboundEmail.objects.filter(message_id__in=[r.message_id for r in rows]).values_list(
            "pk", flat=True
        )
    )


def queue_email(
    *, ticket: Ticket, kind: str, event: TicketEvent | None = None, delay: timedelta | None = None
) -> OutboundEmail:
    """Record the e-mail now; the worker sends it after the transaction commits."""
    return queue_emails(
        tickets=[ticket], kind=kind, events={ticket.pk: event} if event else None, delay=delay
    )[0]


def queue_emails(
    *, tickets: list[Ticket], kind: str, events: dict | None = None, delay: timedelta | None = None
) -> list[OutboundEmail]:
    """Many tickets, one INSERT and one task: bulk actions stay constant in queries."""
    if not tickets:
        return []
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
                message_id=_message_id(),
            )
        )
    ids = insert_emails(rows)

    def enqueue():
        from ..tasks import send_emails

        enqueue_task(send_emails, ids, delay=delay)

    transaction.on_commit(enqueue)
    return rows


def notify_resolved(tickets: list[Ticket]) -> None:
    """Tell the customer, and ask a little later whether it is really solved."""
    from datetime import timedelta as _td

    queue_emails(tickets=tickets, kind=OutboundEmail.Kind.RESOLVED)
    queue_emails(
        tickets=tickets,
        kind=OutboundEmail.Kind.SURVEY,
        delay=_td(minutes=settings.SURVEY_DELAY_MINUTES),
    )


def survey_token(ticket: Ticket) -> str:
    return signing.dumps(
        {"t": ticket.number, "r": ticket.resolved_at.isoformat()}, salt=SURVEY_SALT, compress=True
    )


def survey_url(ticket: Ticket) -> str:
    return f"{settings.SITE_URL}/encuesta/{survey_token(ticket)}/"


def thread_ids(ticket: Ticket, *, exclude: str = "") -> list[str]:
    """The ticket's message ids, oldest first, for In-Reply-To and References."""
    # Alerts to staff are not part of the customer's conversation: never in their References.
    outbound = (
        ticket.outbound_emails.exclude(message_id=exclude)
        .exclude(kind=OutboundEmail.Kind.ALERT)
        .values_list("created_at", "message_id")
    )
    inbound = ticket.inbound_emails.exclude(message_id="").values_list("received_at", "message_id")
    return [mid for _when, mid in sorted([*outbound, *inbound])][-10:]


def arrival_notice(ticket: Ticket) -> dict:
    """For the opening e-mail: whether the ticket arrived out of hours, and then whether someone on
    duty was alerted or from when it will be attended (services.oncall.arrival_route decides)."""
    from cfdidesk.service.selectors import load_calendar

    from ..oncall_selectors import date_words
    from .alerts import ONCALL_ALERT
    from .oncall import ONCALL, arrival_route

    calendar = load_calendar()
    route, attend_at = arrival_route(ticket, calendar)
    if route == ONCALL:
        # Promise what happened: when nobody could be alerted, the customer is told when we open.
        alert = (
            ticket.events.filter(kind=TicketEvent.Kind.ESCALATION, data__trigger=ONCALL_ALERT)
            .values_list("data", flat=True)
            .first()
        )
        if alert and alert.get("to"):
            return {"oncall_alerted": True, "attend_from": ""}
        attend_at = calendar.next_open(ticket.created_at)
    if attend_at is None:
        return {"oncall_alerted": False, "attend_from": ""}
    # Translators: how the opening e-mail writes the instant a ticket will be attended (Django date format).
    return {
        "oncall_alerted": False,
        "attend_from": date_words(attend_at, _("l j \\d\\e F, H:i"), calendar.tz),
    }


def _build_alert(email: OutboundEmail) -> EmailMessage:
    """An alert to a person on staff: its own thread, never the customer's, no Reply-To the helpdesk."""
    from .alerts import ticket_url

    ticket = email.ticket
    data = email.event.data if email.event else {}
    trigger = data.get("trigger", "")
    with translation.override(email.language):
        context = {
            "ticket": ticket,
            "company": ticket.company,
            "event": email.event,
            "data": data,
            "trigger": "escalation" if trigger == "manual" else trigger,
            "text": data.get("text", ""),
            "url": ticket_url(ticket),
        }
        subject = render_to_string("desk/email/alert_subject.txt", context).strip()
        body = render_to_string("desk/email/alert.txt", context)
    headers = {
        "Message-ID": f"<{email.message_id}>",
        "Auto-Submitted": "auto-generated",
        "X-CFDIDesk-Ticket": ticket.number,
        "X-CFDIDesk-Alert": context["trigger"],
    }
    return EmailMessage(
        subject=" ".join(subject.split()), body=body, to=[email.to], headers=headers
    )


def build_message(email: OutboundEmail) -> EmailMessage:
    if email.kind == OutboundEmail.Kind.ALERT:
        return _build_alert(email)
    ticket = email.ticket
    with translation.override(email.language):
        context = {
            "ticket": ticket,
            "event": email.event,
            "contact": ticket.contact,
            "company": ticket.company,
            "site_url": settings.SITE_URL,
            "survey_url": survey_url(ticket)
            if email.kind in (OutboundEmail.Kind.RESOLVED, OutboundEmail.Kind.SURVEY)
            and ticket.resolved_at
            else "",
        }
        if email.kind == OutboundEmail.Kind.OPENED:
            context.update(arrival_notice(ticket))
        subject = render_to_string(f"desk/email/{email.kind}_subject.txt", context).strip()
        body = render_to_string(f"desk/email/{email.kind}.txt", context)
    previous = thread_ids(ticket, exclude=email.message_id)
    headers = {
        "Message-ID": f"<{email.message_id}>",
        "Reply-To": settings.HELPDESK_EMAIL,
        "Auto-Submitted": "auto-generated" if email.kind != OutboundEmail.Kind.REPLY else "no",
        "X-CFDIDesk-Ticket": ticket.number,
    }
    if previous:
        headers["In-Reply-To"] = f"<{previous[-1]}>"
        headers["References"] = " ".join(f"<{m}>" for m in previous)
    return EmailMessage(
        subject=ticket_subject(ticket, subject), body=body, to=[email.to], headers=headers
    )
