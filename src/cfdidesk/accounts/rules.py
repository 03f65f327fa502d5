"""Rules of accounts that need no database: role sets, usernames, recovery codes."""

from __future__ import annotations

import base64
import hashlib
import re
import secrets

from django.utils.translation import gettext as _

from . import roles

RECOVERY_CODE_COUNT = 10
# 31 letters and digits without the ones people confuse (0/o, 1/l/i): 16 of them are 79 bits.
_CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
_CODE_GROUPS = 4
_TOTP_SHAPE = re.compile(r"^\d{6}$")
_USERNAME = re.compile(r"^[\w.@+-]+\Z")


def role_errors(wanted: set[str]) -> list[str]:
    """Why a set of roles cannot be given to one user (empty when it can)."""
    unknown = sorted(r for r in wanted if r not in roles.ROLE_LABELS)
    if unknown:
        return [_("Rol desconocido: %(role)s") % {"role": ", ".join(unknown)}]
    if not wanted:
        return [_("Elige al menos un rol.")]
    if roles.PORTAL in wanted and wanted & roles.STAFF_ROLES:
        return [
            _(
                "Un contacto del portal no puede tener también un rol del equipo: usa otra cuenta para cada cosa."
            )
        ]
    return []


def username_errors(username: str) -> list[str]:
    if not username:
        return [_("Escribe el nombre de usuario.")]
    if len(username) > 150:
        return [_("Máximo %(n)d caracteres.") % {"n": 150}]
    if not _USERNAME.match(username):
        return [
            _("El usuario solo puede llevar letras, números y los signos @ . + - _ (sin espacios).")
        ]
    return []


def new_recovery_code() -> str:
    """A random recovery code, e.g. "k7qm-2xva-p9rt-c3wd", shown once to the user."""
    raw = "".join(secrets.choice(_CODE_ALPHABET) for _i in range(4 * _CODE_GROUPS))
    return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def normalize_code(text: str) -> str:
    """What the user typed, without spaces or hyphens, lower-case."""
    return re.sub(r"[\s-]", "", text or "").lower()[:64]


def recovery_digest(code: str) -> str:
    """What is stored of a recovery code: 16 characters of its SHA-256 (80 bits), never the code.

    The codes are random with 79 bits, so the digest cannot be reversed by trying codes; it fits
    django-otp's StaticToken (16 characters), whose device then spends and throttles it.
    """
    digest = hashlib.sha256(normalize_code(code).encode()).digest()
    return base64.b32encode(digest).decode()[:16].lower()


def looks_like_totp(text: str) -> bool:
    return bool(_TOTP_SHAPE.match(normalize_code(text)))
