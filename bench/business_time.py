"""Business-time arithmetic: operations per second of between() and add() on the default calendar.

A fresh migrated database (its data migration creates the default calendar, "Horario de oficina":
Mon–Fri 09–14 and 16–19, Sat 09–14, Mexican official holidays); load_calendar() compiles it once,
then each operation runs on random realistic inputs, in one process, with no query:

- between(start, end): starts anywhere in 2026–2027 (open or closed moments alike), spans of
  1–24 hours (55%), 1–21 days (35%) or 1–6 months (10%);
- add(start, d): business durations of 15 min–8 h (60%), 8–80 h (30%) or 80–600 h (10%).

Prints the compile time, operations per second and mean µs per operation for each (median of
three passes, and per span class), the SQL queries made during the operations (must be 0), and
checks between(s, add(s, d)) == d on a sample. Target: at least 50,000 operations per second each.

    .venv/bin/python bench/business_time.py [--ops 200000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import time

import _common as bench

TARGET_OPS = 50_000
PASSES = 3
START = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
YEARS_SECONDS = 2 * 365 * 86_400
SPANS = [  # (class, share, low seconds, high seconds)
    ("hours", 0.55, 3_600, 24 * 3_600),
    ("weeks", 0.35, 86_400, 21 * 86_400),
    ("months", 0.10, 30 * 86_400, 183 * 86_400),
]
DURATIONS = [
    ("short", 0.60, 15 * 60, 8 * 3_600),
    ("days", 0.30, 8 * 3_600, 80 * 3_600),
    ("long", 0.10, 80 * 3_600, 600 * 3_600),
]


def draw(rng: random.Random, classes, n: int) -> dict[str, list[tuple[dt.datetime, dt.timedelta]]]:
    """n (start, length) pairs split over the classes by share; microsecond-precise instants."""
    out = {}
    for name, share, low, high in classes:
        out[name] = [
            (
                START
                + dt.timedelta(
                    seconds=rng.randrange(YEARS_SECONDS), microseconds=rng.randrange(1_000_000)
                ),
                dt.timedelta(
                    seconds=rng.randrange(low, high), microseconds=rng.randrange(1_000_000)
                ),
            )
            for _ in range(max(1, round(n * share)))
        ]
    return out


def rate(run, inputs) -> float:
    """Operations per second of run(inputs), median of PASSES passes."""
    rates = []
    for _ in range(PASSES):
        start = time.perf_counter()
        run(inputs)
        rates.append(len(inputs) / (time.perf_counter() - start))
    return statistics.median(rates)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--ops", type=int, default=200_000, help="operations per pass, per operation"
    )
    args = parser.parse_args()
    label = f"business_time_{bench.vendor_label()}"

    with bench.fresh_database():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from cfdidesk.service.selectors import load_calendar

        with bench.Timer() as load:
            calendar = load_calendar()
        with bench.Timer() as years:
            for year in (2026, 2027, 2028):
                calendar.between(
                    dt.datetime(year, 1, 2, tzinfo=dt.UTC), dt.datetime(year, 1, 3, tzinfo=dt.UTC)
                )
        print(
            f"# {label}: load_calendar {load.seconds * 1000:.1f} ms (queries and compile), "
            f"first use of 3 years {years.seconds * 1000:.1f} ms"
        )

        rng = random.Random(2026)
        spans = draw(rng, SPANS, args.ops)
        durations = draw(rng, DURATIONS, args.ops)
        pairs = [(start, start + length) for group in spans.values() for start, length in group]
        additions = [pair for group in durations.values() for pair in group]
        rng.shuffle(pairs)
        rng.shuffle(additions)
        between, add = calendar.between, calendar.add

        def run_between(items):
            for start, end in items:
                between(start, end)

        def run_add(items):
            for start, duration in items:
                add(start, duration)

        with CaptureQueriesContext(connection) as queries:
            between_rate = rate(run_between, pairs)
            add_rate = rate(run_add, additions)
            by_class = {
                f"between_{name}": rate(run_between, [(s, s + d) for s, d in group])
                for name, group in spans.items()
            }
            by_class |= {f"add_{name}": rate(run_add, group) for name, group in durations.items()}

        wrong = sum(between(s, add(s, d)) != d for s, d in additions[:2_000])

    bench.machine_note(label)
    ok = between_rate >= TARGET_OPS and add_rate >= TARGET_OPS
    print(
        f"{label}: between={between_rate:,.0f}/s ({1e6 / between_rate:.1f} µs) "
        f"add={add_rate:,.0f}/s ({1e6 / add_rate:.1f} µs) ops={len(pairs)}+{len(additions)} "
        f"queries={len(queries)} target={TARGET_OPS:,}/s {bench.verdict(ok)}"
    )
    print(
        f"# {label}: by span class "
        + " ".join(f"{name}={value:,.0f}/s" for name, value in by_class.items())
    )
    if wrong or len(queries):
        print(
            f"# {label}: UNEXPECTED {wrong} add/between mismatches, {len(queries)} queries during the operations"
        )
        return 2
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
