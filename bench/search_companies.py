"""Search and list pages of the customer catalog over 1,000,000 companies.

Server time of GET /clientes/?q=... through django.test.Client (logged in, real middleware,
full page render) for each kind of search, with varying queries taken from the data; p50 and
p95 in ms, the SQL queries per page (CaptureQueriesContext), measured both on a 1,000-company
catalog and on the full one to show the count does not grow with the data, and each kind's
query plan. Target: p50 under 20 ms for RFC prefix, e-mail (full and prefix) and postal code.

    .venv/bin/python bench/search_companies.py [--rows 1000000] [--requests 60]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cfdidesk_bench .venv/bin/python bench/search_companies.py
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from urllib.parse import urlencode

import _common as bench

TARGET_P50_MS = 20.0
SMALL_CATALOG = 1_000
INFORMATIONAL_BUDGET_S = 12.0  # per informational kind; the slow ones stop early
TARGETED = ("rfc_prefix", "email_full", "email_prefix", "postal_code")


class Kind:
    def __init__(
        self,
        name: str,
        make,
        *,
        informational: bool = False,
        path: str = "/clientes/",
        htmx: bool = False,
    ):
        self.name, self.make, self.informational, self.path = name, make, informational, path
        self.headers = (
            {"HX-Request": "true"} if htmx else {}
        )  # the search box asks for the results only


class Queries:
    """The query string of one request of each kind, from a random existing company."""

    def __init__(self, samples: list[dict], rng: random.Random):
        self.samples, self.rng = samples, rng

    def pick(self) -> dict:
        return self.rng.choice(self.samples)

    def rfc_prefix(self) -> dict:
        rfc = self.pick()["rfc"]
        stem = 3 if len(rfc) == 12 else 4  # letters; a prefix with a digit is searched as an RFC
        return {"q": rfc[: stem + self.rng.choice((1, 2, 3))]}

    def email_full(self) -> dict:
        c = self.pick()
        return {"q": c["email_2"] if c["email_2"] and self.rng.random() < 0.3 else c["email"]}

    def email_prefix(self) -> dict:
        email = self.pick()["email"]
        return {"q": email[: email.index("@") + 1 + self.rng.choice((0, 1, 2, 4))]}

    def email_no_at(self) -> dict:
        email = self.pick()["email"]
        return {"q": email[: email.index("@")]}

    def postal_code(self) -> dict:
        return {"q": self.pick()["postal_code"]}

    def postal_prefix3(self) -> dict:
        return {"q": self.pick()["postal_code"][:3]}

    def name_word(self) -> dict:
        return {"q": self.rng.choice(bench.NAMES + bench.PLACES + bench.SURNAMES).split()[-1]}

    def rfc_letters_only(self) -> dict:
        rfc = self.pick()["rfc"]
        return {"q": rfc[: 3 if len(rfc) == 12 else 4]}

    def page(self, n: int):
        return lambda: {"pagina": n} if n > 1 else {}

    def sort(self, key: str):
        return lambda: {"orden": key, "pagina": self.rng.choice((1, 2))}


def kinds(samples: list[dict], rng: random.Random) -> list[Kind]:
    """Each kind makes the query string of one request from a random existing company."""
    q = Queries(samples, rng)
    return [
        Kind("rfc_prefix", q.rfc_prefix),
        Kind("email_full", q.email_full),
        Kind("email_prefix", q.email_prefix),
        Kind("postal_code", q.postal_code),
        Kind("name_word", q.name_word),
        Kind("list", q.page(1)),
        Kind("list_page2", q.page(2)),
        Kind("rfc_letters_only", q.rfc_letters_only, informational=True),
        Kind("email_no_at", q.email_no_at, informational=True),
        Kind("postal_prefix3", q.postal_prefix3, informational=True),
        Kind("postal_code_htmx", q.postal_code, informational=True, htmx=True),
        Kind("list_page400", q.page(400), informational=True),
        Kind("sort_-nombre", q.sort("-nombre"), informational=True),
        Kind("sort_rfc", q.sort("rfc"), informational=True),
        Kind("sort_cp", q.sort("cp"), informational=True),
        Kind("sort_-alta", q.sort("-alta"), informational=True),
        Kind("archived", lambda: {"estado": "archivados"}, informational=True),
        Kind("home_dashboard", dict, informational=True, path="/"),
    ]


def request(client, kind: Kind, params: dict) -> tuple[float, int, int]:
    """(ms, SQL queries, companies shown) for one page."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = kind.path + ("?" + urlencode(params) if params else "")
    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        response = client.get(url, headers=kind.headers)
        ms = (time.perf_counter() - start) * 1000
    assert response.status_code == 200, (url, response.status_code)
    return ms, len(queries.captured_queries), response.content.count(b'class="cell-main"')


