"""Tickets that arrive out of office hours: an incident that stops the customer's operation alerts
the consultant on duty at once; anything else waits for the next opening (seed 001)."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from cfdidesk.core.people import display_name
from cfdidesk.service.selectors import load_calendar

from ...models import EscalationStep, Ticket
from ...notify.services.alerts import ONCALL_ALERT, staff_alert
from ..rules import IN_HOURS, ONCALL, WAIT, arrival_route
from ..selectors import oncall_now


def _first_levels(team) -> list:
    """Nobody on duty: the first level of the chain (seed 001: "escalar a su superior") of the
    ticket's team, or of every active team when it has none."""
    steps = (
        EscalationStep.objects.filter(user__is_active=True)
        .select_related("user")
        .order_by("team_id", "level")
    )
    steps = steps.filter(team=team) if team is not None else steps.filter(team__is_active=True)
    first: dict[int, EscalationStep] = {}
    for step in steps:
        first.setdefault(step.team_id, step)
    return [step.user for step in first.values()]


def _oncall_text(ticket: Ticket, users: list, fallback: bool) -> str:
    names = ", ".join(dict.fromkeys(display_name(u) for u in users))
    if not users:
        return _(
            "Ticket #%(number)s fuera de horario que afecta la operación del cliente: no hay nadie de guardia ni "
            "cadena de escalamiento a quién avisar."
        ) % {"number": ticket.number}
    if fallback:
        return _(
            "Ticket #%(number)s fuera de horario que afecta la operación del cliente. No hay nadie de guardia: "
            "avisamos a %(names)s."
        ) % {"number": ticket.number, "names": names}
    return _(
        "Ticket #%(number)s fuera de horario que afecta la operación del cliente: atiéndelo ahora. "
        "De guardia: %(names)s."
    ) % {"number": ticket.number, "names": names}


def ticket_arrival_route(*, ticket: Ticket, calendar=None) -> dict:
    """Call when a ticket has been created (inside its transaction). Out of office hours an
    on-call matter alerts the team's consultants on duty at once (every team's when the ticket has
    no team; the team's first escalation level when nobody is on duty) and notes it on the
    timeline; anything else waits, and the result says from when.

    Returns {"route": IN_HOURS|ONCALL|WAIT, "after_hours": bool, "attend_at": datetime|None,
    "alerted": [user ids], "event": TicketEvent|None, "notice": dict|None}; "notice" is what the
    opening e-mail tells the customer (None in office hours), kept on the ticket's opening entry.
    """
    calendar = calendar or load_calendar()
    route, attend_at = arrival_route(ticket, calendar)
    result = {
        "route": route,
        "after_hours": route != IN_HOURS,
        "attend_at": attend_at,
        "alerted": [],
        "event": None,
        "notice": None,
    }
    if route == WAIT:
        result["notice"] = _notice(attend_at, calendar, alerted=False)
    if route != ONCALL:
        return result
    team = ticket.team if ticket.team_id else None
    users = [shift.user for shift in oncall_now(team=team, at=ticket.created_at)]
    fallback = not users
    if fallback:
        users = _first_levels(team)
    result["event"] = staff_alert(
        ticket=ticket,
        users=users,
        trigger=ONCALL_ALERT,
        text=_oncall_text(ticket, users, fallback),
        data={"fallback": fallback},
    )
    result["alerted"] = list(dict.fromkeys(u.pk for u in users))
    # Promise what happened: when nobody could be alerted, the customer is told when we open.
    result["notice"] = _notice(
        None if users else calendar.next_open(ticket.created_at), calendar, alerted=bool(users)
    )
    return result


def _notice(attend_at: dt.datetime | None, calendar, *, alerted: bool) -> dict:
    return {
        "oncall_alerted": alerted,
        "attend_at": attend_at.isoformat() if attend_at else None,
        "tz": str(calendar.tz),
    }
