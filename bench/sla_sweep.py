"""The periodic SLA sweep over 100,000 open tickets.

A fresh database gets one team with a two-level escalation chain, consultants, and N open tickets
whose running targets are spread the way a busy desk has them: most on track, some already
breached and alerted by earlier sweeps, and a share that became at risk or breached since the last
sweep (by default 5 % and 1 %). One sweep (desk.services.sla_sweep.sla_sweep, what `cfdidesk
worker` runs every minute) is timed end to end with its SQL queries counted; a second sweep right
after must find nothing. Target: under 5 s with a bounded number of queries (per batch of 500).

    .venv/bin/python bench/sla_sweep.py [--tickets 100000] [--at-risk 0.05] [--breached 0.01]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cfdidesk_bench_sweep .venv/bin/python bench/sla_sweep.py
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time

import _common as bench

TARGET_SECONDS = 5.0


def load(
    n: int, at_risk: float, breached: float, now: dt.datetime, rng: random.Random
) -> dict[str, int]:
    from cfdidesk.accounts import roles
    from cfdidesk.accounts.services import user_create
    from cfdidesk.customers.models import Company
    from cfdidesk.desk.models import EscalationStep, Status, Team, Ticket

    team = Team.objects.create(name="Timbrado")
    staff = [
        user_create(
            username=f"consultor{i}",
            password="una-clave-segura-123",
            role=roles.CONSULTANT,
            email=f"consultor{i}@proveedor.mx",
        )
        for i in range(20)
    ]
    boss = user_create(
        username="supervisora",
        password="una-clave-segura-123",
        role=roles.SUPERVISOR,
        email="supervisora@proveedor.mx",
    )
    manager = user_create(
        username="gerente",
        password="una-clave-segura-123",
        role=roles.ADMINISTRATOR,
        email="gerente@proveedor.mx",
    )
    EscalationStep.objects.create(team=team, level=1, title="Supervisora", user=boss)
    EscalationStep.objects.create(team=team, level=2, title="Gerente", user=manager)
    from cfdidesk.customers import csv_format

    factory = bench.CompanyFactory()
    Company.objects.bulk_create(
        [Company(**dict(zip(csv_format.FIELDS, row, strict=True))) for row in factory.rows(200)]
    )
    companies = list(Company.objects.values_list("pk", flat=True))

    h = dt.timedelta(hours=1)
    expected = {"at_risk": 0, "breached": 0}
    rows = []
    for i in range(n):
        draw = rng.random()
        if draw < breached:  # breached since the last sweep
            due, risk, alerted = now - rng.random() * h, now - 3 * h, now - 3 * h
            expected["breached"] += 1
        elif draw < breached + at_risk:  # at risk since the last sweep
            due, risk, alerted = now + rng.random() * 2 * h, now - rng.random() * h, None
            expected["at_risk"] += 1
        elif draw < breached + at_risk + 0.30:  # breached long ago, already alerted
            due = now - rng.random() * 400 * h
            risk, alerted = due - 2 * h, due
        else:  # on track
            due = now + (3 + rng.random() * 60) * h
            risk, alerted = due - 2 * h, None
        rows.append(
            Ticket(
                number=f"2026-{i + 1:06d}",
                company_id=rng.choice(companies),
                subject=f"Reporte {i}",
                status=Status.OPEN,
                team=team,
                assignee=rng.choice(staff),
                first_response_at=now - 10 * h,
                sla_first_response_due=due - 10 * h,
                sla_first_response_risk=risk - 10 * h,
                sla_resolution_due=due,
                sla_resolution_risk=risk,
                sla_risk_alerted=alerted,
                sla_breach_alerted=alerted if alerted and due <= now else None,
            )
        )
    with bench.Timer() as t:
        Ticket.objects.bulk_create(rows, batch_size=2000)
    print(f"# loaded {n} open tickets in {t.seconds:.1f}s")
    return expected


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--at-risk", type=float, default=0.05)
    parser.add_argument("--breached", type=float, default=0.01)
    args = parser.parse_args()
    label = f"sla_sweep_{bench.count_label(args.tickets)}_{bench.vendor_label()}"
    with bench.fresh_database():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext
        from django.utils import timezone

        from cfdidesk.desk.oncall.services.sweep import sla_sweep

        now = timezone.now()
        expected = load(args.tickets, args.at_risk, args.breached, now, random.Random(2026))
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            counts = sla_sweep(now=now)
            seconds = time.perf_counter() - start
        again_start = time.perf_counter()
        again = sla_sweep(now=now)
        again_seconds = time.perf_counter() - again_start
    bench.machine_note(label)
    ok_counts = counts == expected and again == {"breached": 0, "at_risk": 0}
    ok_time = seconds < TARGET_SECONDS
    batches = -(-expected["at_risk"] // 500) + -(-expected["breached"] // 500)
    print(
        f"{label}: sweep={seconds:.2f}s alerted at_risk={counts['at_risk']} breached={counts['breached']} "
        f"queries={len(queries)} ({batches} batches of 500) second_sweep={again_seconds * 1000:.0f}ms "
        f"found={again} time={bench.verdict(ok_time)}"
    )
    if not ok_counts:
        print(f"# {label}: UNEXPECTED counts {counts} (expected {expected}), second sweep {again}")
        return 2
    return 0 if ok_time else 1


if __name__ == "__main__":
    sys.exit(main())
