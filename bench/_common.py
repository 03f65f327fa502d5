"""Shared helpers for the benchmarks: a throwaway database, fast realistic data, memory and timing.

Every benchmark gets its own database: a SQLite file in a temporary directory, or, when
DATABASE_URL=postgres://..., that PostgreSQL database, created here and dropped at the end.
Uploads and the SQLite file live in a temporary CFDIDESK_VAR_DIR, removed at the end.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
RESULT_MARK = "BENCH_RESULT "
CHILD_FLAG = "--child"


# ---------------------------------------------------------------- environment and database


def _database_url() -> str:
    """The PostgreSQL URL given in the environment, or "" for a temporary SQLite file."""
    url = os.environ.get("DATABASE_URL", "")
    if url and not url.startswith(("postgres://", "postgresql://", "pgsql://")):
        raise SystemExit(
            f"benchmarks run on a temporary SQLite file or on PostgreSQL; not on {url!r}"
        )
    return url


def _base_env() -> None:
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key")
    os.environ["DEBUG"] = (
        "0"  # DEBUG=1 keeps every SQL statement in memory: not what production does
    )
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ["DJANGO_SETTINGS_MODULE"] = "cfdidesk.settings"


def django_setup() -> None:
    """Configure Django from the environment the parent prepared (used by child processes too)."""
    _base_env()
    import django

    django.setup()


def vendor_label() -> str:
    return "postgresql" if _database_url() else "sqlite"


def _pg_params(url: str) -> dict:
    import environ

    cfg = environ.Env.db_url_config(url)
    return {
        "name": cfg["NAME"],
        "host": cfg.get("HOST") or "127.0.0.1",
        "port": int(cfg.get("PORT") or 5432),
        "user": cfg.get("USER") or "postgres",
        "password": cfg.get("PASSWORD") or None,
    }


def _pg_admin(params: dict):
    import psycopg

    return psycopg.connect(
        host=params["host"],
        port=params["port"],
        user=params["user"],
        password=params["password"],
        dbname="postgres",
        autocommit=True,
    )


def _pg_create(params: dict) -> None:
    import psycopg
    from psycopg import sql

    name = params["name"]
    with _pg_admin(params) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            return
    # An existing database is only used when it is empty: never run over someone's data.
    with psycopg.connect(
        host=params["host"],
        port=params["port"],
        user=params["user"],
        password=params["password"],
        dbname=name,
    ) as conn:
        tables = conn.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
        ).fetchone()[0]
    if tables:
        raise SystemExit(
            f"database {name!r} already exists and has {tables} tables; the benchmark needs a fresh one "
            f"(dropdb -h {params['host']} -U {params['user']} {name}) or another name in DATABASE_URL"
        )


def _pg_drop(params: dict) -> None:
    from psycopg import sql

    with _pg_admin(params) as admin:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(params["name"])
            )
        )


@contextlib.contextmanager
def fresh_database():
    """A new, migrated database for this run; dropped (PostgreSQL) or deleted (SQLite) afterwards."""
    url = _database_url()
    var_dir = tempfile.mkdtemp(prefix="cfdidesk-bench-")
    os.environ["CFDIDESK_VAR_DIR"] = var_dir
    pg = _pg_params(url) if url else None
    if pg:
        _pg_create(pg)
    try:
        django_setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)
        yield
    finally:
        with contextlib.suppress(Exception):
            from django.db import connections

            connections.close_all()
        if pg:
            _pg_drop(pg)
        shutil.rmtree(var_dir, ignore_errors=True)


# ---------------------------------------------------------------- child processes and memory


def run_child(script: str, *args: str, timeout: float = 900) -> dict:
    """Run `script --child args` in a fresh interpreter on the same database; return its result dict.

    The child does only the measured work, so its peak RSS is not inflated by data generation.
    """
    from django.db import connections

    connections.close_all()
    proc = subprocess.run(
        [sys.executable, script, CHILD_FLAG, *args],
        env=os.environ.copy(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    result = None
    for line in proc.stdout.splitlines():
        if line.startswith(RESULT_MARK):
            result = json.loads(line[len(RESULT_MARK) :])
        else:
            print(line)
    if proc.returncode != 0 or result is None:
        sys.stderr.write(proc.stderr)
        raise SystemExit(f"child {Path(script).name} failed with exit code {proc.returncode}")
    if proc.stderr.strip():
        sys.stderr.write(proc.stderr)
    return result


def child_result(result: dict) -> None:
    print(RESULT_MARK + json.dumps(result), flush=True)


def _status_mb(key: str) -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024
    return float("nan")


def rss_mb() -> float:
    """Resident memory of this process now, in MB."""
    return _status_mb("VmRSS")


def peak_rss_mb() -> float:
    """Highest resident memory of this process (since start or the last reset_peak_rss), in MB."""
    return _status_mb("VmHWM")


def reset_peak_rss() -> bool:
    """Restart the peak-RSS counter from the current RSS (Linux: write 5 to clear_refs)."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


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


