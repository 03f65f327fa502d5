"""Sealing: SAT's cadena original (its own XSLT, shipped by satcfdi) signed with RSA-SHA256.

The XSLT objects are compiled once per thread; the signer (satcfdi.models.Signer) is loaded once
per environment by the caller, not per document.
"""

from __future__ import annotations

import base64
import os
import threading

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from lxml import etree

from . import CFDI_NS, TFD_NS

_XSLT_PATHS = {
    f"{{{CFDI_NS}}}Comprobante": "www.sat.gob.mx/sitio_internet/cfd/4/cadenaoriginal_4_0/cadenaoriginal_4_0.xslt",
    f"{{{TFD_NS}}}TimbreFiscalDigital": "www.sat.gob.mx/sitio_internet/cfd/TimbreFiscalDigital/cadenaoriginal_TFD_1_1.xslt",
}
_local = threading.local()


class SealError(Exception):
    """The document could not be sealed (the message says why)."""


def _transform(tag: str) -> etree.XSLT:
    cache = getattr(_local, "xslt", None)
    if cache is None:
        cache = _local.xslt = {}
    transform = cache.get(tag)
    if transform is None:
        from .schema import schema_root

        transform = cache[tag] = etree.XSLT(
            etree.parse(os.path.join(schema_root(), _XSLT_PATHS[tag]))
        )
    return transform


def cadena_original(element: etree._Element) -> str:
    """SAT's "cadena original" of a Comprobante 4.0 or a TimbreFiscalDigital 1.1 element."""
    return str(_transform(element.tag)(element))


def seal(root: etree._Element, signer) -> str:
    """Write NoCertificado, Certificado and Sello on the Comprobante; returns the Sello."""
    root.set("NoCertificado", signer.certificate_number)
    root.set("Certificado", signer.certificate_base64())
    root.set("Sello", "")
    try:
        sello = signer.sign_sha256(cadena_original(root).encode())
    except Exception as exc:  # an XSLT or key failure is this document's generator error
        raise SealError(str(exc)) from exc
    root.set("Sello", sello)
    return sello


def verify_seal(root: etree._Element) -> bool:
    """Does the Sello match the cadena original, with the public key of the Certificado it carries?"""
    from satcfdi.models import Certificate

    try:
        certificate = Certificate.load_certificate(base64.b64decode(root.get("Certificado", "")))
        signature = base64.b64decode(root.get("Sello", ""))
        certificate.public_key().verify(
            signature, cadena_original(root).encode(), padding.PKCS1v15(), hashes.SHA256()
        )
    except (InvalidSignature, ValueError, TypeError, Exception):  # noqa: B014 (any failure: not verified)
        return False
    return True