def page_query_ms(params: dict) -> float:
    """Time of the list view's page query alone (run and fetched, no rendering), for the same parameters."""
    from cfdidesk.core.pagination import page_of
    from cfdidesk.customers import views

    start = time.perf_counter()
    page_of(_queryset(params), number=int(params.get("pagina", 1)), size=views.PAGE_SIZE)
    return (time.perf_counter() - start) * 1000


def _queryset(params: dict):
    from cfdidesk.customers import selectors

    sort = params.get("orden", selectors.DEFAULT_SORT)
    return selectors.company_list(
        query=params.get("q", ""), sort=sort, archived=params.get("estado") == "archivados"
    )


def query_counts(client, all_kinds: list[Kind]) -> dict[str, set[int]]:
    counts = {}
    for kind in all_kinds:
        counts[kind.name] = {request(client, kind, kind.make())[1] for _ in range(3)}
    return counts


def plan(params: dict) -> str:
    """The database's plan for the page query the list view runs for these parameters."""
    from cfdidesk.customers import views

    qs = _queryset(params)
    number = int(params.get("pagina", 1))
    start = (number - 1) * views.PAGE_SIZE
    text = qs[start : start + views.PAGE_SIZE + 1].explain()
    return " | ".join(line.strip() for line in text.splitlines() if line.strip())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument(
        "--requests", type=int, default=60, help="measured requests per targeted kind"
    )
    parser.add_argument("--no-plans", action="store_true", help="do not print the query plans")
    args = parser.parse_args()
    label = f"search_{bench.count_label(args.rows)}_{bench.vendor_label()}"
    rng = random.Random(7)
    misses = []

    with bench.fresh_database():
        from cfdidesk.customers.models import Company

        bench.admin_user()
        factory = bench.CompanyFactory(archived_share=0.005)
        columns = factory.db_columns()
        small = min(SMALL_CATALOG, args.rows)
        bench.load_company_rows(factory.db_rows(small), columns)
        client = bench.logged_in_client()
        samples = list(Company.objects.values("rfc", "email", "email_2", "postal_code"))
        all_kinds = kinds(samples, rng)
        small_counts = query_counts(client, all_kinds)

        load = bench.load_company_rows(factory.db_rows(args.rows - small), columns)
        del factory
        print(f"# {label}: loaded {args.rows} companies in {load:.1f}s")
        ids = rng.sample(range(1, args.rows + 1), 500)
        samples = list(
            Company.objects.filter(pk__in=ids).values("rfc", "email", "email_2", "postal_code")
        )
        all_kinds = kinds(samples, rng)
        client = bench.logged_in_client()
        for kind in all_kinds[:6]:  # warm up templates, caches and the connection
            request(client, kind, kind.make())

        large_counts = {}
        for kind in all_kinds:
            n = max(10, args.requests // 6) if kind.informational else args.requests
            times, sql_times, counts, shown = [], [], set(), []
            started = time.perf_counter()
            for i in range(n):
                if (
                    kind.informational
                    and i >= 3
                    and time.perf_counter() - started > INFORMATIONAL_BUDGET_S
                ):
                    n = i  # a slow informational kind: a few samples are enough
                    break
                params = kind.make()
                ms, queries, rows = request(client, kind, params)
                times.append(ms)
                counts.add(queries)
                shown.append(rows)
                if i < 3 and kind.path == "/clientes/":
                    sql_times.append(page_query_ms(params))
            large_counts[kind.name] = counts
            p50, p95 = bench.percentile(times, 50), bench.percentile(times, 95)
            status = ""
            if kind.name in TARGETED:
                ok = p50 < TARGET_P50_MS
                status = f" target={bench.verdict(ok)}"
                if not ok:
                    misses.append(kind.name)
            elif kind.informational:
                status = " (informational)"
            hits = sum(1 for s in shown if s)
            print(
                f"{label} {kind.name}: p50={p50:.1f}ms p95={p95:.1f}ms max={max(times):.0f}ms "
                f"{_query_figure(sql_times)} n={n} "
                f"queries={_fmt(counts)} (at {small} rows: {_fmt(small_counts[kind.name])}) "
                f"pages_with_rows={hits}/{n} avg_rows={sum(shown) / n:.1f}{status}"
            )
            if not args.no_plans and kind.path == "/clientes/":
                params = kind.make()
                print(f"# plan {kind.name} {params}: {plan(params)}")
        bench.machine_note(label)
        grew = [
            name for name, counts in large_counts.items() if max(counts) > max(small_counts[name])
        ]
        print(
            f"# {label}: SQL queries per page grew with the data for: {', '.join(grew) or 'none'}"
        )
    return 1 if misses or grew else 0


def _query_figure(ms: list[float]) -> str:
    return f"page_query_p50={bench.percentile(ms, 50):.1f}ms" if ms else "page_query_p50=n/a"


def _fmt(counts: set[int]) -> str:
    return str(min(counts)) if len(counts) == 1 else f"{min(counts)}-{max(counts)}"


if __name__ == "__main__":
    sys.exit(main())