# ---------------------------------------------------------------- realistic company data

ACTIVITIES = [
    "Comercializadora",
    "Distribuidora",
    "Servicios",
    "Grupo",
    "Constructora",
    "Transportes",
    "Inmobiliaria",
    "Consultores",
    "Industrias",
    "Alimentos",
    "Tecnología",
    "Farmacéutica",
    "Logística",
    "Importadora",
    "Exportadora",
    "Agroindustrias",
    "Manufacturas",
    "Soluciones",
    "Desarrollos",
    "Corporativo",
]
NAMES = [
    "Azteca",
    "Maya",
    "Olmeca",
    "del Norte",
    "del Pacífico",
    "del Golfo",
    "del Bajío",
    "Peña",
    "Montaña",
    "Ñandú",
    "Águila",
    "Jaguar",
    "Quetzal",
    "Sierra Madre",
    "Valle",
    "Río Bravo",
    "Laguna",
    "Cumbre",
    "Horizonte",
    "Estrella",
    "Sol",
    "Luna",
    "Cielo",
    "Mar",
    "Roble",
    "Encino",
    "Cedro",
    "Nopal",
    "Maguey",
    "Agave",
    "Volcán",
    "Obsidiana",
    "Jade",
    "Plata",
    "Oro",
    "Cobre",
    "Cantera",
    "Talavera",
    "Alebrije",
    "Colibrí",
    "Mariposa",
    "Venado",
    "Coyote",
    "Halcón",
    "Tucán",
    "Delfín",
    "Tortuga",
    "Iguana",
    "Ajolote",
    "Huasteca",
    "Mixteca",
    "Zapoteca",
    "Otomí",
]
PLACES = [
    "Jalisco",
    "Querétaro",
    "Mérida",
    "Monterrey",
    "Puebla",
    "Oaxaca",
    "Chiapas",
    "Sonora",
    "Sinaloa",
    "Yucatán",
    "Michoacán",
    "Guanajuato",
    "Zacatecas",
    "Durango",
    "Coahuila",
    "Tamaulipas",
    "Veracruz",
    "Tabasco",
    "Campeche",
    "Quintana Roo",
    "Hidalgo",
    "Morelos",
    "Nayarit",
    "Colima",
    "Aguascalientes",
    "San Luis Potosí",
    "Tlaxcala",
    "Guerrero",
    "Chihuahua",
    "Baja California",
    "Toluca",
    "León",
    "Tijuana",
    "Cancún",
    "Acapulco",
    "Saltillo",
    "Torreón",
]
SUFFIXES = ["S.A. de C.V.", "S. de R.L. de C.V.", "S.C.", "S.A.P.I. de C.V.", "A.C."]
FIRST_NAMES = [
    "José",
    "María",
    "Juan",
    "Guadalupe",
    "Francisco",
    "Ana",
    "Luis",
    "Sofía",
    "Carlos",
    "Fernanda",
    "Jesús",
    "Lucía",
    "Miguel",
    "Ximena",
    "Pedro",
    "Valeria",
    "Alejandro",
    "Camila",
    "Ricardo",
    "Daniela",
]
SURNAMES = [
    "Hernández",
    "García",
    "Martínez",
    "López",
    "González",
    "Pérez",
    "Rodríguez",
    "Sánchez",
    "Ramírez",
    "Cruz",
    "Flores",
    "Gómez",
    "Morales",
    "Vázquez",
    "Reyes",
    "Jiménez",
    "Torres",
    "Díaz",
    "Gutiérrez",
    "Ruiz",
    "Mendoza",
    "Aguilar",
    "Ortiz",
    "Moreno",
    "Castillo",
    "Romero",
    "Álvarez",
    "Méndez",
    "Chávez",
    "Rivera",
    "Juárez",
    "Ramos",
    "Domínguez",
    "Herrera",
    "Medina",
    "Castro",
    "Vargas",
    "Guzmán",
    "Velázquez",
    "Muñoz",
    "Núñez",
    "Ibarra",
    "Salazar",
    "Zúñiga",
    "Orozco",
]
MAILBOXES = [
    "facturas",
    "facturacion",
    "contabilidad",
    "compras",
    "pagos",
    "admin",
    "cxp",
    "tesoreria",
]
FREE_MAIL = ["gmail.com", "hotmail.com", "outlook.com", "yahoo.com.mx", "prodigy.net.mx"]
STREETS = [
    "Av. Reforma",
    "Calle Hidalgo",
    "Av. Juárez",
    "Calle Morelos",
    "Blvd. Kukulcán",
    "Av. Insurgentes Sur",
    "Calle 5 de Mayo",
    "Periférico Sur",
]
NEIGHBOURHOODS = ["Centro", "Juárez", "Del Valle", "Roma Norte", "Polanco", "Las Águilas"]
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
HOMOCLAVE_1 = "123456789ABCDEFGHIJKLMNOPQRSTUV"
HOMOCLAVE_2 = "123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


