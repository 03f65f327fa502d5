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
def schema_fields(model: type[Schema]) -> dict[str, tuple[bool, Any]]:
    """{field: (required, default)} of a payload schema."""
    out = {}
    for name, info in model.model_fields.items():
        required = info.is_required()
        out[name] = (required, None if required else info.get_default(call_default_factory=True))
    return out


class Block:
    """One object of the payload, read field by field through its schema."""

    __slots__ = ("errors", "fields", "model", "raw", "where")

    def __init__(self, raw: dict, errors: Errors, model: type[Schema], where: str = ""):
        self.raw = raw
        self.errors = errors
        self.model = model
        self.where = where
        self.fields = schema_fields(model)

    def spec(self, key: str) -> tuple[bool, Any]:
        """(required, default) of the field; KeyError when the schema does not define it."""
        try:
            return self.fields[key]
        except KeyError:
            raise KeyError(f"{self.model.__name__} has no field {key!r}") from None

    def path(self, key: str) -> str:
        return f"{self.where}.{key}" if self.where else key

    def value(self, key: str) -> Any:
        """The raw value as it came (None when missing)."""
        self.spec(key)
        return self.raw.get(key)

    def _required(self, key: str, required: bool | None) -> bool:
        return self.spec(key)[0] if required is None else required

    def _default_text(self, key: str, default: str | None) -> str:
        if default is not None:
            return default
        schema_default = self.spec(key)[1]
        return schema_default if isinstance(schema_default, str) else ""

    def text(
        self, key: str, *, required: bool | None = None, max_length: int = 300, upper: bool = False
    ) -> str:
        return _text(
            self.value(key),
            self.errors,
            self.path(key),
            required=self._required(key, required),
            max_length=max_length,
            upper=upper,
        )

    def decimal(
        self, key: str, *, required: bool | None = None, positive: bool = False
    ) -> str | None:
        return _decimal(
            self.value(key),
            self.errors,
            self.path(key),
            required=self._required(key, required),
            positive=positive,
        )

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
        value = self.value(key)
        default = self._default_text(key, default)
        if value is None or value == "":
            if self._required(key, required) and not default:
                self.errors.add(self.path(key), _("Falta este dato."))
            return default
        value = str(value).strip().upper()
        if value not in catalog:
            self.errors.add(
                self.path(key),
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
            self.errors.add(
                self.path(key),
                _("«%(value)s» no es una fecha: va como AAAA-MM-DD.") % {"value": value},
            )
        return value

    def amount_mxn(self, key: str, *, required: bool | None = None) -> str | None:
        """A payroll amount: pesos, not negative, at most 2 decimals (tdCFDI's t_ImporteMXN)."""
        default = self.spec(key)[1]
        if isinstance(default, str) and self.raw.get(key) in (None, ""):
            return default
        value = self.decimal(key, required=required)
        if value is not None and -Decimal(value).as_tuple().exponent > 2:
            self.errors.add(
                self.path(key),
                _("Un importe de nómina lleva hasta 2 decimales; trae %(value)s.")
                % {"value": value},
            )
            return None
        return value

    def key(self, key: str, *, min_length: int = 3, max_length: int = 15) -> str:
        """An employer's own key (a perception's code...): min_length to max_length characters."""
        value = self.text(key, max_length=max_length)
        if value and len(value) < min_length:
            self.errors.add(
                self.path(key),
                _("Lleva de %(min)d a %(max)d caracteres; trae %(len)d.")
                % {"min": min_length, "max": max_length, "len": len(value)},
            )
        return value


def _text(value, errors: Errors, field: str, *, required: bool, max_length: int, upper: bool):
    if value is None:
        value = ""
    elif isinstance(value, int | Decimal) and not isinstance(value, bool):
        value = str(value)
    elif not isinstance(value, str):
        errors.add(field, _("Debe ser texto."))
        return ""
    value = value.strip()
    if upper:
        value = value.upper()
    if required and not value:
        errors.add(field, _("Falta este dato."))
    elif len(value) > max_length:
        errors.add(
            field,
            _("Admite hasta %(n)d caracteres; trae %(len)d.")
            % {"n": max_length, "len": len(value)},
        )
    elif _CONTROL.search(value):
        errors.add(field, _("No admite el carácter «|» ni caracteres de control."))
    return value


def _number(value, errors: Errors, field: str) -> Decimal | None:
    """A finite Decimal from a JSON number or a text, or None after saying why not."""
    if isinstance(value, bool) or isinstance(value, float):
        # JSON is parsed with Decimal; a float here would already have lost cents.
        errors.add(field, _("Debe ser un número decimal."))
        return None
    try:
        number = Decimal(value.strip() if isinstance(value, str) else value)
    except (InvalidOperation, TypeError, ValueError):
        errors.add(
            field,
            _("«%(value)s» no es un número (usa punto decimal y sin separador de miles).")
            % {"value": str(value)[:40]},
        )
        return None
    if not number.is_finite():
        errors.add(field, _("Debe ser un número decimal."))
        return None
    return number


def _decimal(value, errors: Errors, field: str, *, required: bool, positive: bool) -> str | None:
    if value is None or value == "":
        if required:
            errors.add(field, _("Falta este dato."))
        return None
    number = _number(value, errors, field)
    if number is None:
        return None
    if positive and number <= 0:
        errors.add(
            field,
            _("Debe ser mayor que cero; trae %(value)s.") % {"value": canonical_decimal(number)},
        )
        return None
    if number < 0:
        errors.add(
            field,
            _("No puede ser negativo; trae %(value)s.") % {"value": canonical_decimal(number)},
        )
        return None
    if abs(number) >= Decimal("1e18") or -number.as_tuple().exponent > 6:
        errors.add(field, _("Admite hasta 18 dígitos enteros y 6 decimales."))
        return None
    return canonical_decimal(number)
