"""The periodic SLA sweep: tickets whose running target became at risk or breached are escalated
one level up their team's chain, and the consultant and that level are alerted.

Once per target: a ticket is marked with the due instant it was alerted for (sla_risk_alerted,
sla_breach_alerted), in the same transaction as the alert, under a row lock taken with SKIP LOCKED;
several workers sweeping at once, or a worker restarted mid-sweep, never alert twice. A new due
instant (priority changed, clock resumed) is a new target and may be alerted again.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F, Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from cfdidesk.service.sla import State

from ...models import EscalationStep, Ticket
from ...notify.services.alerts import SLA_AT_RISK, SLA_BREACHED, Alert, staff_alert_many
from ...sla.selectors import sla_state_filter
from ..selectors import next_step

BATCH = 500


def _target_name(ticket: Ticket) -> str:
    return _("primera respuesta") if ticket.first_response_at is None else _("resolución")


def _text(trigger: str, ticket: Ticket) -> str:
    due = formats.date_format(timezone.localtime(ticket.sla_due), "DATETIME_FORMAT")
    if trigger == SLA_BREACHED:
        return _("Venció el plazo de %(target)s del ticket #%(n)s (%(due)s).") % {
            "target": _target_name(ticket),
            "n": ticket.number,
            "due": due,
        }
    return _("El ticket #%(n)s está en riesgo: su plazo de %(target)s vence el %(due)s.") % {
        "target": _target_name(ticket),
        "n": ticket.number,
        "due": due,
    }


def _chains(team_ids: set[int]) -> dict[int, list[EscalationStep]]:
    chains: dict[int, list[EscalationStep]] = {}
    for step in (
        EscalationStep.objects.filter(team_id__in=team_ids).select_related("user").order_by("level")
    ):
        chains.setdefault(step.team_id, []).append(step)
    return chains


def _sweep_batch(trigger: str, due_filter: Q, marks: tuple[str, ...], now: dt.datetime) -> int:
    with transaction.atomic():
        tickets = list(
            Ticket.objects.filter(due_filter)
            .exclude(**{marks[0]: F("sla_due")})
            .select_related("assignee")
            .select_for_update(skip_locked=True, of=("self",))
            .only(
                "id",
                "number",
                "subject",
                "priority",
                "company_id",
                "team_id",
                "assignee",
                "escalation_level",
                "first_response_at",
                "sla_due",
                *marks,
            )
            .order_by("sla_due", "id")[:BATCH]
        )
        if not tickets:
            return 0
        chains = _chains({t.team_id for t in tickets if t.team_id})
        alerts: list[Alert] = []
        by_level: dict[int, list[int]] = {}  # the tickets each level is reached by
        for ticket in tickets:
            chain = chains.get(ticket.team_id, []) if ticket.team_id else []
            step = next_step(chain, ticket.escalation_level)
            if step is not None:
                ticket.escalation_level = step.level
                by_level.setdefault(step.level, []).append(ticket.pk)
            for mark in marks:
                setattr(ticket, mark, ticket.sla_due)
            users = [u for u in (ticket.assignee, step.user if step else None) if u is not None]
            alerts.append(
                Alert(
                    ticket,
                    users,
                    trigger,
                    _text(trigger, ticket),
                    level=ticket.escalation_level,
                    data={
                        "title": step.title if step else "",
                        "target": _target_name(ticket),
                        "automatic": True,
                    },
                )
            )
        # Set-based writes (bulk_update's CASE per row costs more than the rest of the sweep): the
        # marks copy each row's own sla_due; the levels take one UPDATE per level reached.
        Ticket.objects.filter(pk__in=[t.pk for t in tickets]).update(
            **{mark: F("sla_due") for mark in marks}
        )
        for level, pks in by_level.items():
            Ticket.objects.filter(pk__in=pks).update(escalation_level=level)
        staff_alert_many(alerts=alerts)
        return len(tickets)


def sla_sweep(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Alert and escalate every running target that is breached or at risk and was not alerted yet.

    Breaches first: a ticket already late gets the breach alert only (its at-risk mark is set too).
    """
    now = now or timezone.now()
    counts = {"breached": 0, "at_risk": 0}
    passes = (
        (
            "breached",
            SLA_BREACHED,
            sla_state_filter(State.BREACHED, now),
            ("sla_breach_alerted", "sla_risk_alerted"),
        ),
        ("at_risk", SLA_AT_RISK, sla_state_filter(State.AT_RISK, now), ("sla_risk_alerted",)),
    )
    for name, trigger, due_filter, marks in passes:
        while done := _sweep_batch(trigger, due_filter, marks, now):
            counts[name] += done
    return counts
