"""A CSD (certificado de sello digital): load the .cer and .key, and say clearly what is wrong."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext as _

MAX_FILE_BYTES = 64 * 1024  # a .cer or .key is about 1.5 KB


class CsdRefused(ValueError):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class CsdInfo:
    rfc: str
    legal_name: str
    certificate_number: str
    valid_from: datetime
    valid_until: datetime


def load_signer(certificate: bytes, key: bytes, password: str):
    """A satcfdi Signer for the pair, or CsdRefused naming the file at fault."""
    from cryptography.hazmat.primitives.serialization import load_der_private_key
    from OpenSSL import crypto
    from satcfdi.models import Signer

    if not certificate or len(certificate) > MAX_FILE_BYTES:
        raise CsdRefused("certificate", _("Sube el certificado (.cer) del CSD."))
    if not key or len(key) > MAX_FILE_BYTES:
        raise CsdRefused("key", _("Sube la llave privada (.key) del CSD."))
    try:
        x509 = crypto.load_certificate(crypto.FILETYPE_ASN1, certificate)
    except Exception as exc:
        raise CsdRefused(
            "certificate", _("El archivo .cer no es un certificado válido del SAT.")
        ) from exc
    try:
        private_key = load_der_private_key(key, password=(password or "").encode() or None)
    except TypeError as exc:  # an encrypted key and no password
        raise CsdRefused("password", _("Escribe la contraseña de la llave privada.")) from exc
    except ValueError as exc:
        if "password" in str(exc).lower():
            raise CsdRefused(
                "password", _("La contraseña de la llave privada no es correcta.")
            ) from exc
        raise CsdRefused(
            "key", _("El archivo .key no es una llave privada válida del SAT.")
        ) from exc
    try:
        return Signer(x509, private_key, check=True)
    except Exception as exc:
        raise CsdRefused(
            "key", _("La llave privada (.key) no corresponde al certificado (.cer).")
        ) from exc


def check_signer(signer, *, rfc: str) -> CsdInfo:
    """The CSD rules for an environment: a sealing certificate (not an e.firma) of its RFC."""
    from satcfdi.models.certificate import CertificateType

    if signer.type == CertificateType.Fiel:
        raise CsdRefused(
            "certificate",
            _(
                "El certificado es de e.firma (FIEL); para sellar CFDI se usa el certificado de sello digital (CSD)."
            ),
        )
    cert_rfc = str(signer.rfc or "")
    if cert_rfc != rfc:
        raise CsdRefused(
            "certificate",
            _("El certificado es del RFC %(cert)s y el ambiente es del RFC %(rfc)s.")
            % {"cert": cert_rfc or "?", "rfc": rfc},
        )
    x509 = signer.certificate.to_cryptography()
    return CsdInfo(
        rfc=cert_rfc,
        legal_name=signer.legal_name or "",
        certificate_number=signer.certificate_number,
        valid_from=x509.not_valid_before_utc,
        valid_until=x509.not_valid_after_utc,
    )