class _FastRandom(random.Random):
    """random.Random with cheaper choice/randrange (float based): data generation is the slow part."""

    def choice(self, seq):
        return seq[int(self.random() * len(seq))]

    def randrange(self, start, stop=None):
        if stop is None:
            start, stop = 0, start
        return start + int(self.random() * (stop - start))


def _sat_combos() -> dict[str, list[tuple[str, str]]]:
    """(regime, use) pairs SAT accepts for each person type, from the project's own catalogs."""
    from cfdidesk.sat import catalogs
    from cfdidesk.sat.receptor import GENERIC_REGIME

    combos = {}
    for person in ("moral", "fisica"):
        combos[person] = [
            (regime.code, use.code)
            for regime in catalogs.regimes_for(person)
            if regime.code != GENERIC_REGIME
            for use in catalogs.cfdi_uses_for(person, regime.code)
        ]
    return combos


class CompanyFactory:
    """Deterministic, distinct, valid companies: RFCs with correct check digits, SAT postal codes.

    `rows(n)` yields value tuples in csv_format.FIELDS order; `db_rows(n)` appends the derived
    columns the database stores (search_name, is_active, archived_at, version, timestamps).
    """

    def __init__(self, seed: int = 2026, postal_pool: int = 20_000, archived_share: float = 0.0):
        from stdnum.mx import rfc as stdnum_rfc

        from cfdidesk.customers import csv_format
        from cfdidesk.sat import catalogs

        self.fields = list(csv_format.FIELDS)
        self.rng = _FastRandom(seed)
        codes = sorted(c for c in catalogs.postal_codes() if c != "00000")
        self.postal_codes = sorted(self.rng.sample(codes, min(postal_pool, len(codes))))
        self.combos = _sat_combos()
        self.blacklist = stdnum_rfc._name_blacklist
        self.check_digit = stdnum_rfc.calc_check_digit
        self.seen_rfcs: set[str] = set()
        self.serial = 0
        self.archived_share = archived_share
        self.base_time = dt.datetime(2023, 1, 1, tzinfo=dt.UTC)

    def _rfc(self, person: str) -> str:
        rng = self.rng
        while True:
            if person == "moral":
                stem = "".join(rng.choice(LETTERS) for _ in range(3))
            else:
                stem = "".join(rng.choice(LETTERS) for _ in range(4))
                if stem in self.blacklist:
                    continue
            date = f"{rng.randrange(100):02d}{rng.randrange(1, 13):02d}{rng.randrange(1, 29):02d}"
            body = stem + date + rng.choice(HOMOCLAVE_1) + rng.choice(HOMOCLAVE_2)
            rfc = body + self.check_digit(body)
            if rfc not in self.seen_rfcs:
                self.seen_rfcs.add(rfc)
                return rfc

    def row(self) -> tuple:
        rng = self.rng
        self.serial += 1
        n = self.serial
        person = "moral" if rng.random() < 0.75 else "fisica"
        regime, use = rng.choice(self.combos[person])
        if person == "moral":
            word, place = rng.choice(NAMES), rng.choice(PLACES)
            legal_name = f"{rng.choice(ACTIVITIES)} {word} de {place}, {rng.choice(SUFFIXES)}"
            trade_name = f"{word} {place}" if rng.random() < 0.3 else ""
            domain = _slug(f"{word} {place}") + ".com.mx"
        else:
            legal_name = f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)} {rng.choice(SURNAMES)}"
            trade_name = ""
            domain = rng.choice(FREE_MAIL)
        tag = _base36(n)
        email = f"{rng.choice(MAILBOXES)}.{tag}@{domain}"
        email_2 = f"{rng.choice(MAILBOXES)}2.{tag}@{domain}" if rng.random() < 0.3 else ""
        email_3 = (
            f"{rng.choice(MAILBOXES)}3.{tag}@{domain}" if email_2 and rng.random() < 0.3 else ""
        )
        phone = (
            f"55 {rng.randrange(1000, 9999)} {rng.randrange(1000, 9999)}"
            if rng.random() < 0.5
            else ""
        )
        if rng.random() < 0.2:
            ship = (
                rng.choice(STREETS),
                str(rng.randrange(1, 3000)),
                rng.choice(["", "Piso 3", "Int. 4"]),
                rng.choice(NEIGHBOURHOODS),
                rng.choice(PLACES),
                rng.choice(PLACES),
                rng.choice(self.postal_codes),
                "México",
            )
        else:
            ship = ("",) * 8
        notes = "Cliente preferente, enviar factura antes del día 5" if rng.random() < 0.05 else ""
        values = {
            "legal_name": legal_name,
            "rfc": self._rfc(person),
            "cfdi_use": use,
            "tax_regime": regime,
            "email": email,
            "email_2": email_2,
            "email_3": email_3,
            "postal_code": rng.choice(self.postal_codes),
            "trade_name": trade_name,
            "phone": phone,
            "ship_street": ship[0],
            "ship_exterior_number": ship[1],
            "ship_interior_number": ship[2],
            "ship_neighbourhood": ship[3],
            "ship_municipality": ship[4],
            "ship_state": ship[5],
            "ship_postal_code": ship[6],
            "ship_country": ship[7],
            "notes": notes,
        }
        return tuple(values[f] for f in self.fields)

    def rows(self, n: int) -> Iterator[tuple]:
        for _ in range(n):
            yield self.row()

    def db_columns(self) -> list[str]:
        return [
            *self.fields,
            "search_name",
            "is_active",
            "archived_at",
            "version",
            "created_at",
            "updated_at",
        ]

    def db_rows(self, n: int) -> Iterator[tuple]:
        from cfdidesk.customers.rules import search_key

        legal_at, trade_at = self.fields.index("legal_name"), self.fields.index("trade_name")
        keys: dict[tuple[str, str], str] = {}
        for _ in range(n):
            row = self.row()
            pair = (row[legal_at], row[trade_at])
            key = keys.get(pair)
            if key is None:
                key = keys[pair] = search_key(*pair)
            created = self.base_time + dt.timedelta(seconds=self.serial * 60)
            archived = self.archived_share and self.rng.random() < self.archived_share
            yield (*row, key, not archived, created if archived else None, 1, created, created)


