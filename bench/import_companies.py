"""Bulk load of customers: a valid CSV of 100,000 rows through the real import service.

import_job_create (what the upload view calls) and then import_job_run (what the worker calls),
in a child process that does nothing else, so its peak RSS is the import's.
Target: at most 10 s end to end and peak memory under 300 MB, on SQLite and on PostgreSQL.

    .venv/bin/python bench/import_companies.py [--rows 100000]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cfdidesk_bench .venv/bin/python bench/import_companies.py
"""

from __future__ import annotations

import argparse
import sys
import time

import _common as bench

TARGET_SECONDS = 10.0
TARGET_PEAK_MB = 300.0


def child(csv_path: str, username: str) -> None:
    bench.django_setup()
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile

    from cfdidesk.customers import services
    from cfdidesk.customers.models import ImportJob
    from cfdidesk.customers.services import imports

    phases: dict[str, float] = {}

    def timed(name, fn):
        def wrapper(*args, **kwargs):
            start = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                phases[name] = time.perf_counter() - start

        return wrapper

    # Split import_job_run's time into its two halves without changing it.
    imports._validate = timed("validate", imports._validate)
    imports._write = timed("write", imports._write)

    actor = get_user_model().objects.get(username=username)
    base_rss = bench.rss_mb()
    start = time.perf_counter()
    with open(csv_path, "rb") as f:
        upload = SimpleUploadedFile("clientes.csv", f.read(), content_type="text/csv")
    job = services.import_job_create(actor=actor, upload=upload, mode="create")
    created_at = time.perf_counter()
    services.import_job_run(job_id=job.pk)
    total = time.perf_counter() - start
    job = ImportJob.objects.get(pk=job.pk)
    bench.child_result(
        {
            "total": total,
            "create": created_at - start,
            "run": total - (created_at - start),
            "validate": phases.get("validate", 0.0),
            "write": phases.get("write", 0.0),
            "peak_rss": bench.peak_rss_mb(),
            "base_rss": base_rss,
            "state": job.state,
            "created": job.created_count,
            "invalid": job.invalid_rows,
            "warnings": job.warning_rows,
            "message": job.message,
            "bytes": job.size_bytes,
        }
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    label = f"import_{bench.count_label(args.rows)}_{bench.vendor_label()}"

    with bench.fresh_database():
        import os

        from cfdidesk.customers import csv_format

        bench.admin_user()
        factory = bench.CompanyFactory()
        csv_path = os.path.join(os.environ["CFDIDESK_VAR_DIR"], "clientes.csv")
        with bench.Timer() as gen, open(csv_path, "w", encoding="utf-8", newline="") as f:
            f.writelines(csv_format.csv_lines(factory.rows(args.rows)))
        print(
            f"# {label}: generated {args.rows} rows, {os.path.getsize(csv_path) / 1e6:.1f} MB in {gen.seconds:.1f}s"
        )

        r = bench.run_child(__file__, csv_path, "bench-admin")
        from cfdidesk.customers.models import Company

        in_db = Company.objects.count()

    bench.machine_note(label)
    ok_rows = r["state"] == "done" and r["created"] == args.rows and in_db == args.rows
    ok_time = r["total"] <= TARGET_SECONDS
    ok_mem = r["peak_rss"] < TARGET_PEAK_MB
    print(
        f"{label}: total={r['total']:.1f}s create={r['create']:.1f}s validate={r['validate']:.1f}s "
        f"write={r['write']:.1f}s peak_rss={r['peak_rss']:.0f}MB (+{r['peak_rss'] - r['base_rss']:.0f}MB over "
        f"{r['base_rss']:.0f}MB at start) rows={r['created']} warnings={r['warnings']} "
        f"time={bench.verdict(ok_time)} memory={bench.verdict(ok_mem)}"
    )
    if not ok_rows:
        print(
            f"# {label}: UNEXPECTED job state={r['state']} created={r['created']} invalid={r['invalid']} "
            f"in_db={in_db}: {r['message']}"
        )
        return 2
    return 0 if ok_time and ok_mem else 1


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == bench.CHILD_FLAG:
        child(*sys.argv[2:])
    else:
        sys.exit(main())
