"""The TimbreFiscalDigital 1.1: read it from a stamped CFDI, or build one (sandbox adapter)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from lxml import etree

from . import CFDI_NS, TFD_NS, XSI_NS
from .seal import cadena_original

TFD_SCHEMA_LOCATION = f"{TFD_NS} http://www.sat.gob.mx/sitio_internet/cfd/TimbreFiscalDigital/TimbreFiscalDigitalv11.xsd"


@dataclass(frozen=True)
class Stamp:
    uuid: str
    stamped_at: str  # FechaTimbrado as written (local time of Mexico, no offset)
    pac_rfc: str
    sat_certificate_number: str
    legend: str


def read_stamp(root: etree._Element) -> Stamp | None:
    tfd = root.find(f"{{{CFDI_NS}}}Complemento/{{{TFD_NS}}}TimbreFiscalDigital")
    if tfd is None:
        return None
    return Stamp(
        uuid=(tfd.get("UUID") or "").upper(),
        stamped_at=tfd.get("FechaTimbrado") or "",
        pac_rfc=tfd.get("RfcProvCertif") or "",
        sat_certificate_number=tfd.get("NoCertificadoSAT") or "",
        legend=tfd.get("Leyenda") or "",
    )


def add_stamp(
    root: etree._Element, *, uuid: str, stamped_at: datetime, pac_rfc: str, signer, legend: str = ""
) -> etree._Element:
    """Append a sealed TimbreFiscalDigital 1.1 to the Comprobante's Complemento (created if missing)."""
    tfd = etree.Element(f"{{{TFD_NS}}}TimbreFiscalDigital", nsmap={"tfd": TFD_NS, "xsi": XSI_NS})
    tfd.set(f"{{{XSI_NS}}}schemaLocation", TFD_SCHEMA_LOCATION)
    tfd.set("Version", "1.1")
    tfd.set("UUID", uuid)
    tfd.set("FechaTimbrado", stamped_at.replace(tzinfo=None, microsecond=0).isoformat())
    tfd.set("RfcProvCertif", pac_rfc)
    if legend:
        tfd.set("Leyenda", legend)
    tfd.set("SelloCFD", root.get("Sello", ""))
    tfd.set("NoCertificadoSAT", signer.certificate_number)
    tfd.set("SelloSAT", "")
    tfd.set("SelloSAT", signer.sign_sha256(cadena_original(tfd).encode()))
    complemento = root.find(f"{{{CFDI_NS}}}Complemento")
    if complemento is None:
        complemento = etree.Element(f"{{{CFDI_NS}}}Complemento")
        addenda = root.find(f"{{{CFDI_NS}}}Addenda")
        if addenda is not None:
            addenda.addprevious(complemento)
        else:
            root.append(complemento)
    complemento.append(tfd)
    return tfd
