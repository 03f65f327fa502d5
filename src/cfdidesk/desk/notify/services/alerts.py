"""Alerts to staff about a ticket: an e-mail to each person and a POST to each active webhook.

Used by escalation, the SLA sweep (at risk, breached) and the off-hours on-call alert. Every alert
is on the ticket's timeline (an internal "escalation" entry), which the e-mail is rendered from.
Queued in the caller's transaction and sent by the worker after it commits; any number of alerts
costs the same handful of queries.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.conf import settings

from cfdidesk.core.people import display_name
from cfdidesk.core.tasks import enqueue_on_commit
from cfdidesk.customers.models import Company

from ...models import AlertWebhook, OutboundEmail, Ticket, TicketEvent, WebhookDelivery
from ..links import message_id, ticket_url
from .outbox import emails_insert

DELIVER_TASK = "cfdidesk.desk.notify.tasks.deliver_webhooks"

ESCALATION = "escalation"
SLA_AT_RISK = "sla_at_risk"
SLA_BREACHED = "sla_breached"
ONCALL_ALERT = "oncall_alert"
EVENTS = (ESCALATION, SLA_AT_RISK, SLA_BREACHED, ONCALL_ALERT)


@dataclass(frozen=True)
class Alert:
    """One alert: who hears about which ticket, why (`trigger`, the webhook's event) and what to say.

    `event`: the timeline entry the caller already wrote (an escalation); without it one is written.
    `level`: the escalation level to report (the ticket's own by default). `data`: more for the entry.
    """

    ticket: Ticket
    users: Sequence
    trigger: str
    text: str
    event: TicketEvent | None = None
    level: int | None = None
    data: dict = field(default_factory=dict)


def _person(user) -> dict:
    return {"id": user.pk, "name": display_name(user), "email": user.email}


def staff_alert(
    *,
    ticket: Ticket,
    users: Sequence,
    trigger: str,
    text: str,
    event: TicketEvent | None = None,
    level: int | None = None,
    data: dict | None = None,
) -> TicketEvent:
    """Alert `users` about one ticket; returns its timeline entry."""
    return staff_alert_many(alerts=[Alert(ticket, users, trigger, text, event, level, data or {})])[
        0
    ]


def staff_alert_many(*, alerts: Iterable[Alert | tuple]) -> list[TicketEvent]:
    """Many alerts at once, e.g. (ticket, users, trigger, text) tuples from the SLA sweep.

    At most six queries whatever the number of alerts: the timeline entries, the e-mails (and their
    ids where the database does not return them), the active webhooks, the companies not loaded
    yet and the deliveries. Returns the timeline entries, in the order of `alerts`."""
    items = [item if isinstance(item, Alert) else Alert(*item) for item in alerts]
    if not items:
        return []
    for alert in items:
        if alert.trigger not in EVENTS:
            raise ValueError(f"unknown alert trigger {alert.trigger!r}; one of {EVENTS}")
    events = _timeline(items)
    _queue_emails(items, events)
    delivery_ids = _queue_deliveries(items)
    if delivery_ids:
        enqueue_on_commit(DELIVER_TASK, delivery_ids)
    return events


def _unique(users: Iterable) -> list:
    seen, out = set(), []
    for user in users:
        if user is not None and user.pk not in seen:
            seen.add(user.pk)
            out.append(user)
    return out


def _timeline(alerts: list[Alert]) -> list[TicketEvent]:
    new = {}
    for i, alert in enumerate(alerts):
        if alert.event is None:
            level = alert.level if alert.level is not None else alert.ticket.escalation_level
            new[i] = TicketEvent(
                ticket=alert.ticket,
                kind=TicketEvent.Kind.ESCALATION,
                is_public=False,
                body="",
                data={
                    "trigger": alert.trigger,
                    "level": level,
                    "text": alert.text,
                    "to": [{"id": u.pk, "name": display_name(u)} for u in _unique(alert.users)],
                    **alert.data,
                },
            )
    if new:
        TicketEvent.objects.bulk_create(list(new.values()))  # both databases return the new ids
    events = []
    for i, alert in enumerate(alerts):
        event = new.get(i, alert.event)
        assert event is not None  # written above when the caller gave none
        events.append(event)
    return events


def _queue_emails(alerts: list[Alert], events: list[TicketEvent]) -> list[int]:
    rows = [
        OutboundEmail(
            ticket=alert.ticket,
            event=event,
            kind=OutboundEmail.Kind.ALERT,
            to=user.email,
            language=settings.LANGUAGE_CODE,
            message_id=message_id(),
        )
        for alert, event in zip(alerts, events, strict=True)
        for user in _unique(alert.users)
        if user.email
    ]
    return emails_insert(rows=rows)


def _queue_deliveries(alerts: list[Alert]) -> list[int]:
    hooks = list(AlertWebhook.objects.filter(is_active=True).only("pk"))
    if not hooks:
        return []
    missing = {a.ticket.company_id for a in alerts if not Ticket.company.is_cached(a.ticket)}
    names = (
        dict(Company.objects.filter(pk__in=missing).values_list("pk", "legal_name"))
        if missing
        else {}
    )
    rows = []
    for alert in alerts:
        ticket = alert.ticket
        company = (
            ticket.company.legal_name
            if Ticket.company.is_cached(ticket)
            else names.get(ticket.company_id, "")
        )
        base = {
            "event": alert.trigger,
            "ticket": ticket.number,
            "subject": ticket.subject,
            "priority": int(ticket.priority),
            "priority_label": str(ticket.get_priority_display()),
            "company": company,
            "level": alert.level if alert.level is not None else ticket.escalation_level,
            "text": alert.text,
            "url": ticket_url(ticket),
        }
        people: list[dict | None] = [
            {"name": p["name"], "email": p["email"]} for p in map(_person, _unique(alert.users))
        ] or [None]
        for hook in hooks:
            for to in people:  # one message per person: an SMS gateway texts one number at a time
                rows.append(
                    WebhookDelivery(
                        webhook=hook, ticket=ticket, event=alert.trigger, payload={**base, "to": to}
                    )
                )
    WebhookDelivery.objects.bulk_create(rows)
    return [row.pk for row in rows]
