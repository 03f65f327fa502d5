"""Encryption at rest of the CSD private keys and their passwords.

Fernet (AES-128-CBC + HMAC-SHA256) with keys derived by HKDF from CSD_ENCRYPTION_KEY, so any
string works as the setting. A comma-separated list rotates keys: the first encrypts, every one
decrypts. Without the setting, development (DEBUG=1) derives the key from SECRET_KEY; with DEBUG
off nothing is encrypted or decrypted until the setting exists (a clear ImproperlyConfigured),
because a CSD key sealed with the web server's SECRET_KEY would be lost on the day it rotates.
"""

from __future__ import annotations

import base64
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

_SALT = b"cfdidesk-invoicing-csd"


class DecryptionFailed(Exception):
    """The stored value cannot be read with the configured keys (wrong or rotated-away key)."""


def configured_secrets() -> tuple[str, ...]:
    secrets = tuple(s for s in (getattr(settings, "CSD_ENCRYPTION_KEY", None) or []) if s)
    if secrets:
        return secrets
    if settings.DEBUG:
        return (settings.SECRET_KEY,)
    raise ImproperlyConfigured(
        "CSD_ENCRYPTION_KEY is not set: it is required (with DEBUG off) to store or use CSD keys."
    )


@lru_cache(maxsize=8)
def _fernet(secrets: tuple[str, ...]) -> MultiFernet:
    keys = []
    for secret in secrets:
        derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=_SALT, info=b"fernet").derive(
            secret.encode()
        )
        keys.append(Fernet(base64.urlsafe_b64encode(derived)))
    return MultiFernet(keys)


def encrypt(value: bytes) -> bytes:
    return _fernet(configured_secrets()).encrypt(value)


def decrypt(token: bytes) -> bytes:
    try:
        return _fernet(configured_secrets()).decrypt(bytes(token))
    except InvalidToken as exc:
        raise DecryptionFailed from exc
