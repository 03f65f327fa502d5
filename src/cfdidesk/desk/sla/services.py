"""Writes of the tickets' SLA columns that are not part of a ticket's own change."""

from __future__ import annotations

from django.db import transaction

from cfdidesk.core.tasks import enqueue_on_commit
from cfdidesk.service.selectors import sla_policy_table, targets_from_table

from ..models import OPEN, Ticket
from .columns import NO_SLA, Clocks, sla_targets_fields

RECOMPUTE_TASK = "cfdidesk.desk.sla.tasks.recompute_sla"


def sla_policy_changed(*, priority: int | None, company_id: int | None) -> None:
    """A policy was saved or deleted: once that commits, the worker counts the due times of the
    open tickets it governs again (sla_recompute_open), whatever their number."""
    enqueue_on_commit(RECOMPUTE_TASK, priority, company_id)


def sla_recompute_open(
    *, priority: int | None = None, company_id: int | None = None, batch: int = 2000
) -> int:
    """Count the due times of the open tickets again after a policy changed (of that priority, and of
    that company when the policy was a company's). A few queries per batch, whatever the number of tickets."""
    table = sla_policy_table()
    clocks = Clocks()
    tickets = Ticket.objects.filter(OPEN)
    if priority is not None:
        tickets = tickets.filter(priority=priority)
    if company_id is not None:
        tickets = tickets.filter(company_id=company_id)
    columns = ("id", "priority", "company_id", "created_at", "sla_stopped", *NO_SLA)
    done, last = 0, 0
    while True:
        with transaction.atomic():
            rows = list(
                tickets.filter(pk__gt=last)
                .order_by("pk")
                .only(*columns)
                .select_for_update(of=("self",))[:batch]
            )
            if not rows:
                return done
            for ticket in rows:
                targets = targets_from_table(
                    table, priority=ticket.priority, company_id=ticket.company_id
                )
                for name, value in sla_targets_fields(
                    ticket, targets=targets, clocks=clocks
                ).items():
                    setattr(ticket, name, value)
            Ticket.objects.bulk_update(rows, list(NO_SLA), batch_size=500)
        done += len(rows)
        last = rows[-1].pk
