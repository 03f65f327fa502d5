"""Loading rows as fast as the database allows.

The table's secondary indexes (and, on PostgreSQL, its foreign keys) are dropped and rebuilt from
their own catalog definitions, so the schema afterwards is the migrated one (unique constraints
re-checked); SQLite takes the rows with executemany in one transaction, PostgreSQL with COPY and is
then VACUUM ANALYZEd, as autovacuum would do soon after a load.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterable, Iterator


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


@contextlib.contextmanager
def _lifted(cursor, vendor: str, table: str):
    """Drop the table's foreign keys and secondary indexes; rebuild them when the block ends."""
    indexes = _secondary_indexes(cursor, vendor, table)
    foreign = _foreign_keys(cursor, vendor, table)
    for name, _definition in foreign:
        cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
    for name, _sql in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
    yield
    for _name, create in indexes:
        cursor.execute(create)
    for name, definition in foreign:
        cursor.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')


def _insert_many(cursor, table: str, columns: list[str], rows: Iterable, batch: int) -> int:
    """SQLite: one prepared INSERT run over chunks of `batch` rows; returns how many."""
    sql = (
        f'INSERT INTO "{table}" ({", ".join(columns)}) VALUES ({", ".join(["%s"] * len(columns))})'
    )
    count = 0
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
    return count


def _copy(connection, table: str, columns: list[str], rows: Iterable) -> int:
    """PostgreSQL: COPY ... FROM STDIN; returns how many rows."""
    count = 0
    raw = connection.connection.cursor()
    quoted = ", ".join(f'"{c}"' for c in columns)
    with raw.copy(f'COPY "{table}" ({quoted}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


def load_table(
    table: str, columns: list[str], rows: Iterable[tuple], *, batch: int = 20_000
) -> tuple[int, float]:
    """Insert database-ready rows (str, int, bool, None; datetimes already as text) into any table.

    Secondary indexes dropped and rebuilt from their catalog definitions; on PostgreSQL also the
    foreign keys (ADD CONSTRAINT checks every row in one pass instead of one trigger per row),
    COPY, then VACUUM ANALYZE; on SQLite executemany in one transaction (wrap the calls in
    bulk_loading() for synchronous=OFF). Returns (rows, seconds).
    """
    from django.db import connection, transaction

    start = time.perf_counter()
    with connection.cursor() as cursor:
        with transaction.atomic(), _lifted(cursor, connection.vendor, table):
            if connection.vendor == "sqlite":
                count = _insert_many(cursor, table, columns, rows, batch)
            else:
                count = _copy(connection, table, columns, rows)
        if connection.vendor == "postgresql":
            cursor.execute(f'VACUUM ANALYZE "{table}"')
    return count, time.perf_counter() - start


def _datetimes_as_text(rows: Iterable[tuple], columns: list[str], batch: int) -> Iterator[list]:
    """CompanyFactory.db_rows with its datetimes as the text SQLite stores (each distinct one
    adapted once per `batch` rows)."""
    from django.db import connection

    adapt = connection.ops.adapt_datetimefield_value
    when = (columns.index("created_at"), columns.index("updated_at"), columns.index("archived_at"))
    cache: dict = {}
    for n, row in enumerate(rows, 1):
        row = list(row)
        for i in when:
            v = row[i]
            if v is not None:
                s = cache.get(v)
                if s is None:
                    s = cache[v] = adapt(v)
                row[i] = s
        yield row
        if n % batch == 0:
            cache.clear()


def load_company_rows(rows: Iterable[tuple], columns: list[str], *, batch: int = 10_000) -> float:
    """Insert CompanyFactory.db_rows into customers_company with load_table; returns seconds.

    PostgreSQL takes the rows as they are (COPY adapts datetimes) and has its foreign keys lifted
    too: since customers_company.import_job_id (a deferred foreign key), COPY queues one trigger
    event per row, and a CREATE INDEX in the same transaction then fails with "cannot CREATE
    INDEX ... because it has pending trigger events".
    """
    from django.db import connection

    if connection.vendor == "sqlite":
        rows = _datetimes_as_text(rows, columns, batch)
    return load_table("customers_company", columns, rows, batch=batch)[1]


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