@functools.cache
def _slug(text: str) -> str:
    from cfdidesk.customers.rules import search_key

    return "-".join(search_key(text).split())


def _base36(n: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        n, r = divmod(n, 36)
        out = digits[r] + out
        if not n:
            return out


# ---------------------------------------------------------------- fast loading


def _secondary_indexes(cursor, vendor: str, table: str) -> list[tuple[str, str]]:
    """(name, CREATE statement) of the table's indexes other than its primary key, from the catalog."""
    if vendor == "sqlite":
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s AND sql IS NOT NULL",
            [table],
        )
        return list(cursor.fetchall())
    cursor.execute(
        """SELECT i.indexname, i.indexdef FROM pg_indexes i
           WHERE i.tablename = %s AND i.schemaname = current_schema()
             AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = (i.schemaname || '.' || i.indexname)::regclass)""",
        [table],
    )
    return list(cursor.fetchall())


def load_companies(rows: Iterable[tuple], columns: list[str], *, batch: int = 10_000) -> float:
    """Insert rows into customers_company as fast as the database allows; returns seconds.

    The table's secondary indexes are dropped and rebuilt from their own catalog definitions
    (same schema afterwards, unique constraint re-checked); SQLite uses executemany in one
    transaction, PostgreSQL COPY. PostgreSQL is then VACUUM ANALYZEd, as autovacuum would do.
    """
    from django.db import connection, transaction

    from cfdidesk.customers.models import Company

    table = Company._meta.db_table
    adapt = connection.ops.adapt_datetimefield_value
    start = time.perf_counter()
    with connection.cursor() as cursor:
        indexes = _secondary_indexes(cursor, connection.vendor, table)
        with transaction.atomic():
            for name, _sql in indexes:
                cursor.execute(f'DROP INDEX "{name}"')
            if connection.vendor == "sqlite":
                when = (
                    columns.index("created_at"),
                    columns.index("updated_at"),
                    columns.index("archived_at"),
                )
                cache: dict = {}

                def adapted(row):
                    row = list(row)
                    for i in when:
                        v = row[i]
                        if v is not None:
                            s = cache.get(v)
                            if s is None:
                                s = cache[v] = adapt(v)
                            row[i] = s
                    return row

                sql = f'INSERT INTO "{table}" ({", ".join(columns)}) VALUES ({", ".join(["%s"] * len(columns))})'
                chunk = []
                for row in rows:
                    chunk.append(adapted(row))
                    if len(chunk) >= batch:
                        cursor.executemany(sql, chunk)
                        chunk.clear()
                        cache.clear()
                if chunk:
                    cursor.executemany(sql, chunk)
            else:
                raw = connection.connection.cursor()
                with raw.copy(f'COPY "{table}" ({", ".join(columns)}) FROM STDIN') as copy:
                    for row in rows:
                        copy.write_row(row)
            for _name, create in indexes:
                cursor.execute(create)
        if connection.vendor == "postgresql":
            cursor.execute(f'VACUUM ANALYZE "{table}"')
    return time.perf_counter() - start


