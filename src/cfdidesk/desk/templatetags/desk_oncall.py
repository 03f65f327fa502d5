"""Escalation on the ticket page: the timeline line of an escalation or alert, and the "Escalar" box."""

from django import template
from django.utils.translation import gettext as _

from cfdidesk.accounts.roles import has_capability
from cfdidesk.core.dates import date_words, span_text

from ..models import OPEN_STATUSES
from ..oncall.selectors import escalation_state

register = template.Library()


def _names(to) -> str:
    people = [to] if isinstance(to, dict) else (to or [])
    return ", ".join(p.get("name", "") for p in people if p)


@register.filter
def escalation_summary(event) -> str:
    """One readable line for a timeline entry of kind "escalation" (escalations and staff alerts)."""
    data = event.data or {}
    trigger = data.get("trigger", "manual")
    values = {
        "level": data.get("level", ""),
        "title": data.get("title", ""),
        "names": _names(data.get("to")),
    }
    if trigger == "oncall_alert":
        if not values["names"]:
            return _("Fuera de horario: no había nadie de guardia a quién avisar.")
        if data.get("fallback"):
            return _("Fuera de horario y sin nadie de guardia: se avisó a %(names)s.") % values
        return _("Fuera de horario: se avisó a la guardia (%(names)s).") % values
    if not data.get(
        "title"
    ):  # an alert that moved no level (e.g. the SLA sweep at the chain's end)
        label = {"sla_at_risk": _("SLA en riesgo"), "sla_breached": _("SLA incumplido")}.get(
            trigger, _("Aviso")
        )
        return f"{label}: {_('se avisó a %(names)s.') % values}" if values["names"] else f"{label}."
    if trigger == "sla_at_risk":
        return (
            _(
                "Escalamiento automático por SLA en riesgo al nivel %(level)s (%(title)s): %(names)s."
            )
            % values
        )
    if trigger == "sla_breached":
        return (
            _(
                "Escalamiento automático por SLA incumplido al nivel %(level)s (%(title)s): %(names)s."
            )
            % values
        )
    return _("Escaló al nivel %(level)s (%(title)s): %(names)s.") % values


@register.filter
def when(moment, fmt: str = "l d/m/Y H:i") -> str:
    """A date with its weekday, written as the language writes it («sábado 21/11/2026 14:00»)."""
    return date_words(moment, fmt) if moment else ""


@register.filter
def gap_text(span) -> str:
    """«Sin guardia: sábado 21/11 14:00 – lunes 23/11 09:00»."""
    return _("Sin guardia: %(span)s") % {"span": span_text(*span)}


@register.inclusion_tag("desk/_escalation.html", takes_context=True)
def escalation_box(context, ticket):
    request = context.get("request")
    can_edit = request is not None and has_capability(request.user, "tickets.edit")
    return {
        "ticket": ticket,
        "state": escalation_state(ticket),
        "can_edit": can_edit,
        "is_open": ticket.status in OPEN_STATUSES,
        "csrf_token": context.get("csrf_token"),
    }
