"""One query per page, for every list of the product (pages and API)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from .params import MAX_PAGE


@dataclass
class Page:
    items: list[Any]
    number: int
    has_next: bool
    has_previous: bool


def page_of(queryset: QuerySet, *, number: int, size: int) -> Page:
    """One query per page: fetch one row more than shown to know whether a next page exists.

    Counting a million rows on every page view costs more than the page itself.
    """
    number = min(max(1, number), MAX_PAGE)  # OFFSET stays inside 64 bits whatever is asked
    start = (number - 1) * size
    rows = list(queryset[start : start + size + 1])
    return Page(
        items=rows[:size], number=number, has_next=len(rows) > size, has_previous=number > 1
    )
