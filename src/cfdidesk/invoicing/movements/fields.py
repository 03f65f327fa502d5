"""Reading one object of a movement through its schema: texts, decimals, SAT codes, dates, amounts.

A `Block` is one JSON object of the payload (the movement, its receptor, a concept, a tax...) and
the schema that documents it (schema.py). Every read names a field of that schema: the field's
requiredness and default come from there, and a field the schema does not define cannot be read
(KeyError), so the normaliser accepts exactly what the API documents.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

from django.utils.translation import gettext as _
from ninja import Schema

_CONTROL = re.compile(r"[\x00-\x1f\x7f|]")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_NUMBERS = (int, Decimal)  # a number where a text goes is taken as its text
_NOT_DECIMALS = (bool, float)  # JSON is parsed with Decimal: a float has already lost cents


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str


class Errors(list):
    def add(self, field: str, message: str) -> None:
        self.append(FieldError(field, message))


def canonical_decimal(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "") else text


@cache
def schema_fields(model: type[Schema]) -> dict[str, tuple[bool, Any, str]]:
    """{field: (required, default, default as text ("" unless a text))} of a payload schema."""
    out = {}
    for name, info in model.model_fields.items():
        required = info.is_required()
        default = None if required else info.get_default(call_default_factory=True)
        out[name] = (required, default, default if isinstance(default, str) else "")
    return out


class Block:
    """One object of the payload, read field by field through its schema.

    Field paths ("concepts[0].quantity") are only built for an error, and the hot readers look
    the field up themselves: the normaliser runs for every movement of a 1,000-movement batch.
    """

    __slots__ = ("errors", "fields", "index", "model", "raw", "where")

    def __init__(self, raw: dict, errors: Errors, model: type[Schema], where: str = ""):
        self.raw = raw
        self.errors = errors
        self.model = model
        self.where = where  # the object's path; a list's path when it reads the list's items
        self.index: int | None = None
        self.fields = schema_fields(model)

    def at(self, raw: dict, index: int) -> Block:
        """The same reader over item `index` of its list (a concept, a tax): one Block per list,
        not one per item."""
        self.raw = raw
        self.index = index
        return self

    def _unknown(self, key: str) -> KeyError:
        return KeyError(f"{self.model.__name__} has no field {key!r}")

    def spec(self, key: str) -> tuple[bool, Any, str]:
        """(required, default, default text) of the field; KeyError when the schema lacks it."""
        try:
            return self.fields[key]
        except KeyError:
            raise self._unknown(key) from None

    def path(self, key: str = "") -> str:
        """The path of a field ("concepts[0].quantity"), or of the object itself without `key`."""
        where = self.where if self.index is None else f"{self.where}[{self.index}]"
        if not key:
            return where
        return f"{where}.{key}" if where else key

    def error(self, key: str, message: str) -> None:
        self.errors.append(FieldError(self.path(key), message))

    def value(self, key: str) -> Any:
        """The raw value as it came (None when missing)."""
        try:
            self.fields[key]
        except KeyError:
            raise self._unknown(key) from None
        return self.raw.get(key)

    def text(
        self, key: str, *, required: bool | None = None, max_length: int = 300, upper: bool = False
    ) -> str:
        try:
            schema_required = self.fields[key][0]
        except KeyError:
            raise self._unknown(key) from None
        value = self.raw.get(key)
        if value is None:
            value = ""
        elif isinstance(value, _NUMBERS) and not isinstance(value, bool):
            value = str(value)
        elif not isinstance(value, str):
            self.error(key, _("Debe ser texto."))
            return ""
        value = value.strip()
        if upper:
            value = value.upper()
        if (schema_required if required is None else required) and not value:
            self.error(key, _("Falta este dato."))
        elif len(value) > max_length:
            self.error(
                key,
                _("Admite hasta %(n)d caracteres; trae %(len)d.")
                % {"n": max_length, "len": len(value)},
            )
        elif _CONTROL.search(value):
            self.error(key, _("No admite el carácter «|» ni caracteres de control."))
        return value

    def decimal(
        self, key: str, *, required: bool | None = None, positive: bool = False
    ) -> str | None:
        """A decimal amount as canonical text: finite, not negative (or > 0), 18 + 6 digits."""
        try:
            schema_required = self.fields[key][0]
        except KeyError:
            raise self._unknown(key) from None
        value = self.raw.get(key)
        if value is None or value == "":
            if schema_required if required is None else required:
                self.error(key, _("Falta este dato."))
            return None
        if isinstance(value, _NOT_DECIMALS):
            number = None
        else:
            try:
                number = Decimal(value.strip() if isinstance(value, str) else value)
            except (InvalidOperation, TypeError, ValueError):
                number = None
        if (
            number is None
            or not number.is_finite()
            or number < 0
            or (positive and number == 0)
            or abs(number) >= _MAX_AMOUNT
            or number.as_tuple().exponent < -6
        ):
            self.error(key, _number_problem(number, value, positive))
            return None
        return canonical_decimal(number)

    def code(
        self,
        key: str,
        catalog,
        catalog_name: str,
        *,
        required: bool | None = None,
        default: str | None = None,
    ) -> str:
        """A SAT catalog code, upper-case; the default when missing (an error if required and none)."""
        try:
            schema_required, _default, schema_text = self.fields[key]
        except KeyError:
            raise self._unknown(key) from None
        if default is None:
            default = schema_text
        value = self.raw.get(key)
        if value is None or value == "":
            if (schema_required if required is None else required) and not default:
                self.error(key, _("Falta este dato."))
            return default
        value = str(value).strip().upper()
        if value not in catalog:
            self.error(
                key,
                _("«%(code)s» no está en el catálogo %(catalog)s del SAT.")
                % {"code": value[:30], "catalog": catalog_name},
            )
        return value

    def date(self, key: str, *, required: bool | None = None) -> str:
        """AAAA-MM-DD."""
        value = self.text(key, required=required, max_length=10)
        if not value:
            return ""
        try:
            date.fromisoformat(value)
        except ValueError:
            valid = False
        else:
            valid = bool(_ISO_DATE.match(value))
        if not valid:
            self.error(
                key, _("«%(value)s» no es una fecha: va como AAAA-MM-DD.") % {"value": value}
            )
        return value

    def amount_mxn(self, key: str, *, required: bool | None = None) -> str | None:
        """A payroll amount: pesos, not negative, at most 2 decimals (tdCFDI's t_ImporteMXN)."""
        default = self.spec(key)[1]
        if isinstance(default, str) and self.raw.get(key) in (None, ""):
            return default
        value = self.decimal(key, required=required)
        if value is not None and -Decimal(value).as_tuple().exponent > 2:
            self.error(
                key,
                _("Un importe de nómina lleva hasta 2 decimales; trae %(value)s.")
                % {"value": value},
            )
            return None
        return value

    def key(self, key: str, *, min_length: int = 3, max_length: int = 15) -> str:
        """An employer's own key (a perception's code...): min_length to max_length characters."""
        value = self.text(key, max_length=max_length)
        if value and len(value) < min_length:
            self.error(
                key,
                _("Lleva de %(min)d a %(max)d caracteres; trae %(len)d.")
                % {"min": min_length, "max": max_length, "len": len(value)},
            )
        return value


_MAX_AMOUNT = Decimal("1e18")


def _number_problem(number: Decimal | None, value, positive: bool) -> str:
    """What is wrong with a decimal amount (the first rule it breaks)."""
    if number is None:
        if isinstance(value, _NOT_DECIMALS):
            # JSON is parsed with Decimal; a float here would already have lost cents.
            return _("Debe ser un número decimal.")
        return _("«%(value)s» no es un número (usa punto decimal y sin separador de miles).") % {
            "value": str(value)[:40]
        }
    if not number.is_finite():
        return _("Debe ser un número decimal.")
    if positive and number <= 0:
        return _("Debe ser mayor que cero; trae %(value)s.") % {"value": canonical_decimal(number)}
    if number < 0:
        return _("No puede ser negativo; trae %(value)s.") % {"value": canonical_decimal(number)}
    return _("Admite hasta 18 dígitos enteros y 6 decimales.")
