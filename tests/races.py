"""Races proven against the real database with threads: every caller starts at the same instant.

SQLite serialises writers, so these tests run on PostgreSQL only (`needs_postgres`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections


def needs_postgres() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the race needs several connections writing at once: PostgreSQL")


def run_together(
    n: int, target: Callable[[int], object], *, timeout: float = 60
) -> list[tuple[str, object]]:
    """Run target(0) … target(n-1) in n threads released together.

    Returns one outcome per thread: ("ok", result), ("refused", message_dict) for a ValidationError
    (what the user would be told), or ("error", repr) for anything else.
    """
    barrier = threading.Barrier(n)
    outcomes: list[tuple[str, object]] = []

    def worker(i: int) -> None:
        try:
            barrier.wait()
            outcomes.append(("ok", target(i)))
        except ValidationError as exc:
            outcomes.append(
                ("refused", exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
            )
        except Exception as exc:  # noqa: BLE001 (the test reports any other failure)
            outcomes.append(("error", repr(exc)))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout)
    return outcomes