def admin_user(username: str = "bench-admin"):
    from cfdidesk.accounts.services import user_create

    return user_create(username=username, password="una-clave-de-bench-123", role="administrator")


def logged_in_client(username: str = "bench-admin"):
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


# ---------------------------------------------------------------- any table (helpdesk benchmarks)


def _foreign_keys(cursor, vendor: str, table: str) -> list[tuple[str, str]]:
    """(name, definition) of the table's foreign keys on PostgreSQL; SQLite keeps its own (cheap there)."""
    if vendor != "postgresql":
        return []
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'f'",
        [table],
    )
    return list(cursor.fetchall())


@contextlib.contextmanager
def bulk_loading():
    """SQLite: PRAGMA synchronous=OFF and a large page cache while loading; the settings' NORMAL afterwards."""
    from django.db import connection

    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA synchronous=OFF")
        cursor.execute("PRAGMA cache_size=-524288")  # 512 MB, for the index rebuilds
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA cache_size=-2000")
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def load_table(
    table: str, columns: list[str], rows: Iterable[tuple], *, batch: int = 20_000
) -> tuple[int, float]:
    """Insert database-ready rows (str, int, bool, None; datetimes already as text) into any table.

    The same method as load_companies: secondary indexes dropped and rebuilt from their catalog
    definitions; on PostgreSQL also the foreign keys (ADD CONSTRAINT checks every row in one
    pass instead of one trigger per row), COPY, then VACUUM ANALYZE; on SQLite executemany in
    one transaction (wrap the calls in bulk_loading() for synchronous=OFF). Returns (rows, seconds).
    """
    from django.db import connection, transaction

    start = time.perf_counter()
    count = 0
    with connection.cursor() as cursor:
        indexes = _secondary_indexes(cursor, connection.vendor, table)
        foreign = _foreign_keys(cursor, connection.vendor, table)
        with transaction.atomic():
            for name, _definition in foreign:
                cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
            for name, _sql in indexes:
                cursor.execute(f'DROP INDEX "{name}"')
            if connection.vendor == "sqlite":
                sql = f'INSERT INTO "{table}" ({", ".join(columns)}) VALUES ({", ".join(["%s"] * len(columns))})'
                chunk = []
                for row in rows:
                    chunk.append(row)
                    if len(chunk) >= batch:
                        cursor.executemany(sql, chunk)
                        count += len(chunk)
                        chunk.clear()
                if chunk:
                    cursor.executemany(sql, chunk)
                    count += len(chunk)
            else:
                raw = connection.connection.cursor()
                quoted = ", ".join(f'"{c}"' for c in columns)
                with raw.copy(f'COPY "{table}" ({quoted}) FROM STDIN') as copy:
                    for row in rows:
                        copy.write_row(row)
                        count += 1
            for _name, create in indexes:
                cursor.execute(create)
            for name, definition in foreign:
                cursor.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')
        if connection.vendor == "postgresql":
            cursor.execute(f'VACUUM ANALYZE "{table}"')
    return count, time.perf_counter() - start


