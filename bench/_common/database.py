"""A throwaway database for each run: a SQLite file in a temporary directory, or, when
DATABASE_URL=postgres://..., that PostgreSQL database, created here and dropped at the end.
Uploads and the SQLite file live in a temporary CFDIDESK_VAR_DIR, removed at the end.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile


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
