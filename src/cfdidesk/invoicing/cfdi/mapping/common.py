"""What every part of the mapping shares: its error, the emitter, decimals and the local time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import lru_cache

from .. import Issue

SIX = Decimal("0.000001")
CENTS = Decimal("0.01")
THOUSANDTHS = Decimal("0.001")


class MappingError(Exception):
    def __init__(self, issues: list[Issue]):
        super().__init__("; ".join(f"{i.field}: {i.message}" for i in issues))
        self.issues = issues


@dataclass(frozen=True)
class Emitter:
    """What the environment contributes to every CFDI it issues."""

    rfc: str
    name: str
    tax_regime: str
    postal_code: str
    certificate_number: str = ""
    certificate_base64: str = ""


@lru_cache(maxsize=2048)
def place_timezone(postal_code: str):
    """The time zone of a postal code (SAT's catalog, through satcfdi)."""
    from satcfdi.transform import get_timezone

    return get_timezone(postal_code)


def local_now(postal_code: str) -> datetime:
    """The aware local time at the place of issue (CFDI's Fecha is local, without offset)."""
    from django.utils import timezone

    try:
        tz = place_timezone(postal_code)
    except Exception:  # a postal code missing from the catalog: central time, validation reports it
        tz = place_timezone("06000")
    return timezone.now().astimezone(tz).replace(microsecond=0)


def to_decimal(value) -> Decimal | None:
    return None if value in (None, "") else Decimal(value)