def reset_sequences(*models) -> None:
    """After loading rows with explicit ids: the next id PostgreSQL hands out follows the largest one."""
    from django.core.management.color import no_style
    from django.db import connection

    statements = connection.ops.sequence_reset_sql(no_style(), list(models))
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def timestamp_text():
    """A function: UTC epoch seconds -> the text a DateTimeField holds (SQLite: no offset; PostgreSQL: +00)."""
    from django.db import connection

    suffix = "" if connection.vendor == "sqlite" else "+00"
    clock = [
        f" {h:02d}:{m:02d}:{s:02d}{suffix}" for h in range(24) for m in range(60) for s in range(60)
    ]
    days: dict[int, str] = {}

    def text(seconds: float) -> str:
        day, second = divmod(int(seconds), 86400)
        date = days.get(day)
        if date is None:
            date = days[day] = time.strftime("%Y-%m-%d", time.gmtime(day * 86400))
        return date + clock[second]

    return text


# ---------------------------------------------------------------- helpdesk data: people and Spanish texts

CONTACT_COLUMNS = [
    "id",
    "company_id",
    "name",
    "email",
    "phone",
    "position",
    "language",
    "user_id",
    "created_at",
    "updated_at",
]
POSITIONS = [
    "Contador",
    "Auxiliar contable",
    "Gerente de administración",
    "Facturación",
    "Sistemas",
    "Cuentas por pagar",
    "Tesorería",
    "Director general",
    "",
]
SERIES = ["A", "B", "F", "FAC", "NC", "CP", "FE"]
SUBJECTS = [
    "No timbra la factura {folio}",
    "Error CFDI40{code} al timbrar",
    "Cambio de uso de CFDI en la factura {folio}",
    "No llega el XML al correo del cliente",
    "Solicitud de timbres fiscales adicionales",
    "Error de structure validation en el complemento de pago",
    "Cancelación rechazada por el SAT ({folio})",
    "El PDF no muestra el régimen fiscal del receptor",
    "Alta de usuario para facturación",
    "Configuración de la serie {series} en el generador",
    "Complemento de pago con saldo insoluto incorrecto",
    "Error de mapping en el movimiento {movement}",
    "Reproceso de facturas del {day} de {month}",
    "Certificado de sello digital vencido",
    "Capacitación para el módulo de notas de crédito",
    "El RFC del receptor no está en la lista de contribuyentes",
    "Código postal del receptor no coincide (CFDI40147)",
    "Factura global de público en general de {month}",
    "Instalación del conector en servidor nuevo",
    "No puedo descargar el acuse de cancelación",
    "Timbrado muy lento desde la mañana",
    "Duplicó el folio {folio}",
    "Nota de crédito no relaciona el UUID",
    "Error al importar el layout de clientes",
    "Addenda de {customer} rechazada",
    "Cambio de razón social del emisor",
    "El generador se cierra al timbrar",
]
MONTHS = [
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
]
SENTENCES = [
    "Buen día, al intentar timbrar la factura el sistema muestra un error y no genera el XML.",
    "El problema empezó hoy después de actualizar el generador a la versión nueva.",
    "Ya revisamos que el RFC y el código postal del receptor coincidan con la constancia de situación fiscal.",
    "Les anexo el mensaje exacto que aparece en pantalla y el movimiento que falla.",
    "Necesitamos resolverlo hoy porque el cliente no nos paga sin la factura.",
    "Otras facturas del mismo día sí se timbraron sin problema.",
    "El error dice que el régimen fiscal del receptor no corresponde al tipo de persona.",
    "¿Pueden ayudarnos a reprocesar las facturas que quedaron pendientes?",
    "El complemento de pago muestra un saldo insoluto distinto al de nuestro sistema contable.",
    "Cuando cancelamos con motivo 01 nos pide el folio de sustitución y no sabemos cuál poner.",
    "La factura global de público en general no se generó al cierre del mes.",
    "Desde la mañana el timbrado tarda más de un minuto por factura.",
    "Intentamos con otro usuario y sucede lo mismo.",
    "El certificado de sello digital vence la próxima semana y queremos cargar el nuevo.",
    "Favor de indicarnos los pasos para dar de alta la serie nueva en el generador.",
    "El cliente dice que no le llegó el correo con el XML y el PDF.",
    "Agradeceremos su pronta atención.",
    "Saludos cordiales y gracias por el apoyo.",
]
REPLIES = [
    "Hola, gracias por escribirnos. Revisamos el movimiento y el error se debe a que el código postal del receptor no "
    "coincide con el de su constancia. Corríjanlo en el catálogo de clientes y vuelvan a timbrar, por favor.",
    "Buen día. Ya reprocesamos las facturas pendientes; por favor confirmen que aparecen como timbradas en su portal.",
    "Hola, para cancelar con motivo 01 deben timbrar primero la factura que sustituye y relacionar su UUID.",
    "Le compartimos la guía para configurar la serie nueva. Si algo no queda claro, con gusto agendamos una sesión remota.",
    "Gracias por la información. Estamos revisando con el proveedor de certificación y les avisamos en cuanto tengamos respuesta.",
    "Quedó corregido el mapeo del movimiento. ¿Nos confirman que ya pueden timbrar?",
    "Hola, el certificado nuevo ya quedó cargado y probado con una factura de prueba.",
    "Buen día, ¿nos pueden enviar el XML que devuelve el error y una captura de pantalla del mensaje?",
]
CUSTOMER_REPLIES = [
    "Gracias, ya quedó. Pueden cerrar el reporte.",
    "Sigue marcando el mismo error, les adjunto la captura.",
    "Ya corregimos el código postal pero ahora dice que el régimen no corresponde.",
    "Perfecto, muchas gracias por la ayuda tan rápida.",
    "¿Tienen alguna novedad? El cliente nos sigue pidiendo la factura.",
    "Les mando el XML que nos pidieron. Quedamos atentos.",
    "Confirmo que ya aparecen timbradas, gracias.",
]
NOTES = [
    "Se revisó en sesión remota: el catálogo de clientes tenía el CP anterior.",
    "Escalado a nivel 2 para revisar el mapeo del generador.",
    "El cliente pide que se le llame después de las 16:00.",
    "Pendiente respuesta del PAC sobre la cancelación.",
    "Se reprocesaron 14 movimientos del día.",
    "Cliente molesto por el tiempo de respuesta; dar prioridad.",
]
EXACT_MESSAGES = [
    "CFDI40147 - El campo DomicilioFiscalReceptor del receptor, debe encontrarse en la lista de RFC inscritos no cancelados en el SAT.",
    "CFDI40158 - El campo RegimenFiscalReceptor no corresponde con el tipo de persona.",
    "CRP20238 - El campo ImpSaldoInsoluto debe ser mayor o igual a cero.",
    "301 - XML mal formado",
    "305 - La fecha de emisión no está dentro de la vigencia del CSD del emisor.",
]


