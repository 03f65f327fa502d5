"""The documents of an invoicing environment over 1,000,000 documents: list, filters, pages, search.

Server time of /facturacion/<id>/ (the environment page with its documents list, full render,
real middleware) and of its htmx partial, through django.test.Client logged in as a consultant,
with parameters drawn from the data: the default list, each filter (state, type, series, receptor
RFC, a one-week date range), page 5, the oldest-first order, and each kind of search (movement id,
series-folio, UUID, file name). p50 and p95 in ms, the SQL time, and the SQL queries per page on a
1,000-document database and on the full one. Target: p50 under 50 ms, constant query count.

Documents are loaded straight into the table (bench._common.load_table: COPY on PostgreSQL,
executemany on SQLite, indexes rebuilt afterwards); the per-state counters are written to match.

    .venv/bin/python bench/invoicing_documents.py [--documents 1000000] [--requests 40] [--plans]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cfdidesk_bench_docs .venv/bin/python bench/invoicing_documents.py
"""

from __future__ import annotations

import argparse
import calendar
import contextlib
import random
import sys
import time
import uuid
from collections import Counter
from urllib.parse import urlencode

import _common as bench
import _invoicing

TARGET_P50_MS = 50.0
SMALL = 1_000
START = calendar.timegm((2024, 1, 1, 12, 0, 0))
SPAN = 2 * 365 * 86400  # two years of arrivals
STATES = (
    ["stamped"] * 880
    + ["validation_error"] * 30
    + ["mapping_error"] * 20
    + ["generator_error"] * 20
    + ["cancelled"] * 10
    + ["pre"] * 10
    + ["waiting_for_input"] * 20
    + ["no_credits"] * 5
    + ["received"] * 5
)
TYPES = ["I"] * 80 + ["E"] * 10 + ["P"] * 8 + ["N"] * 2
SERIES = {"I": "A", "E": "NC", "P": "P", "N": "NOM"}
COLUMNS = [
    "id",
    "environment_id",
    "source_movement_id",
    "movement_id",
    "document_type",
    "series",
    "folio",
    "state",
    "input_flag",
    "receptor_rfc",
    "receptor_name",
    "currency",
    "total",
    "uuid",
    "file_name",
    "errors",
    "issued_at",
    "stamped_at",
    "created_at",
    "updated_at",
]
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


class Registry:
    """Deterministic documents: arrival time grows with the id, folios grow per series for stamped ones."""

    def __init__(self, n: int, environment_id: int, seed: int = 2026):
        self.n, self.environment_id = n, environment_id
        rng = random.Random(seed)
        self.receptors = [
            (
                "".join(rng.choice(LETTERS) for _ in range(3 + (i % 2)))
                + f"{rng.randrange(60, 99):02d}{rng.randrange(1, 13):02d}"
                f"{rng.randrange(1, 29):02d}"
                + "".join(rng.choice(LETTERS + "0123456789") for _ in range(3)),
                f"RECEPTOR {i:05d} SA DE CV",
            )
            for i in range(5000)
        ]
        self.states = [rng.choice(STATES) for _ in range(n)]
        self.types = [rng.choice(TYPES) for _ in range(n)]
        self.receptor_of = [rng.randrange(len(self.receptors)) for _ in range(n)]
        self.folios: list[int | None] = []
        last = Counter()
        for i in range(n):
            if self.states[i] == "stamped":
                last[self.types[i]] += 1
                self.folios.append(last[self.types[i]])
            else:
                self.folios.append(None)
        self.uuids = [
            str(uuid.UUID(int=rng.getrandbits(128), version=4)).upper() if s == "stamped" else None
            for s in self.states
        ]
        self.last_folios = dict(last)

    def when(self, i: int) -> float:
        return START + SPAN * i / self.n

    def movement_id(self, i: int) -> str:
        return f"MOV-{i + 1:07d}"

    def file_name(self, i: int) -> str:
        series = SERIES[self.types[i]]
        folio = self.folios[i]
        return (
            f"{series}{folio}.xml"
            if folio is not None
            else f"PRE_{series}{self.movement_id(i)}.xml"
        )

    def rows(self, lo: int, hi: int):
        ts = bench.timestamp_text()
        for i in range(lo, hi):
            state, kind = self.states[i], self.types[i]
            rfc, name = self.receptors[self.receptor_of[i]]
            created = ts(self.when(i))
            stamped = ts(self.when(i) + 5) if state == "stamped" else None
            yield (
                i + 1,
                self.environment_id,
                None,
                self.movement_id(i),
                kind,
                SERIES[kind],
                self.folios[i],
                state,
                state in ("waiting_for_input", "no_credits", "received"),
                rfc,
                name,
                "MXN",
                f"{100 + i % 9000}.00",
                self.uuids[i],
                self.file_name(i),
                "[]",
                stamped,
                stamped,
                created,
                created,
            )


