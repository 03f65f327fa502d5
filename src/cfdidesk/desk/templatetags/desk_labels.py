"""Readable labels and badges for the codes stored on tickets and timeline events.

Filters rather than includes or get_FOO_display: they run once per row of long lists and
timelines, and a dict lookup is what that costs.
"""

from django import template
from django.core.exceptions import FieldDoesNotExist
from django.utils.html import format_html

from ..models import PROTOCOL_STEPS, Priority, Status, Ticket, TicketEvent

register = template.Library()
_STEPS = dict(PROTOCOL_STEPS)
_STATUS_LABELS = dict(Status.choices)
_PRIORITY_LABELS = dict(Priority.choices)
_EVENT_LABELS = dict(TicketEvent.Kind.choices)
_STATUS_BADGE = {Status.RESOLVED: "badge--ok", Status.CLOSED: "badge--ok", Status.NEW: "badge--info",
                 Status.OPEN: "badge--warn"}
_PRIORITY_BADGE = {Priority.CRITICAL: "badge--err", Priority.HIGH: "badge--warn"}
_EVENT_BADGE = {"note": "badge--warn", "reply": "badge--info", "customer_reply": "badge--info"}


@register.filter
def status_badge(ticket) -> str:
    return format_html('<span class="badge {}" data-status="{}">{}</span>', _STATUS_BADGE.get(ticket.status, ""),
                       ticket.status, _STATUS_LABELS.get(ticket.status, ticket.status))


@register.filter
def priority_badge(ticket) -> str:
    return format_html('<span class="badge {}">{}</span>', _PRIORITY_BADGE.get(ticket.priority, ""),
                       _PRIORITY_LABELS.get(ticket.priority, ticket.priority))


@register.filter
def event_badge(event) -> str:
    return format_html('<span class="badge {}">{}</span>', _EVENT_BADGE.get(event.kind, ""),
                       _EVENT_LABELS.get(event.kind, event.kind))


@register.filter
def status_label(code: str) -> str:
    try:
        return str(Status(code).label)
    except ValueError:
        return code


@register.filter
def step_label(code: str) -> str:
    return str(_STEPS.get(code, code))


@register.filter
def field_label(name: str) -> str:
    try:
        return str(Ticket._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name