def subject_text(rng) -> str:
    template = rng.choice(SUBJECTS)
    if "{" not in template:
        return template
    return template.format(
        folio=f"{rng.choice(SERIES)}-{rng.randrange(1, 99999)}",
        code=rng.randrange(100, 299),
        series=rng.choice(SERIES),
        movement=rng.randrange(10_000_000, 99_999_999),
        day=rng.randrange(1, 29),
        month=rng.choice(MONTHS),
        customer=rng.choice(NAMES),
    )


def description_text(rng) -> str:
    return " ".join(rng.choice(SENTENCES) for _ in range(2 + int(rng.random() * 3)))


def person_name(rng) -> tuple[str, str]:
    return rng.choice(FIRST_NAMES), f"{rng.choice(SURNAMES)} {rng.choice(SURNAMES)}"


def contact_rows(
    companies: list[tuple[int, str]], *, seed: int = 11, first_id: int = 1, when: str = ""
):
    """1-3 contacts per company (1.6 on average), lower-case e-mails at the company's domain.

    companies: (id, main e-mail). Returns (rows in CONTACT_COLUMNS order, {company_id: [(id, name, email)]}).
    """
    rng = _FastRandom(seed)
    rows, by_company = [], {}
    next_id = first_id
    for company_id, email in companies:
        domain = email.rpartition("@")[2]
        people = by_company[company_id] = []
        for _ in range(1 if rng.random() < 0.55 else (2 if rng.random() < 0.75 else 3)):
            first, last = person_name(rng)
            address = f"{_slug(first)}.{_slug(last.split()[0])}.{_base36(next_id)}@{domain}"
            name = f"{first} {last}"
            phone = (
                f"55 {rng.randrange(1000, 9999)} {rng.randrange(1000, 9999)}"
                if rng.random() < 0.6
                else ""
            )
            language = "es-mx" if rng.random() < 0.97 else "en"
            rows.append(
                (
                    next_id,
                    company_id,
                    name,
                    address,
                    phone,
                    rng.choice(POSITIONS),
                    language,
                    None,
                    when,
                    when,
                )
            )
            people.append((next_id, name, address))
            next_id += 1
    return rows, by_company


