"""Run every benchmark on SQLite and, when PostgreSQL answers on 127.0.0.1:5432, on PostgreSQL too.

    .venv/bin/python bench/run_all.py            # or: make bench
    .venv/bin/python bench/run_all.py --only search_companies --sqlite-only

Each run gets its own database (a temporary SQLite file, or a PostgreSQL database named
cfdidesk_bench_<pid>_<n> that the benchmark creates and drops). Exit status 1 when a target
is missed, 2 when a benchmark fails.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
BENCHMARKS = [
    "import_companies",
    "export_companies",
    "search_companies",
    "tickets_pages",
    "email_intake",
    "business_time",
    "sla_sweep",
    "invoicing_intake",
    "invoicing_generator",
    "invoicing_documents",
    "dashboard",
    "customer_360",
]
PG_SERVER = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")


def postgres_available() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=2):
            pass
        import psycopg

        with psycopg.connect(f"{PG_SERVER}/postgres", connect_timeout=3):
            return True
    except Exception:
        return False


def run(name: str, database_url: str | None) -> int:
    env = os.environ.copy()
    env.pop("DATABASE_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    where = "postgresql" if database_url else "sqlite"
    print(f"## {name} on {where}", flush=True)
    start = time.perf_counter()
    code = subprocess.call([sys.executable, str(BENCH_DIR / f"{name}.py")], env=env)
    print(f"## {name} on {where}: exit {code} after {time.perf_counter() - start:.0f}s", flush=True)
    return code


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--only", choices=BENCHMARKS, action="append", help="run only this benchmark"
    )
    parser.add_argument("--sqlite-only", action="store_true")
    args = parser.parse_args()
    names = args.only or BENCHMARKS

    targets = [None]
    if not args.sqlite_only:
        if postgres_available():
            targets.append(PG_SERVER)
        else:
            print("## PostgreSQL is not reachable on 127.0.0.1:5432: SQLite only", flush=True)

    results = {}
    for n, name in enumerate(names):
        for server in targets:
            url = f"{server}/cfdidesk_bench_{os.getpid()}_{n}" if server else None
            results[(name, "postgresql" if server else "sqlite")] = run(name, url)

    print("## summary")
    for (name, where), code in results.items():
        state = {0: "targets met", 1: "TARGET MISSED"}.get(code, f"FAILED (exit {code})")
        print(f"##   {name:<18} {where:<10} {state}")
    if any(code not in (0, 1) for code in results.values()):
        return 2
    return 1 if any(results.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
