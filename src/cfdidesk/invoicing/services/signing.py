"""The environment's CSD as a signer, decrypted once per process and CSD version, not per document."""

from __future__ import annotations

import base64
import threading

from django.utils.translation import gettext as _

from .. import crypto
from ..cfdi.csd import CsdRefused, load_signer
from ..cfdi.mapping import Emitter
from ..models import InvoicingEnvironment

_signers: dict[int, tuple[int, object]] = {}
_lock = threading.Lock()


class SignerUnavailable(Exception):
    """No usable CSD: every document the generator takes fails with this message."""


def signer_get(*, environment: InvoicingEnvironment):
    """The environment's CSD as a signer (cached per CSD version), or SignerUnavailable."""
    cached = _signers.get(environment.pk)
    if cached and cached[0] == environment.version:
        return cached[1]
    if not environment.has_csd:
        raise SignerUnavailable(
            _("El ambiente no tiene CSD: carga el certificado (.cer) y la llave (.key).")
        )
    try:
        key = crypto.decrypt(_stored(environment.key_encrypted))
        password = crypto.decrypt(_stored(environment.password_encrypted)).decode()
        signer = load_signer(_stored(environment.certificate), key, password)
    except crypto.DecryptionFailed as exc:
        raise SignerUnavailable(
            _(
                "No se pudo descifrar la llave del CSD con CSD_ENCRYPTION_KEY: vuelve a cargar el CSD."
            )
        ) from exc
    except CsdRefused as exc:
        raise SignerUnavailable(exc.message) from exc
    with _lock:
        _signers[environment.pk] = (environment.version, signer)
    return signer


def emitter_build(*, environment: InvoicingEnvironment, signer=None) -> Emitter:
    """The emitter data of every CFDI the environment issues."""
    return Emitter(
        rfc=environment.emitter_rfc,
        name=environment.emitter_name,
        tax_regime=environment.tax_regime,
        postal_code=environment.postal_code,
        certificate_number=environment.certificate_number,
        certificate_base64=signer.certificate_base64()
        if signer is not None
        else _certificate_base64(environment),
    )


def _stored(value: bytes | memoryview | None) -> bytes:
    """A binary column as bytes (PostgreSQL hands out memoryviews)."""
    return bytes(value or b"")


def _certificate_base64(environment: InvoicingEnvironment) -> str:
    return (
        base64.b64encode(bytes(environment.certificate)).decode() if environment.certificate else ""
    )
