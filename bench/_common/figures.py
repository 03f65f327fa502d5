"""Figures: percentiles, labels, verdicts, timers, timed requests and the database's plans."""

from __future__ import annotations

import os
import statistics
import time


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    k = (len(ordered) - 1) * pct / 100
    low = int(k)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def median(values: list[float]) -> float:
    return statistics.median(values)


def count_label(n: int) -> str:
    if n >= 1_000_000 and n % 1_000_000 == 0:
        return f"{n // 1_000_000}m"
    if n >= 1000 and n % 1000 == 0:
        return f"{n // 1000}k"
    return str(n)


def machine_note(label: str) -> None:
    """Print the load average: other work on the machine (a test suite) inflates every figure."""
    one, five, _fifteen = os.getloadavg()
    print(f"# {label}: load average {one:.1f} (5 min {five:.1f}) on {os.cpu_count()} CPUs")


def verdict(ok: bool) -> str:
    return "OK" if ok else "MISS"


class Timer:
    def __enter__(self):
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.start


def timed_get(client, url: str, headers: dict | None = None) -> dict:
    """GET through django.test.Client with its SQL captured and each query timed to the µs
    (CaptureQueriesContext keeps whole milliseconds only): response, ms, cpu_ms, captured,
    sql_ms and the slowest (ms, sql) pair."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    durations: list[float] = []

    def timed(execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            durations.append((time.perf_counter() - start) * 1000)

    with CaptureQueriesContext(connection) as queries, connection.execute_wrapper(timed):
        start, cpu = time.perf_counter(), time.process_time()
        response = client.get(url, headers=headers or {})
        ms, cpu_ms = (time.perf_counter() - start) * 1000, (time.process_time() - cpu) * 1000
    captured = queries.captured_queries
    slowest = max(zip(durations, (q["sql"] for q in captured), strict=False), default=(0.0, ""))
    return {
        "response": response,
        "ms": ms,
        "cpu_ms": cpu_ms,
        "captured": captured,
        "sql_ms": sum(durations),
        "slowest": slowest,
        "per_query": list(zip(durations, (q["sql"] for q in captured), strict=False)),
    }


def explain(sql: str) -> str:
    """The database's plan of one query: SQLite's EXPLAIN QUERY PLAN, PostgreSQL's EXPLAIN ANALYZE."""
    from django.db import connection

    prefix = (
        "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN (ANALYZE, BUFFERS) "
    )
    with connection.cursor() as cursor:
        cursor.execute(prefix + sql)
        rows = cursor.fetchall()
    if connection.vendor == "sqlite":
        return " | ".join(str(r[-1]) for r in rows)
    return "\n#   ".join(r[0] for r in rows)
