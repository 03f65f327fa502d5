"""What a tag name may be, and when two names are the same tag. No database here."""

from __future__ import annotations

import re

from cfdidesk.customers.rules import search_key

MAX_NAME = 40
MAX_PER_TICKET = 20
_SPACES = re.compile(r"\s+")


def tag_name(text: str) -> str:
    """The name as it is shown: trimmed, inner spaces collapsed, without commas (they separate tags)."""
    return _SPACES.sub(" ", (text or "").replace(",", " ")).strip()


def tag_key(text: str) -> str:
    """The same tag whatever its case or accents: "Timbrado", "timbrado" and "TIMBRADO"."""
    return search_key(tag_name(text))


def tag_names(text: str) -> list[str]:
    """Tag names typed in one box, separated by commas; the same tag twice counts once."""
    seen, names = set(), []
    for raw in (text or "").split(","):
        name = tag_name(raw)
        if name and tag_key(name) not in seen:
            seen.add(tag_key(name))
            names.append(name)
    return names
