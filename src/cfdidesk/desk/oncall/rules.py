"""The on-call rules that need no database: which tickets call the consultant on duty out of hours."""

from __future__ import annotations

import datetime as dt

from ..models import Kind, Priority, Ticket

IN_HOURS = "in_hours"
ONCALL = "oncall"
WAIT = "wait"


def is_oncall_matter(ticket: Ticket) -> bool:
    """Only an incident that stops the customer's operation calls the consultant on duty; requests
    and new projects always wait for office hours (seed 001)."""
    return ticket.kind == Kind.INCIDENT and (
        ticket.affects_operation or int(ticket.priority) == Priority.CRITICAL
    )


def arrival_route(ticket: Ticket, calendar) -> tuple[str, dt.datetime | None]:
    """What a ticket created at ticket.created_at gets: IN_HOURS, ONCALL (alert the consultant on
    duty now) or WAIT with the instant it will be attended. The one rule."""
    arrived = ticket.created_at
    if calendar.is_open(arrived):
        return IN_HOURS, None
    if is_oncall_matter(ticket):
        return ONCALL, None
    return WAIT, calendar.next_open(arrived)
