"""RFC (Registro Federal de Contribuyentes) rules.

Format, length, date part and SAT's list of forbidden name words come from
python-stdnum. The check digit is *not* a refusal: stdnum documents that about
1.5 % of the RFCs SAT has issued carry a check digit that does not match the
published algorithm, and SAT's own CFDI validation (Anexo 20) only checks the
pattern and that the RFC is in SAT's registry (LRFC). Refusing them would lock
real customers out, so a wrong check digit is a warning the user sees.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from stdnum import exceptions as stdnum_errors
from stdnum.mx import rfc as stdnum_rfc

PERSON_MORAL = "moral"
PERSON_FISICA = "fisica"

# SAT's generic RFCs: público en general and extranjeros. Many companies may share them.
GENERIC_PUBLIC = "XAXX010101000"
GENERIC_FOREIGN = "XEXX010101000"
GENERIC_RFCS = frozenset({GENERIC_PUBLIC, GENERIC_FOREIGN})

_SEPARATORS = re.compile(r"[\s\-_]")


@dataclass(frozen=True)
class RfcCheck:
    rfc: str
    person_type: str | None
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def normalize_rfc(value: str | None) -> str:
    """Upper-case and strip blanks and dashes, as SAT prints it on the constancia."""
    return _SEPARATORS.sub("", value or "").upper()


def person_type_of(rfc: str) -> str | None:
    """12 characters: persona moral; 13: persona física."""
    if len(rfc) == 12:
        return PERSON_MORAL
    if len(rfc) == 13:
        return PERSON_FISICA
    return None


def is_generic(rfc: str) -> bool:
    return rfc in GENERIC_RFCS


def check_rfc(value: str | None) -> RfcCheck:
    rfc = normalize_rfc(value)
    if not rfc:
        return RfcCheck(rfc, None, [_("Escribe el RFC.")])
    if is_generic(rfc):
        return RfcCheck(rfc, PERSON_FISICA)
    person_type = person_type_of(rfc)
    if person_type is None:
        return RfcCheck(
            rfc,
            None,
            [
                _(
                    "El RFC debe tener 12 caracteres (persona moral) o 13 (persona física); "
                    "tiene %(n)d."
                )
                % {"n": len(rfc)}
            ],
        )
    try:
        # The usual case, a clean RFC, needs one call; only a failing one is looked at again.
        stdnum_rfc.validate(rfc, validate_check_digits=True)
        return RfcCheck(rfc, person_type)
    except stdnum_errors.ValidationError:
        pass
    error = _refusal(rfc, person_type)
    if error:
        return RfcCheck(rfc, person_type, [error])
    return RfcCheck(rfc, person_type, [], _check_digit_warnings(rfc))


def _refusal(rfc: str, person_type: str) -> str | None:
    """Why the RFC is not valid (format, date, forbidden word), or None when only its check digit
    may be off."""
    try:
        stdnum_rfc.validate(rfc)
    except stdnum_errors.InvalidFormat:
        if person_type == PERSON_MORAL:
            return _(
                "El RFC de persona moral son 3 letras, 6 dígitos de fecha (AAMMDD) y 3 de homoclave."
            )
        return _(
            "El RFC de persona física son 4 letras, 6 dígitos de fecha (AAMMDD) y 3 de homoclave."
        )
    except stdnum_errors.InvalidComponent:
        if person_type == PERSON_FISICA and rfc[:4] in stdnum_rfc._name_blacklist:
            return _("Las letras iniciales del RFC forman una palabra que el SAT no asigna.")
        return _("La fecha del RFC (AAMMDD) no es una fecha válida.")
    except stdnum_errors.ValidationError:
        return _("El RFC no es válido.")
    return None


def _check_digit_warnings(rfc: str) -> list[str]:
    if rfc[-1] != stdnum_rfc.calc_check_digit(rfc[:-1]):
        return [
            _(
                "El dígito verificador del RFC no coincide con el cálculo del SAT. "
                "Compruébalo con la constancia de situación fiscal del cliente."
            )
        ]
    return []


def with_check_digit(rfc_without_digit: str) -> str:
    """Complete an 11- or 12-character RFC with its check digit (demo data and tests)."""
    return rfc_without_digit + stdnum_rfc.calc_check_digit(rfc_without_digit)
