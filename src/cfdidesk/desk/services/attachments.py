from __future__ import annotations

import os
import re

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from cfdidesk.core.actors import actor_or_none

from ..models import Attachment, Ticket, TicketEvent

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


def store_attachments(
    *, ticket: Ticket, event: TicketEvent | None, files, actor
) -> list[Attachment]:
    """Check every file first, then store them; files is a list of (name, bytes)."""
    from django.core.files.base import ContentFile

    checked = [(check_attachment(name, data), data) for name, data in files]
    stored = []
    for (filename, content_type), data in checked:
        attachment = Attachment(
            ticket=ticket,
            event=event,
            filename=filename,
            content_type=content_type,
            size=len(data),
            uploaded_by=actor_or_none(actor),
        )
        attachment.file.save(filename, ContentFile(data), save=False)
        attachment.save()
        stored.append(attachment)
    return stored
