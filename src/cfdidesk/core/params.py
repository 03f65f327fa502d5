"""Query-string and form values read the same way on every page: a bad value is the default, never an error."""

from __future__ import annotations

from typing import overload

# The largest integer a database column (and an SQL parameter) holds: beyond it a lookup would fail.
MAX_INT = 2**63 - 1
# Pages past this are empty anyway; the cap keeps OFFSET arithmetic inside 64 bits.
MAX_PAGE = 1_000_000


@overload
def int_param(value: object, default: int) -> int: ...
@overload
def int_param(value: object, default: None = None) -> int | None: ...
def int_param(value: object, default: int | None = None) -> int | None:
    """`value` as an integer a database can hold, or `default` (missing, not a number, too big)."""
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return default
    return number if -MAX_INT - 1 <= number <= MAX_INT else default


def page_param(value: object) -> int:
    """A page number: 1 unless a positive integer is given; capped at MAX_PAGE (a page past the
    end, however large the number, is an empty page, never an error)."""
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return 1
    return min(max(number, 1), MAX_PAGE)


def id_param(value: object) -> int | None:
    """A primary key from the query string: a positive integer, else None."""
    number = int_param(value)
    return number if number is not None and number > 0 else None
