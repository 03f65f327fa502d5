"""The rules a company's data must follow. Forms, the API and the CSV import all call these."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from cfdidesk.sat.receptor import check_postal_code, check_receptor
from cfdidesk.sat.rfc import normalize_rfc

from .models import EDITABLE_FIELDS, SHIPPING_FIELDS, Company

EMAIL_FIELDS = ("email", "email_2", "email_3")
MAX_LENGTHS = {f: Company._meta.get_field(f).max_length for f in EDITABLE_FIELDS if f != "notes"}
MAX_LENGTHS["notes"] = 5000
_MULTIPLE_EMAILS = re.compile(r"[;,\s]")
_PHONE = re.compile(r"^[0-9+()\-.\s]*(ext\.?\s*\d+)?$", re.IGNORECASE)
DEFAULT_COUNTRY = "México"
_COMBINING = re.compile("[\u0300-\u036f]")  # the accents NFKD splits off letters
# A strict subset of what Django's EmailValidator accepts (dot-atom local part, LDH labels, alphabetic
# TLD): the common address passes here in a microsecond; anything else gets Django's full check.
_PLAIN_EMAIL = re.compile(
    r"[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}"
)


def is_valid_email(value: str) -> bool:
    if len(value) <= 254 and _PLAIN_EMAIL.fullmatch(value):
        return True
    try:
        validate_email(value)
    except ValidationError:
        return False
    return True


@dataclass
class CompanyCheck:
    values: dict[str, str]
    person_type: str | None = None
    errors: dict[str, list[str]] = field(default_factory=dict)
    warnings: dict[str, list[str]] = field(default_factory=dict)

    def add(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)

    @property
    def ok(self) -> bool:
        return not self.errors


def normalize_values(raw: dict) -> dict[str, str]:
    """Strip blanks; RFC upper-case without separators; e-mails lower-case.

    Runs twice per row of a 100,000-row import, so it stays a plain loop.
    """
    get = raw.get
    values = {}
    for name in EDITABLE_FIELDS:
        value = get(name)
        values[name] = (
            ""
            if value is None
            else (value.strip() if isinstance(value, str) else str(value).strip())
        )
    values["rfc"] = normalize_rfc(values["rfc"])
    for name in EMAIL_FIELDS:
        values[name] = values[name].lower()
    if not values["ship_country"] and any(values[f] for f in SHIPPING_FIELDS):
        values["ship_country"] = DEFAULT_COUNTRY
    return values


def search_key(*parts: str) -> str:
    """Lower-case, accent-free text for name search ("Ñandú" matches "nandu")."""
    text = " ".join(p for p in parts if p).lower()
    if text.isascii():
        return text
    return _COMBINING.sub("", unicodedata.normalize("NFKD", text))


def check_company(raw: dict) -> CompanyCheck:
    """Every field rule, including SAT's. Does not look at the database (see services)."""
    values = normalize_values(raw)
    result = CompanyCheck(values)
    _check_lengths(values, result)
    if not values["legal_name"]:
        result.add("legal_name", _("Escribe el nombre o razón social."))
    _check_sat(values, result)
    _check_emails(values, result)
    if values["phone"] and not _PHONE.match(values["phone"]):
        result.add(
            "phone",
            _("El teléfono solo puede tener dígitos, espacios, +, -, paréntesis y extensión."),
        )
    if any(values[f] for f in SHIPPING_FIELDS if f != "ship_country"):
        _check_shipping(values, result)
    return result


def _check_lengths(values: dict[str, str], result: CompanyCheck) -> None:
    for name, limit in MAX_LENGTHS.items():
        if len(values[name]) > limit:
            result.add(name, _("Máximo %(n)d caracteres.") % {"n": limit})


def _check_sat(values: dict[str, str], result: CompanyCheck) -> None:
    """SAT's rules for a receptor: RFC, regime, CFDI use and postal code, and how they combine."""
    receptor = check_receptor(
        rfc=values["rfc"],
        tax_regime=values["tax_regime"],
        cfdi_use=values["cfdi_use"],
        postal_code=values["postal_code"],
    )
    result.person_type = receptor.person_type
    for name, messages in receptor.errors.items():
        for m in messages:
            result.add(name, m)
    result.warnings.update(receptor.warnings)


def _check_shipping(values: dict[str, str], result: CompanyCheck) -> None:
    """A shipping address, once started, needs at least its street and a valid postal code."""
    if not values["ship_street"]:
        result.add("ship_street", _("Para la dirección de envío escribe al menos la calle."))
    if not values["ship_postal_code"]:
        result.add("ship_postal_code", _("Para la dirección de envío escribe el código postal."))
    elif message := check_postal_code(values["ship_postal_code"]):
        result.add("ship_postal_code", message)


def _check_emails(values: dict[str, str], result: CompanyCheck) -> None:
    seen = set()
    for name in EMAIL_FIELDS:
        value = values[name]
        if not value:
            if name == "email":
                result.add("email", _("Escribe el correo electrónico principal del cliente."))
            continue
        if _MULTIPLE_EMAILS.search(value):
            result.add(
                name,
                _(
                    "Escribe un solo correo por campo: un cliente tiene un correo principal y hasta dos adicionales."
                ),
            )
            continue
        if not is_valid_email(value):
            result.add(
                name, _("«%(email)s» no es un correo electrónico válido.") % {"email": value}
            )
            continue
        if value in seen:
            result.add(name, _("Este correo ya está en otro campo del cliente."))
        seen.add(value)