def consultants(n: int, *, seed: int = 5) -> list:
    """n active consultants (role "consultant", no usable password: the benchmarks log in with force_login)."""
    from cfdidesk.accounts.services import user_create

    rng = _FastRandom(seed)
    users = []
    for i in range(1, n + 1):
        first, last = person_name(rng)
        users.append(
            user_create(
                username=f"consultor{i:02d}",
                password=None,
                role="consultant",
                email=f"consultor{i:02d}@mesa.example",
                first_name=first,
                last_name=last,
            )
        )
    return users


def load_company_rows(rows: Iterable[tuple], columns: list[str]) -> float:
    """load_companies on SQLite; on PostgreSQL load_table, which also lifts the table's foreign keys.

    Since customers_company.import_job_id (a deferred foreign key), COPY queues one trigger event per
    row, and load_companies' CREATE INDEX in the same transaction then fails with "cannot CREATE
    INDEX ... because it has pending trigger events".
    """
    from django.db import connection

    if connection.vendor == "sqlite":
        return load_companies(rows, columns)
    return load_table("customers_company", columns, rows)[1]


# ---------------------------------------------------------------- timed requests and plans


def timed_get(client, url: str, headers: dict | None = None) -> dict:
    """GET through django.test.Client with its SQL captured and each query timed to the µs
    (CaptureQueriesContext keeps whole milliseconds only): response, ms, cpu_ms, captured,
    sql_ms and the slowest (ms, sql) pair."""
    import time

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
