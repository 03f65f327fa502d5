"""Which routing rule a new ticket matches: no database here, the selectors load the rules.

Conditions that are set must all hold; keywords match whole words of the subject, without regard
to case or accents ("timbre" finds "TIMBRÉ" but not "timbres"; write both if both are meant).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol, TypeVar

from cfdidesk.customers.rules import search_key

MAX_KEYWORDS = 30
MAX_KEYWORD_LENGTH = 60


class RuleLike(Protocol):
    channel: str
    kind: str
    category_id: int | None
    company_id: int | None
    keywords: str


R = TypeVar("R", bound=RuleLike)


@dataclass(frozen=True)
class Arrival:
    """What routing looks at of a ticket being opened."""

    channel: str
    kind: str
    category_id: int | None
    company_id: int | None
    subject: str


def keyword_list(text: str) -> list[str]:
    """The rule's keywords as typed, one per comma, semicolon or line; blanks dropped."""
    return [w.strip() for w in re.split(r"[,;\n]+", text or "") if w.strip()]


@lru_cache(maxsize=256)
def keyword_pattern(text: str) -> re.Pattern[str] | None:
    """One regular expression for all the rule's keywords (compiled once per distinct text)."""
    words = sorted({search_key(w) for w in keyword_list(text)}, key=len, reverse=True)
    if not words:
        return None
    alternatives = "|".join(r"\s+".join(map(re.escape, w.split())) for w in words)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")


def rule_matches(rule: RuleLike, arrival: Arrival, subject_key: str | None = None) -> bool:
    if rule.channel and rule.channel != arrival.channel:
        return False
    if rule.kind and rule.kind != arrival.kind:
        return False
    if rule.category_id and rule.category_id != arrival.category_id:
        return False
    if rule.company_id and rule.company_id != arrival.company_id:
        return False
    pattern = keyword_pattern(rule.keywords)
    if pattern is None:
        return True
    key = subject_key if subject_key is not None else search_key(arrival.subject)
    return pattern.search(key) is not None


def first_match(rules: Iterable[R], arrival: Arrival) -> R | None:
    """The first rule (in the order given) whose conditions the ticket meets."""
    key = search_key(arrival.subject)
    for rule in rules:
        if rule_matches(rule, arrival, key):
            return rule
    return None


def keyword_errors(text: str) -> list[str]:
    """Problems with a rule's keywords, as (untranslated) codes the services turn into messages."""
    words = keyword_list(text)
    problems = []
    if len(words) > MAX_KEYWORDS:
        problems.append("too_many")
    if any(len(w) > MAX_KEYWORD_LENGTH for w in words):
        problems.append("too_long")
    return problems
