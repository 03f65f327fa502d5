"""What a movement ("movto") must look like when it arrives, by API or file.

`normalize_movement` checks the shape, the SAT catalog codes and the amounts, and returns the
movement in one canonical form (decimals as plain strings, codes upper-case, defaults filled):
two sends of the same movement hash the same whatever their spacing or "100" vs "100.00".
What needs the environment or relations between fields (UsoCFDI for the regime, postal codes
that exist, payment form 99 with PPD, totals) is structure validation, later.

The payload is defined once, in schema.py (the API documents it with the same schemas); the
normaliser reads each field through it (fields.Block). The blocks: invoice.py (receptor, related,
concepts, taxes), payment.py (P), payroll.py (N); normalize.py puts them together.
"""

from .fields import FieldError, canonical_decimal
from .invoice import MAX_CONCEPTS
from .normalize import TYPE_ALIASES, content_hash, normalize_movement
from .payroll import MAX_PAYROLL_LINES

__all__ = [
    "MAX_CONCEPTS",
    "MAX_PAYROLL_LINES",
    "TYPE_ALIASES",
    "FieldError",
    "canonical_decimal",
    "content_hash",
    "normalize_movement",
]
