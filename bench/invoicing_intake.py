"""Movements intake: 10,000 movements through POST /api/v1/environments/{id}/movements, in batches.

A fresh database with one environment (SAT's test CSD of EKU9003173C9) and an API token. The
movements are generated first (1–5 concepts, receptors SAT accepts, IVA and some ISR
withholdings, PUE and PPD), then sent through `django.test.Client` with the bearer token (real
middleware, JSON parsing, authentication, the batch service, its checks and its writes) in
batches of INVOICING_BATCH_MAX (1,000). Tasks use the database backend, so each batch only
queues its pipeline task, as in production. The same batches sent again must all come back
"ya recibido" (timed too). Prints total seconds, movements per second, per-batch p50/max, SQL
queries per batch, and checks the counts. Target: 10,000 movements in under 10 s.

    .venv/bin/python bench/invoicing_intake.py [--movements 10000]
"""

from __future__ import annotations

import argparse
import json
import sys
import time

import _common as bench
import _invoicing

TARGET_S = 10.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--movements", type=int, default=10_000)
    args = parser.parse_args()
    label = f"invoicing_intake_{bench.count_label(args.movements)}_{bench.vendor_label()}"

    with bench.fresh_database():
        from django.conf import settings
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext

        from cfdidesk.accounts.services import token_create
        from cfdidesk.invoicing.models import Document, DocumentTransition, LogLine, Movement

        actor, env = _invoicing.environment(running=True, credits=0)
        _token, raw = token_create(user=actor, name="bench")
        client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
        url = f"/api/v1/environments/{env.pk}/movements"
        size = settings.INVOICING_BATCH_MAX
        movements = _invoicing.movements(args.movements)
        bodies = [
            json.dumps(movements[i : i + size]).encode() for i in range(0, len(movements), size)
        ]
        from cfdidesk.invoicing.movements import normalize_movement

        normalize_movement(movements[0])  # SAT's catalogs load once per process, not per batch

        times, queries = [], []
        with bench.Timer() as total:
            for body in bodies:
                start = time.perf_counter()
                with CaptureQueriesContext(connection) as captured:
                    response = client.post(url, data=body, content_type="application/json")
                times.append(time.perf_counter() - start)
                queries.append(len(captured))
                if response.status_code != 202:
                    print(
                        f"# {label}: UNEXPECTED {response.status_code} {response.content[:500]!r}"
                    )
                    return 2
        with bench.Timer() as again:
            repeats = [
                client.post(url, data=body, content_type="application/json").json()
                for body in bodies[:2]
            ]

        counts = (
            Movement.objects.count(),
            Document.objects.count(),
            DocumentTransition.objects.count(),
            LogLine.objects.filter(stage="intake").count(),
        )
        already = sum(r["already_received"] for r in repeats)

    bench.machine_note(label)
    ok = total.seconds < TARGET_S
    rate = args.movements / total.seconds
    print(
        f"{label}: total={total.seconds:.2f}s rate={rate:,.0f}/s batches={len(bodies)}x{size} "
        f"batch_p50={bench.median(times) * 1000:.0f}ms batch_max={max(times) * 1000:.0f}ms "
        f"queries_per_batch={max(queries)} target<{TARGET_S:.0f}s {bench.verdict(ok)}"
    )
    print(
        f"# {label}: resend of {min(2, len(bodies))} batches: {already} ya recibido in {again.seconds:.2f}s; "
        f"rows movements={counts[0]} documents={counts[1]} history={counts[2]} log={counts[3]}"
    )
    if (
        counts[:2] != (args.movements, args.movements)
        or already != min(2, len(bodies)) * size
        and len(bodies) > 1
    ):
        print(f"# {label}: UNEXPECTED counts {counts} already={already}")
        return 2
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
