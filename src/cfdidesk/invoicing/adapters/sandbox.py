"""The sandbox PAC: stamps offline, for tests, demos and trials. Nothing it stamps is valid before SAT.

It checks what a PAC checks first (SAT's XSD, a seal that matches the certificate, not stamped
already, a confirmation key for huge amounts) and returns a real TimbreFiscalDigital 1.1: a new
UUID, FechaTimbrado, RfcProvCertif AAA010101AAA (SAT's generic test RFC), the SelloCFD, and a
SelloSAT made with SAT's public test CSD of XIQB891116QE4 as its own "SAT certificate", with a
Leyenda that says it is a test stamp.
"""

from __future__ import annotations

import uuid
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..cfdi import CFDI_NS
from ..cfdi.csd import load_signer
from ..cfdi.mapping import place_timezone
from ..cfdi.schema import xsd_issues
from ..cfdi.seal import verify_seal
from ..cfdi.tfd import add_stamp, read_stamp
from ..cfdi.xml import XmlRefused, parse_xml, to_bytes
from .base import StampingRefused, StampResult

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
PAC_RFC = "AAA010101AAA"
LEGEND = (
    "Timbre de prueba del sandbox de CFDI Desk: sin validez ante el SAT"  # the XSD allows no period
)
# A CFDI whose total reaches this needs the PAC's confirmation key (atributo Confirmacion).
CONFIRMATION_LIMIT = Decimal("100000000")


class SandboxAdapter:
    name = "sandbox"
    label = _("Sandbox (pruebas, sin validez ante el SAT)")

    def __init__(self):
        self.signer = load_signer(
            (FIXTURES / "xiqb891116qe4_csd.cer").read_bytes(),
            (FIXTURES / "xiqb891116qe4_csd.key").read_bytes(),
            (FIXTURES / "xiqb891116qe4_csd.txt").read_text().strip(),
        )

    def stamp(self, xml: bytes) -> StampResult:
        try:
            root = parse_xml(xml)
        except XmlRefused as exc:
            raise StampingRefused(str(exc), code="301") from exc
        if root.tag != f"{{{CFDI_NS}}}Comprobante":
            raise StampingRefused("No es un CFDI 4.0.", code="301")
        if read_stamp(root) is not None:
            raise StampingRefused("El comprobante ya trae un TimbreFiscalDigital.", code="307")
        issues = xsd_issues(root)
        if issues:
            first = issues[0]
            raise StampingRefused(f"{first.field}: {first.message}", code="301")
        if not verify_seal(root):
            raise StampingRefused(
                "El sello del comprobante no corresponde a su cadena original y certificado.",
                code="CFDI40102",
            )
        try:
            total = Decimal(root.get("Total", "0"))
        except InvalidOperation:
            total = Decimal(0)
        if total >= CONFIRMATION_LIMIT and not root.get("Confirmacion"):
            raise StampingRefused(
                f"El total {total} requiere la clave de confirmación del PAC (atributo Confirmacion).",
                code="CFDI40119",
            )
        stamped_at = timezone.now().astimezone(place_timezone("06000")).replace(microsecond=0)
        new_uuid = str(uuid.uuid4()).upper()
        add_stamp(
            root,
            uuid=new_uuid,
            stamped_at=stamped_at,
            pac_rfc=PAC_RFC,
            signer=self.signer,
            legend=LEGEND,
        )
        return StampResult(
            xml=to_bytes(root),
            uuid=new_uuid,
            stamped_at=stamped_at,
            sat_certificate_number=self.signer.certificate_number,
        )
