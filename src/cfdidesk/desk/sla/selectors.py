"""Reads of the tickets' SLA: the running target's state as a query (service.sla.state's rules in
SQL), and the words the ticket list's `?sla=` filter uses for each state — one place for both."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cfdidesk.service import sla
from cfdidesk.service.sla import State

from ..models import Status, Ticket
from .columns import Clocks

# The `?sla=` values of the ticket list (pages, API, dashboard links): Spanish words in URLs people
# share, one per state a running target can be in.
SLUGS: dict[str, str] = {
    State.AT_RISK: "en-riesgo",
    State.BREACHED: "vencido",
    State.ON_TRACK: "a-tiempo",
}
STATE_OF_SLUG = {slug: state for state, slug in SLUGS.items()}
SLA_FILTERS = tuple(SLUGS.values())
LABELS = {
    State.AT_RISK: _("En riesgo"),
    State.BREACHED: _("Vencido"),
    State.ON_TRACK: _("A tiempo"),
}


def sla_filter_choices() -> list[tuple[str, str]]:
    """(slug, label) for the list's SLA filter, in the order it shows them."""
    return [(SLUGS[state], str(LABELS[state])) for state in SLUGS]


def sla_state_filter(state: str, now: dt.datetime) -> Q:
    """Tickets whose running SLA target is in `state` (State.BREACHED, AT_RISK or ON_TRACK) at
    `now`; any other value: every ticket with a running target. Only the partial sla_due and
    sla_risk indexes are read."""
    if state == State.BREACHED:
        return Q(sla_due__lte=now)
    if state == State.AT_RISK:
        return Q(sla_risk__lte=now, sla_due__gt=now)
    if state == State.ON_TRACK:
        return Q(sla_risk__gt=now)
    return Q(sla_due__isnull=False)


def sla_overview(ticket: Ticket, now: dt.datetime, *, clocks: Clocks | None = None) -> list[dict]:
    """Each target as the ticket page shows it: due instant, state and the time left (business time
    for a business clock, how late when breached). Reads the ticket only (and the compiled calendar)."""
    if ticket.sla_first_response_due is None:
        return []
    clock = (clocks or Clocks()).of(ticket)
    stopped = ticket.sla_stopped_at is not None
    rows = []
    for code, due, risk, done_at in (
        (
            "first_response",
            ticket.sla_first_response_due,
            ticket.sla_first_response_risk,
            ticket.first_response_at,
        ),
        (
            "resolution",
            ticket.sla_resolution_due,
            ticket.sla_resolution_risk,
            ticket.resolved_at if ticket.status in (Status.RESOLVED, Status.CLOSED) else None,
        ),
    ):
        if due is None:  # both targets are set together; a ticket without them returned above
            continue
        state = sla.state(now=now, due=due, risk=risk, done_at=done_at, paused=stopped)
        # While the clock is stopped the time left stays what it was when it stopped.
        since = ticket.sla_stopped_at if stopped and now < due else None
        left = sla.time_left(clock, now=since or now, due=due)
        rows.append(
            {
                "target": code,
                "due": due,
                "risk": risk,
                "state": state,
                "left": left,
                "business": not ticket.sla_around_the_clock,
                "done_at": done_at,
            }
        )
    return rows
