"""SAT CFDI 4.0 catalogs: c_RegimenFiscal, c_UsoCFDI and c_CodigoPostal.

Regimes and uses, with the person types and receptor regimes they apply to,
come from SAT's catCFDI (data/*.csv, as published); satcfdi's bundled catalogs
hold code -> description only. Postal codes come from satcfdi's offline copy
of SAT's c_CodigoPostal.
"""

from __future__ import annotations

import csv
import pickle
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .rfc import PERSON_FISICA, PERSON_MORAL

DATA_DIR = Path(__file__).with_name("data")


@dataclass(frozen=True)
class TaxRegime:
    code: str
    description: str
    person_types: frozenset[str]

    @property
    def label(self) -> str:
        return f"{self.code} - {self.description}"


@dataclass(frozen=True)
class CfdiUse:
    code: str
    description: str
    person_types: frozenset[str]
    receptor_regimes: frozenset[str]

    @property
    def label(self) -> str:
        return f"{self.code} - {self.description.rstrip('.')}"


def _person_types(row: dict) -> frozenset[str]:
    types = set()
    if row["aplica_fisica"] == "1":
        types.add(PERSON_FISICA)
    if row["aplica_moral"] == "1":
        types.add(PERSON_MORAL)
    return frozenset(types)


@cache
def tax_regimes() -> dict[str, TaxRegime]:
    with (DATA_DIR / "sat_cfdi40_regimenes_fiscales.csv").open(encoding="utf-8") as f:
        return {
            r["clave"]: TaxRegime(r["clave"], r["descripcion"], _person_types(r))
            for r in csv.DictReader(f)
        }


@cache
def cfdi_uses() -> dict[str, CfdiUse]:
    with (DATA_DIR / "sat_cfdi40_usos_cfdi.csv").open(encoding="utf-8") as f:
        return {
            r["clave"]: CfdiUse(
                r["clave"],
                r["descripcion"],
                _person_types(r),
                frozenset(r["regimenes_receptor"].split()),
            )
            for r in csv.DictReader(f)
        }


def regimes_for(person_type: str | None) -> list[TaxRegime]:
    regimes = tax_regimes().values()
    if person_type:
        regimes = [r for r in regimes if person_type in r.person_types]
    return list(regimes)


def cfdi_uses_for(person_type: str | None, regime: str | None = None) -> list[CfdiUse]:
    uses = list(cfdi_uses().values())
    if person_type:
        uses = [u for u in uses if person_type in u.person_types]
    if regime:
        uses = [u for u in uses if regime in u.receptor_regimes]
    return uses


@cache
def postal_codes() -> frozenset[str]:
    """Every code of SAT's c_CodigoPostal (about 95,000), loaded once per process."""
    from satcfdi.catalogs import conn

    cur = conn.cursor()
    try:
        cur.execute("SELECT key FROM C756_c_CodigoPostal")
        return frozenset(pickle.loads(k) for (k,) in cur.fetchall())
    finally:
        cur.close()


def postal_code_exists(code: str) -> bool:
    return code in postal_codes()


def satcfdi_description(catalog: str, code: str) -> str | None:
    """SAT's description of a code as satcfdi carries it (used to cross-check our data)."""
    from satcfdi.catalogs import select

    value = select(catalog, code)
    if isinstance(value, list | tuple):
        return value[0]
    return value


# ---------------------------------------------------------------- CFDI 4.0 catalogs for documents
# Straight from satcfdi's offline copy of SAT's catCFDI (code -> description), loaded once per process.


def _satcfdi_catalog(name: str) -> dict:
    from satcfdi.catalogs import select_all

    return select_all(name)


@cache
def product_service_keys() -> frozenset[str]:
    """c_ClaveProdServ (about 52,000 keys)."""
    return frozenset(_satcfdi_catalog("C756_c_ClaveProdServ"))


@cache
def unit_keys() -> frozenset[str]:
    """c_ClaveUnidad."""
    return frozenset(_satcfdi_catalog("C756_c_ClaveUnidad"))


@cache
def payment_forms() -> dict[str, str]:
    """c_FormaPago: code -> description."""
    return dict(_satcfdi_catalog("C756_c_FormaPago"))


@cache
def payment_methods() -> dict[str, str]:
    """c_MetodoPago: PUE, PPD."""
    return dict(_satcfdi_catalog("C756_c_MetodoPago"))


@cache
def currencies() -> dict[str, int]:
    """c_Moneda: code -> decimals SAT allows for its amounts."""
    return {code: value[1] for code, value in _satcfdi_catalog("C756_c_Moneda").items()}


@cache
def taxes() -> dict[str, str]:
    """c_Impuesto: 001 ISR, 002 IVA, 003 IEPS."""
    return dict(_satcfdi_catalog("C756_c_Impuesto"))


@cache
def tax_objects() -> dict[str, str]:
    """c_ObjetoImp."""
    return dict(_satcfdi_catalog("C756_c_ObjetoImp"))


@cache
def relation_types() -> dict[str, str]:
    """c_TipoRelacion."""
    return dict(_satcfdi_catalog("C756_c_TipoRelacion"))


@cache
def document_types() -> dict[str, str]:
    """c_TipoDeComprobante: I, E, T, N, P."""
    return dict(_satcfdi_catalog("C756_c_TipoDeComprobante"))


@cache
def factor_types() -> frozenset[str]:
    """c_TipoFactor: Tasa, Cuota, Exento (satcfdi's database leaves it empty; its enum carries it)."""
    from satcfdi.create.cfd.catalogos import TipoFactor

    return frozenset(member.value for member in TipoFactor)


# ---------------------------------------------------------------- Nómina 1.2 catalogs (catNomina)
# Straight from satcfdi's offline copy of SAT's catNomina and catCFDI (code -> description).


@cache
def payroll_types() -> dict[str, str]:
    """c_TipoNomina: O ordinaria, E extraordinaria."""
    return dict(_satcfdi_catalog("C75b_c_TipoNomina"))


@cache
def perception_types() -> dict[str, str]:
    """c_TipoPercepcion."""
    return dict(_satcfdi_catalog("C75b_c_TipoPercepcion"))


@cache
def deduction_types() -> dict[str, str]:
    """c_TipoDeduccion."""
    return dict(_satcfdi_catalog("C75b_c_TipoDeduccion"))


@cache
def other_payment_types() -> dict[str, str]:
    """c_TipoOtroPago."""
    return dict(_satcfdi_catalog("C75b_c_TipoOtroPago"))


@cache
def contract_types() -> dict[str, str]:
    """c_TipoContrato."""
    return dict(_satcfdi_catalog("C75b_c_TipoContrato"))


@cache
def payroll_regime_types() -> dict[str, str]:
    """c_TipoRegimen (the employee's hiring regime, not c_RegimenFiscal)."""
    return dict(_satcfdi_catalog("C75b_c_TipoRegimen"))


@cache
def payment_periodicities() -> dict[str, str]:
    """c_PeriodicidadPago."""
    return dict(_satcfdi_catalog("C75b_c_PeriodicidadPago"))


@cache
def job_risks() -> dict[str, str]:
    """c_RiesgoPuesto."""
    return dict(_satcfdi_catalog("C75b_c_RiesgoPuesto"))


@cache
def states() -> dict[str, str]:
    """c_Estado (the key of Nómina's ClaveEntFed): code -> "name (country)"."""
    return {
        code: f"{value[1]} ({value[0]})"
        for code, value in _satcfdi_catalog("C756_c_Estado").items()
    }
