"""The SAT rules that tie a receptor's RFC, tax regime, CFDI use and postal code together."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from . import catalogs
from .rfc import GENERIC_RFCS, RfcCheck, check_rfc

_POSTAL_CODE = re.compile(r"^\d{5}$")
# Anexo 20: a receptor with a generic RFC is "sin obligaciones fiscales" and the CFDI "sin efectos fiscales".
GENERIC_REGIME = "616"
GENERIC_USES = frozenset({"S01", "CP01"})


@dataclass
class ReceptorCheck:
    rfc: str
    person_type: str | None
    errors: dict[str, list[str]] = field(default_factory=dict)
    warnings: dict[str, list[str]] = field(default_factory=dict)

    def add(self, field_name: str, message: str) -> None:
        self.errors.setdefault(field_name, []).append(message)


def check_postal_code(code: str) -> str | None:
    if not code:
        return _("Escribe el código postal (5 dígitos).")
    if not _POSTAL_CODE.match(code):
        return _("El código postal son 5 dígitos.")
    if not catalogs.postal_code_exists(code):
        return _("El código postal %(cp)s no existe en el catálogo c_CodigoPostal del SAT.") % {
            "cp": code
        }
    return None


def check_receptor(*, rfc: str, tax_regime: str, cfdi_use: str, postal_code: str) -> ReceptorCheck:
    """Every SAT rule for a customer as CFDI receptor; field names match the Company model."""
    rfc_check = check_rfc(rfc)
    result = ReceptorCheck(rfc_check.rfc, rfc_check.person_type)
    for message in rfc_check.errors:
        result.add("rfc", message)
    if rfc_check.warnings:
        result.warnings["rfc"] = list(rfc_check.warnings)
    regime = _check_regime(result, rfc_check, tax_regime)
    _check_use(result, rfc_check, cfdi_use, tax_regime, regime)

    message = check_postal_code(postal_code)
    if message:
        result.add("postal_code", message)
    return result


def _check_regime(result: ReceptorCheck, rfc_check: RfcCheck, tax_regime: str):
    """The regime's errors; returns the regime (None when missing or unknown)."""
    person_type = rfc_check.person_type
    regime = catalogs.tax_regimes().get(tax_regime or "")
    if not tax_regime:
        result.add("tax_regime", _("Elige el régimen fiscal."))
    elif regime is None:
        result.add(
            "tax_regime",
            _("%(code)s no es un régimen fiscal del catálogo c_RegimenFiscal.")
            % {"code": tax_regime},
        )
    elif person_type and person_type not in regime.person_types:
        result.add(
            "tax_regime",
            _("El régimen %(regime)s no aplica a personas %(type)s.")
            % {"regime": regime.label, "type": _person_word(person_type)},
        )
    elif rfc_check.rfc in GENERIC_RFCS and tax_regime != GENERIC_REGIME:
        result.add(
            "tax_regime",
            _("Con el RFC genérico %(rfc)s el régimen debe ser 616 - Sin obligaciones fiscales.")
            % {"rfc": rfc_check.rfc},
        )
    return regime


def _check_use(
    result: ReceptorCheck, rfc_check: RfcCheck, cfdi_use: str, tax_regime: str, regime
) -> None:
    person_type = rfc_check.person_type
    use = catalogs.cfdi_uses().get(cfdi_use or "")
    if not cfdi_use:
        result.add("cfdi_use", _("Elige el uso del CFDI."))
    elif use is None:
        result.add(
            "cfdi_use", _("%(code)s no es un uso del catálogo c_UsoCFDI.") % {"code": cfdi_use}
        )
    elif person_type and person_type not in use.person_types:
        result.add(
            "cfdi_use",
            _("El uso %(use)s no aplica a personas %(type)s.")
            % {"use": use.label, "type": _person_word(person_type)},
        )
    elif regime is not None and tax_regime not in use.receptor_regimes:
        result.add(
            "cfdi_use",
            _("El uso %(use)s no es válido con el régimen %(regime)s.")
            % {"use": use.label, "regime": regime.label},
        )
    elif rfc_check.rfc in GENERIC_RFCS and cfdi_use not in GENERIC_USES:
        result.add(
            "cfdi_use",
            _("Con el RFC genérico %(rfc)s el uso debe ser S01 - Sin efectos fiscales.")
            % {"rfc": rfc_check.rfc},
        )


def _person_word(person_type: str) -> str:
    return _("morales") if person_type == "moral" else _("físicas")
