"""Readable labels and badges for the codes stored on tickets and timeline events.

Filters rather than includes or get_FOO_display: they run once per row of long lists and
timelines, and a dict lookup is what that costs.
"""

from django import template
from django.core.exceptions import FieldDoesNotExist
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from cfdidesk.service import sla

from ..models import PROTOCOL_STEPS, Priority, Status, Ticket, TicketEvent

register = template.Library()
_STEPS = dict(PROTOCOL_STEPS)
_STATUS_LABELS = dict(Status.choices)
_PRIORITY_LABELS = dict(Priority.choices)
_EVENT_LABELS = dict(TicketEvent.Kind.choices)
_STATUS_BADGE = {
    Status.RESOLVED: "badge--ok",
    Status.CLOSED: "badge--ok",
    Status.NEW: "badge--info",
    Status.OPEN: "badge--warn",
}
_PRIORITY_BADGE = {Priority.CRITICAL: "badge--err", Priority.HIGH: "badge--warn"}
_EVENT_BADGE = {"note": "badge--warn", "reply": "badge--info", "customer_reply": "badge--info"}


@register.filter
def status_badge(ticket) -> str:
    return format_html(
        '<span class="badge {}" data-status="{}">{}</span>',
        _STATUS_BADGE.get(ticket.status, ""),
        ticket.status,
        _STATUS_LABELS.get(ticket.status, ticket.status),
    )


@register.filter
def priority_badge(ticket) -> str:
    return format_html(
        '<span class="badge {}">{}</span>',
        _PRIORITY_BADGE.get(ticket.priority, ""),
        _PRIORITY_LABELS.get(ticket.priority, ticket.priority),
    )


@register.filter
def event_badge(event) -> str:
    return format_html(
        '<span class="badge {}">{}</span>',
        _EVENT_BADGE.get(event.kind, ""),
        _EVENT_LABELS.get(event.kind, event.kind),
    )


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


_SLA = {
    sla.State.ON_TRACK: ("badge--ok", _("A tiempo")),
    sla.State.AT_RISK: ("badge--warn", _("En riesgo")),
    sla.State.BREACHED: ("badge--err", _("Vencido")),
    sla.State.PAUSED: ("", _("En pausa")),
    sla.State.MET: ("badge--ok", _("Cumplido")),
    sla.State.MISSED: ("badge--err", _("Incumplido")),
}


@register.filter
def sla_badge(ticket, now) -> str:
    """The running target's state in a list row, from the row's own columns (no query)."""
    state = sla.state(now=now, due=ticket.sla_due, risk=ticket.sla_risk, done_at=None, paused=False)
    if state is None:
        return ""
    css, label = _SLA[state]
    return format_html(
        '<span class="badge {}" data-sla="{}" title="{}">{}</span>',
        css,
        state,
        date_format(localtime(ticket.sla_due), "SHORT_DATETIME_FORMAT"),
        label,
    )


@register.filter
def sla_state_badge(state: str) -> str:
    css, label = _SLA[state]
    return format_html('<span class="badge {}" data-sla="{}">{}</span>', css, state, label)


def _hours_minutes(value) -> str:
    minutes = int(abs(value).total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    if hours >= 48:  # past two days, hours are easier to read as days
        days, hours = divmod(hours, 24)
        return _("%(d)d d %(h)d h") % {"d": days, "h": hours}
    if hours and minutes:
        return _("%(h)d h %(m)d min") % {"h": hours, "m": minutes}
    return _("%(h)d h") % {"h": hours} if hours else _("%(m)d min") % {"m": minutes}


@register.filter
def sla_left(row: dict) -> str:
    """ "Quedan 3 h 20 min hábiles" or "Vencido hace 2 h" for one row of sla_overview."""
    if row["done_at"] is not None:
        return ""
    if row["left"].total_seconds() < 0:
        return _("Vencido hace %(t)s") % {"t": _hours_minutes(row["left"])}
    if row["business"]:
        return _("Quedan %(t)s hábiles") % {"t": _hours_minutes(row["left"])}
    return _("Quedan %(t)s") % {"t": _hours_minutes(row["left"])}


@register.filter
def routing_summary(event) -> str:
    """ "Asignado al equipo «X» por la regla «Y»" for a routing entry of the timeline."""
    data = event.data or {}
    parts = []
    if data.get("team") and data.get("rule"):
        parts.append(
            _("Asignado al equipo «%(team)s» por la regla «%(rule)s»")
            % {"team": data["team"], "rule": data["rule"]}
        )
    elif data.get("team"):
        parts.append(
            _("Asignado al equipo «%(team)s»: ninguna regla coincidió (equipo predeterminado)")
            % {"team": data["team"]}
        )
    if data.get("category"):
        parts.append(
            _("categoría «%(category)s» por la regla «%(rule)s»")
            % {"category": data["category"], "rule": data.get("rule") or "—"}
        )
    return "; ".join(str(p) for p in parts)


@register.filter
def merge_summary(event) -> str:
    data = event.data or {}
    if data.get("into"):
        return _("Fusionado con #%(n)s y cerrado") % {"n": data["into"]}
    return _("Se fusionó aquí el ticket #%(n)s") % {"n": data.get("from", "")}
