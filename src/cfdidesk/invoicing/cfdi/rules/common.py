"""What the rules share: namespaced tag prefixes and lenient decimals (the XSD reports bad ones)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from .. import CFDI_NS, NOMINA_NS

C = f"{{{CFDI_NS}}}"
N = f"{{{NOMINA_NS}}}"


def dec(value) -> Decimal | None:
    if value is None:
        return None
    try:
        return Decimal(value)
    except InvalidOperation:
        return None


def dec_sum(elements, attribute: str) -> Decimal:
    return sum((dec(e.get(attribute)) or Decimal(0) for e in elements), Decimal(0))
