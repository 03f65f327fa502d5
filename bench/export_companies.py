"""Export of the whole customer catalog: GET /clientes/exportar.csv over 1,000,000 companies.

The data is loaded first; then a child process logs in as an administrator and streams the
export through the real view and middleware (django.test.Client), counting bytes and rows.
Its RSS increase during the export is the figure. Target: memory under 200 MB.

    .venv/bin/python bench/export_companies.py [--rows 1000000]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cfdidesk_bench .venv/bin/python bench/export_companies.py
"""

from __future__ import annotations

import argparse
import sys
import time

import _common as bench

TARGET_MB = 200.0


def child(username: str) -> None:
    bench.django_setup()
    client = bench.logged_in_client(username)
    client.get("/clientes/")  # warm up templates, translations and the session
    base_rss = bench.rss_mb()
    reset = bench.reset_peak_rss()
    start = time.perf_counter()
    response = client.get("/clientes/exportar.csv")
    assert response.status_code == 200, response.status_code
    assert response.streaming, "the export is expected to stream"
    first_byte = None
    size = lines = 0
    for chunk in response.streaming_content:
        if first_byte is None:
            first_byte = time.perf_counter() - start
        size += len(chunk)
        lines += chunk.count(b"\n")
    response.close()
    seconds = time.perf_counter() - start
    bench.child_result(
        {
            "seconds": seconds,
            "first_byte": first_byte or 0.0,
            "bytes": size,
            "rows": lines - 1,
            "base_rss": base_rss,
            "peak_rss": bench.peak_rss_mb(),
            "peak_reset": reset,
            "content_type": response["Content-Type"],
        }
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    label = f"export_{bench.count_label(args.rows)}_{bench.vendor_label()}"

    with bench.fresh_database():
        bench.admin_user()
        factory = bench.CompanyFactory()
        load = bench.load_company_rows(factory.db_rows(args.rows), factory.db_columns())
        del factory
        print(f"# {label}: loaded {args.rows} companies in {load:.1f}s")
        r = bench.run_child(__file__, "bench-admin")

    bench.machine_note(label)
    increase = r["peak_rss"] - r["base_rss"]
    ok_rows = r["rows"] == args.rows
    ok_mem = increase < TARGET_MB and r["peak_reset"]
    print(
        f"{label}: total={r['seconds']:.1f}s first_byte={r['first_byte'] * 1000:.0f}ms "
        f"rows={r['rows']} size={r['bytes'] / 1e6:.0f}MB rate={r['rows'] / r['seconds'] / 1000:.0f}k_rows/s "
        f"rss_increase={increase:.0f}MB peak_rss={r['peak_rss']:.0f}MB (base {r['base_rss']:.0f}MB) "
        f"memory={bench.verdict(ok_mem)}"
    )
    if not r["peak_reset"]:
        print(f"# {label}: could not reset the peak-RSS counter; rss_increase includes start-up")
    if not ok_rows:
        print(f"# {label}: UNEXPECTED row count {r['rows']} (expected {args.rows})")
        return 2
    return 0 if ok_mem else 1


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == bench.CHILD_FLAG:
        child(*sys.argv[2:])
    else:
        sys.exit(main())
