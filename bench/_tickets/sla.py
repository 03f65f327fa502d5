"""The SLA columns of generated tickets, as desk.services.sla writes them."""

from __future__ import annotations

import datetime as dt


class SlaTargets:
    """The SLA columns desk.services.sla would have written, from the database's SLA policies and
    business calendar (compiled once; generating processes inherit them).

    Due and at-risk instants are counted from creation with the policy of the ticket's priority
    (critical around the clock, the rest in office hours); a target is met when the response or
    resolution came by its due instant. Simplified: the time a ticket waited on the customer is not
    added to its targets; a stopped clock (waiting on the customer, resolved, closed) stopped at the
    ticket's last change.
    """

    def __init__(self):
        from django.db import connection

        from cfdidesk.service.selectors import load_calendar, sla_policy_table
        from cfdidesk.service.sla import AROUND_THE_CLOCK

        self.zero = (
            0 if connection.vendor == "sqlite" else "0"
        )  # DurationField: microseconds or interval
        self.by_priority = {}
        for (priority, company), t in sla_policy_table().items():
            if company is None:
                clock = AROUND_THE_CLOCK if t.around_the_clock else load_calendar(t.calendar_id)

                def share(d, s=t.at_risk_share):
                    return dt.timedelta(microseconds=int(d / dt.timedelta(microseconds=1) * s))

                self.by_priority[priority] = (
                    clock,
                    t.calendar_id,
                    t.around_the_clock,
                    t.first_response,
                    share(t.first_response),
                    t.resolution,
                    share(t.resolution),
                )

    def columns(
        self,
        ts,
        priority: int,
        created: float,
        status: str,
        last: float,
        first_response: float | None,
        resolved_at: float | None,
    ) -> tuple:
        policy = self.by_priority.get(priority)
        stopped_at = ts(last) if status in ("waiting_customer", "resolved", "closed") else None
        if policy is None:
            return (
                None,
                False,
                self.zero,
                stopped_at,
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                0,
            )
        clock, calendar_id, around, first, first_risk, resolution, resolution_risk = policy
        start = dt.datetime.fromtimestamp(created, dt.UTC)
        first_due, resolution_due = (
            clock.add(start, first).timestamp(),
            clock.add(start, resolution).timestamp(),
        )
        return (
            calendar_id,
            around,
            self.zero,
            stopped_at,
            ts(first_due),
            ts(clock.add(start, first_risk).timestamp()),
            ts(resolution_due),
            ts(clock.add(start, resolution_risk).timestamp()),
            None if first_response is None else first_response <= first_due,
            None if resolved_at is None else resolved_at <= resolution_due,
            None,
            None,
            0,
        )
