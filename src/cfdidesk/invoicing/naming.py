"""The file names of a document's XML: one rule for the pipeline, the import, the pages and the API."""

from __future__ import annotations

import re

_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")
PRE_PREFIX = "PRE_"


def _safe(text: str, limit: int) -> str:
    return _UNSAFE.sub("_", text)[:limit]


def pre_file_name(series: str, folio: int | None, movement_id: str) -> str:
    """PRE_<series><folio or movement>.xml: the name says at a glance it is not stamped (seed 000)."""
    key = str(folio) if folio is not None else _safe(movement_id, 80)
    return f"{PRE_PREFIX}{_safe(series, 25)}{key}.xml"


def stamped_file_name(series: str, folio: int) -> str:
    return f"{_safe(series, 25)}{folio}.xml"


def pre_download_name(file_name: str, *, stamped: bool) -> str:
    """The PRE's download name: a stamped document's file name is its stamped XML's, so PRE_ goes first."""
    return f"{PRE_PREFIX}{file_name}" if stamped else file_name