def load(registry: Registry, lo: int, hi: int) -> tuple[int, float]:
    with bench.bulk_loading():
        return bench.load_table("invoicing_document", COLUMNS, registry.rows(lo, hi))


def finish_load(registry: Registry, hi_ids: range) -> None:
    from cfdidesk.invoicing.models import Document, FolioCounter, StateCount

    counts = Counter(registry.states[i] for i in hi_ids)
    StateCount.objects.all().delete()
    StateCount.objects.bulk_create(
        [
            StateCount(environment_id=registry.environment_id, state=s, count=n)
            for s, n in counts.items()
        ]
    )
    FolioCounter.objects.all().delete()
    FolioCounter.objects.bulk_create(
        [
            FolioCounter(
                environment_id=registry.environment_id, series=SERIES[t], document_type=t, last=n
            )
            for t, n in registry.last_folios.items()
        ]
    )
    bench.reset_sequences(Document)


class Kind:
    def __init__(self, name: str, params, *, htmx: bool = False, informational: bool = False):
        self.name, self.params, self.htmx, self.informational = name, params, htmx, informational


def kinds(registry: Registry, lo: int, hi: int, rng: random.Random) -> list[Kind]:
    """What a consultant does on the page; the values are drawn from the documents [lo, hi)."""
    stamped = [
        i for i in rng.sample(range(lo, hi), min(5000, hi - lo)) if registry.folios[i] is not None
    ]
    any_doc = rng.sample(range(lo, hi), min(2000, hi - lo))

    def week():
        i = rng.randrange(lo, hi)
        start = time.gmtime(registry.when(i))
        day = f"{start.tm_year:04d}-{start.tm_mon:02d}-{start.tm_mday:02d}"
        end = time.gmtime(registry.when(i) + 6 * 86400)
        return {"desde": day, "hasta": f"{end.tm_year:04d}-{end.tm_mon:02d}-{end.tm_mday:02d}"}

    def series_folio(i):
        return f"{SERIES[registry.types[i]]}-{registry.folios[i]}"

    return [
        Kind("default", lambda: {}),
        Kind("state_stamped", lambda: {"estado": "stamped"}),
        Kind(
            "state_rare",
            lambda: {
                "estado": rng.choice(
                    ["validation_error", "generator_error", "cancelled", "no_credits"]
                )
            },
        ),
        Kind("type", lambda: {"tipo": rng.choice(["E", "P", "N"])}),
        Kind("series", lambda: {"serie": rng.choice(["NC", "P", "NOM"])}),
        Kind(
            "receptor_rfc",
            lambda: {"rfc": registry.receptors[registry.receptor_of[rng.choice(any_doc)]][0]},
        ),
        Kind("date_week", week),
        Kind("page_5", lambda: {"pagina": 5}),
        Kind("oldest_first", lambda: {"orden": "antiguos"}),
        Kind("search_movement", lambda: {"q": registry.movement_id(rng.choice(any_doc))}),
        Kind("search_series_folio", lambda: {"q": series_folio(rng.choice(stamped))}),
        Kind("search_uuid", lambda: {"q": registry.uuids[rng.choice(stamped)].lower()}),
        Kind("search_file_name", lambda: {"q": registry.file_name(rng.choice(any_doc))}),
        Kind(
            "htmx_search_movement",
            lambda: {"q": registry.movement_id(rng.choice(any_doc))},
            htmx=True,
        ),
        Kind("htmx_state_page_2", lambda: {"estado": "stamped", "pagina": 2}, htmx=True),
        Kind("state_and_type", lambda: {"estado": "stamped", "tipo": "N"}, informational=True),
    ]


