"""The rules of tickets that need no database: which status moves are allowed and what a move
changes, and which files may be attached. Services and pages ask here."""

from __future__ import annotations

import os
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from ..models import Status, Ticket, TicketReference
from ..sla.columns import Clocks, sla_status_fields

# The only moves a ticket's status may make. Reopening goes back to "open".
ALLOWED: dict[str, frozenset[str]] = {
    Status.NEW: frozenset(
        {Status.OPEN, Status.WAITING_CUSTOMER, Status.WAITING_THIRD_PARTY, Status.RESOLVED}
    ),
    Status.OPEN: frozenset({Status.WAITING_CUSTOMER, Status.WAITING_THIRD_PARTY, Status.RESOLVED}),
    Status.WAITING_CUSTOMER: frozenset({Status.OPEN, Status.WAITING_THIRD_PARTY, Status.RESOLVED}),
    Status.WAITING_THIRD_PARTY: frozenset({Status.OPEN, Status.WAITING_CUSTOMER, Status.RESOLVED}),
    Status.RESOLVED: frozenset({Status.CLOSED, Status.OPEN}),
    Status.CLOSED: frozenset({Status.OPEN}),
}


def refuse(current: str, target: str) -> ValidationError:
    return ValidationError(
        {
            "status": [
                _("Un ticket «%(current)s» no puede pasar a «%(target)s».")
                % {"current": Status(current).label, "target": Status(target).label}
            ]
        }
    )


def status_fields(ticket: Ticket, target: str, now, *, clocks: Clocks | None = None) -> dict:
    """The columns that change with a move: the status, its timestamps and the SLA clock."""
    current = ticket.status
    fields = {"status": target, **sla_status_fields(ticket, target, now, clocks=clocks)}
    if target == Status.RESOLVED:
        fields["resolved_at"] = now
    elif target == Status.CLOSED:
        fields["closed_at"] = now
    elif target == Status.OPEN and current in (Status.RESOLVED, Status.CLOSED):
        fields.update(resolved_at=None, closed_at=None)
    return fields


MAX_ATTACHMENT_BYTES = 15 * 1024 * 1024
# Extension -> how the file must start (None: text, checked for NUL bytes).
ALLOWED_EXTENSIONS: dict[str, tuple[bytes, ...] | None] = {
    ".xml": None,
    ".txt": None,
    ".log": None,
    ".csv": None,
    ".json": None,
    ".pdf": (b"%PDF",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".gif": (b"GIF87a", b"GIF89a"),
    ".zip": (b"PK\x03\x04",),
}
CONTENT_TYPES = {
    ".xml": "application/xml",
    ".txt": "text/plain",
    ".log": "text/plain",
    ".csv": "text/csv",
    ".json": "application/json",
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".zip": "application/zip",
}
_UNSAFE = re.compile(r"[^\w.\- ()]+", re.UNICODE)


def safe_filename(name: str) -> str:
    base = os.path.basename((name or "").replace("\\", "/")).strip().strip(".")
    base = _UNSAFE.sub("_", base)[:150]
    return base or "adjunto"


def attachment_limit() -> int:
    """The largest file a ticket accepts: its own limit, or the upload guard's if smaller."""
    return min(MAX_ATTACHMENT_BYTES, settings.MAX_UPLOAD_BYTES)


def upload_too_large_error() -> ValidationError:
    """For a submission whose file went over the upload guard (core.uploads dropped it): the
    whole submission is refused, so nothing is saved without the file the user meant to send."""
    return ValidationError(
        {
            "attachments": [
                _(
                    "Un archivo pesa más de %(max)s, el máximo por archivo. No se guardó nada: "
                    "quita ese archivo (o compártelo de otra forma) y vuelve a enviar."
                )
                % {"max": filesizeformat(attachment_limit())}
            ]
        }
    )


def check_attachment(name: str, data: bytes) -> tuple[str, str]:
    """The safe file name and content type, or a ValidationError saying what is wrong."""
    filename = safe_filename(name)
    ext = os.path.splitext(filename)[1].lower()
    if ext not in ALLOWED_EXTENSIONS:
        raise ValidationError(
            {
                "attachments": [
                    _("«%(name)s»: solo se aceptan archivos %(types)s.")
                    % {"name": filename, "types": ", ".join(sorted(ALLOWED_EXTENSIONS))}
                ]
            }
        )
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise ValidationError(
            {
                "attachments": [
                    _("«%(name)s» pesa %(size)s y el máximo por archivo es %(max)s.")
                    % {
                        "name": filename,
                        "size": filesizeformat(len(data)),
                        "max": filesizeformat(MAX_ATTACHMENT_BYTES),
                    }
                ]
            }
        )
    magic = ALLOWED_EXTENSIONS[ext]
    if (magic is None and b"\x00" in data[:4096]) or (
        magic is not None and not data.startswith(magic)
    ):
        raise ValidationError(
            {
                "attachments": [
                    _("«%(name)s» no es realmente un archivo %(ext)s.")
                    % {"name": filename, "ext": ext}
                ]
            }
        )
    return filename, CONTENT_TYPES[ext]


_UUID = re.compile(r"[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}")
_SERIES_FOLIO = re.compile(r"[A-Za-z]{1,25}-?\d+")


def references_from_text(text: str) -> list[tuple[str, str]]:
    """(kind, value) of each reference in a list separated by commas, semicolons or lines: a UUID
    (upper case), a series-folio such as A-123, or else a movement id."""
    pairs = []
    for raw in re.split(r"[,\n;]+", text or ""):
        value = raw.strip()
        if not value:
            continue
        if _UUID.fullmatch(value):
            pairs.append((TicketReference.Kind.UUID, value.upper()))
        elif _SERIES_FOLIO.fullmatch(value) and not value.isdigit():
            pairs.append((TicketReference.Kind.FOLIO, value))
        else:
            pairs.append((TicketReference.Kind.MOVEMENT, value))
    return pairs


MAX_MERGE_REASON = 2000


def merge_errors(source: Ticket, target: Ticket, reason: str) -> dict[str, list[str]]:
    """Why `source` may not be merged into `target` (empty when it may). Merging is its own move:
    any status of the source ends closed, but a ticket is merged once, never into itself, never
    into a merged ticket, and only within one company (its customers would read each other's)."""
    errors: dict[str, list[str]] = {}
    if not (reason or "").strip():
        errors["reason"] = [_("Escribe el motivo de la fusión.")]
    if source.pk == target.pk:
        errors["into"] = [_("Un ticket no se puede fusionar consigo mismo.")]
    elif source.merged_into_id is not None:
        errors["into"] = [_("El ticket #%(n)s ya está fusionado con otro.") % {"n": source.number}]
    elif target.merged_into_id is not None:
        errors["into"] = [
            _("El ticket #%(n)s está fusionado con otro: fusiona con el que sigue abierto.")
            % {"n": target.number}
        ]
    elif source.company_id != target.company_id:
        errors["into"] = [_("Solo se pueden fusionar tickets del mismo cliente.")]
    return errors
