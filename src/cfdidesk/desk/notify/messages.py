"""The EmailMessage of each queued e-mail: customer e-mails threaded on the ticket, alerts to staff
on their own thread. Reads only what was decided when the e-mail was queued (the ticket, its
timeline entry), never decides anything again at sending time."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from cfdidesk.core.dates import date_words

from ..models import OutboundEmail, Ticket, TicketEvent
from .links import survey_url, ticket_url


def ticket_subject(ticket: Ticket, text: str) -> str:
    """Every subject carries [#number] so that replies thread back to the ticket."""
    return f"[#{ticket.number}] {text}"


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


def arrival_notice(event: TicketEvent | None) -> dict:
    """For the opening e-mail: whether someone on duty was alerted, or from when the ticket will be
    attended, as ticket creation recorded it on the opening entry (desk.oncall.arrival decides)."""
    arrival = ((event.data or {}) if event else {}).get("arrival") or {}
    if arrival.get("oncall_alerted"):
        return {"oncall_alerted": True, "attend_from": ""}
    if not arrival.get("attend_at"):
        return {"oncall_alerted": False, "attend_from": ""}
    attend_at = dt.datetime.fromisoformat(arrival["attend_at"])
    tz = ZoneInfo(arrival["tz"]) if arrival.get("tz") else None
    # Translators: how the opening e-mail writes the instant a ticket will be attended (Django date format).
    return {
        "oncall_alerted": False,
        "attend_from": date_words(attend_at, _("l j \\d\\e F, H:i"), tz),
    }


def _alert_message(email: OutboundEmail) -> EmailMessage:
    """An alert to a person on staff: its own thread, never the customer's, no Reply-To the helpdesk."""
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
        return _alert_message(email)
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
            context.update(arrival_notice(email.event))
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