def request(client, path: str, kind: Kind) -> dict:
    params = kind.params()
    url = path + ("?" + urlencode(params) if params else "")
    headers = {"HX-Request": "true", "HX-Target": "document-results"} if kind.htmx else {}
    got = bench.timed_get(client, url, headers)
    response = got["response"]
    assert response.status_code == 200, (url, response.status_code)
    return {
        "ms": got["ms"],
        "queries": len(got["captured"]),
        "sql_ms": got["sql_ms"],
        "url": url,
        "slowest": got["slowest"],
        "rows": response.content.count(b'href="/facturacion/documentos/'),
    }


def _fmt(counts: set[int]) -> str:
    return str(min(counts)) if len(counts) == 1 else f"{min(counts)}-{max(counts)}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=40, help="measured requests per kind")
    parser.add_argument(
        "--plans", action="store_true", help="print the plan of the slowest query of every kind"
    )
    args = parser.parse_args()
    label = f"invoicing_documents_{bench.count_label(args.documents)}_{bench.vendor_label()}"
    rng = random.Random(7)
    misses: list[str] = []
    with bench.fresh_database():
        from django.test import Client

        started = time.perf_counter()
        _actor, environment = _invoicing.environment(running=False, credits=0)
        consultant = bench.consultants(1)[0]
        client = Client()
        client.force_login(consultant)
        path = f"/facturacion/{environment.pk}/"
        registry = Registry(args.documents, environment.pk)
        small_lo = max(0, args.documents - SMALL)
        load(registry, small_lo, args.documents)
        finish_load(registry, range(small_lo, args.documents))
        small_kinds = kinds(registry, small_lo, args.documents, rng)
        small_counts = {
            k.name: {request(client, path, k)["queries"] for _ in range(3)} for k in small_kinds
        }

        rows, seconds = load(registry, 0, small_lo) if small_lo else (0, 0.0)
        finish_load(registry, range(args.documents))
        print(
            f"# {label}: loaded {args.documents} documents in {time.perf_counter() - started:.0f}s "
            f"(bulk {rows} rows in {seconds:.0f}s); states {dict(Counter(registry.states).most_common())}",
            flush=True,
        )
        all_kinds = kinds(registry, 0, args.documents, rng)
        for kind in all_kinds:  # warm up templates, caches and the connection
            request(client, path, kind)
        large_counts = {}
        for kind in all_kinds:
            results = [request(client, path, kind) for _ in range(args.requests)]
            times = [r["ms"] for r in results]
            large_counts[kind.name] = {r["queries"] for r in results}
            p50, p95 = bench.percentile(times, 50), bench.percentile(times, 95)
            sql50 = bench.percentile([r["sql_ms"] for r in results], 50)
            slow = p50 >= TARGET_P50_MS
            if kind.informational:
                status = " (informational: two filters, the second checked row by row)"
            else:
                status = f" target={bench.verdict(not slow)}"
                if slow:
                    misses.append(kind.name)
            hits = sum(1 for r in results if r["rows"])
            print(
                f"{label} {kind.name}: p50={p50:.1f}ms p95={p95:.1f}ms max={max(times):.0f}ms sql_p50={sql50:.1f}ms n={len(results)} "
                f"queries={_fmt(large_counts[kind.name])} (at {min(SMALL, args.documents)} documents: {_fmt(small_counts[kind.name])}) "
                f"pages_with_rows={hits}/{len(results)}{status}",
                flush=True,
            )
            if slow or args.plans:
                median = min(results, key=lambda r: abs(r["ms"] - p50))
                q_ms, q_sql = median["slowest"]
                print(
                    f"# plan {kind.name} {median['url']} slowest query {q_ms:.1f}ms: {q_sql[:600]}"
                )
                print(f"#   {bench.explain(q_sql)}")
        bench.machine_note(label)
        grew = [
            name for name, counts in large_counts.items() if max(counts) > max(small_counts[name])
        ]
        print(
            f"# {label}: SQL queries per page grew with the data for: {', '.join(grew) or 'none'}"
        )
    return 1 if misses or grew else 0


if __name__ == "__main__":
    with contextlib.suppress(BrokenPipeError):
        sys.exit(main())
