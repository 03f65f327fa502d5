"""Generator throughput with the sandbox adapter: documents per second of one worker.

A fresh database with one environment (SAT's test CSD of EKU9003173C9, credits loaded, generator
running) and N movements received through movements_receive (their pipeline tasks only queued).
Then, in this one process and thread — one worker — pipeline_run() takes them all: mapping with
satcfdi, structure validation (SAT's XSD + the SAT rules), folio, seal with the CSD (RSA-SHA256),
the sandbox PAC (XSD again, seal verification, TimbreFiscalDigital 1.1 sealed with its own test
CSD) and the writes (documents, XML, history, debug log, folio counter, credits). Prints
documents per second, the time split by step (measured by wrapping each function) and checks
that every document is stamped, with folios 1..N. Target: at least 100 documents per second.

    .venv/bin/python bench/invoicing_generator.py [--documents 2000] [--batch 100]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict

import _common as bench
import _invoicing

TARGET_RATE = 100.0


def _timed(module, name: str, bucket: dict, key: str) -> None:
    original = getattr(module, name)

    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            bucket[key] += time.perf_counter() - start

    setattr(module, name, wrapper)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=2_000)
    parser.add_argument("--batch", type=int, default=100)
    args = parser.parse_args()
    label = f"invoicing_generator_{bench.count_label(args.documents)}_{bench.vendor_label()}"

    with bench.fresh_database():
        from cfdidesk.invoicing import services
        from cfdidesk.invoicing.adapters import get_adapter
        from cfdidesk.invoicing.adapters.sandbox import SandboxAdapter
        from cfdidesk.invoicing.models import Document, FolioCounter, State
        from cfdidesk.invoicing.services import generate, pipeline, prepare

        actor, env = _invoicing.environment(running=True, credits=args.documents)
        movements = _invoicing.movements(args.documents)
        for start in range(0, len(movements), 1000):
            services.movements_receive(
                environment=env, payloads=movements[start : start + 1000], actor=actor
            )
        get_adapter("sandbox")  # the adapter's own CSD loads once per process

        split: dict[str, float] = defaultdict(float)
        for step in (prepare, generate):
            _timed(step, "build", split, "map")
            _timed(step, "batch_save", split, "store")
        _timed(prepare, "structure_issues", split, "validate")
        _timed(generate, "seal", split, "seal")
        _timed(SandboxAdapter, "stamp", split, "stamp")
        with bench.Timer() as run:
            done = pipeline.pipeline_run(environment_id=env.pk, batch_size=args.batch)
        stamped = Document.objects.filter(state=State.STAMPED).count()
        folios = list(Document.objects.order_by("id").values_list("folio", flat=True))
        others = dict(
            Document.objects.exclude(state=State.STAMPED).values_list("movement_id", "state")[:5]
        )
        counter = FolioCounter.objects.get(environment=env).last

    bench.machine_note(label)
    rate = args.documents / run.seconds
    ok = rate >= TARGET_RATE
    print(
        f"{label}: documents={args.documents} seconds={run.seconds:.2f} rate={rate:,.0f}/s "
        f"per_document={run.seconds / args.documents * 1000:.2f}ms target>={TARGET_RATE:.0f}/s {bench.verdict(ok)}"
    )
    accounted = sum(split.values())
    print(
        f"# {label}: per document "
        + " ".join(f"{k}={v / args.documents * 1000:.2f}ms" for k, v in split.items())
        + f" other={(run.seconds - accounted) / args.documents * 1000:.2f}ms (map and validate run twice: PRE, then sealed)"
    )
    if (
        stamped != args.documents
        or folios != list(range(1, args.documents + 1))
        or counter != args.documents
        or done != 2 * args.documents
    ):
        print(
            f"# {label}: UNEXPECTED stamped={stamped} counter={counter} done={done} not stamped: {others}"
        )
        return 2
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
