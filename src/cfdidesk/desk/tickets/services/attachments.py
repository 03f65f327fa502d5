from __future__ import annotations

from django.core.files.base import ContentFile

from cfdidesk.core.actors import actor_or_none

from ...models import Attachment, Ticket, TicketEvent
from ..rules import check_attachment


def attachments_store(
    *, ticket: Ticket, event: TicketEvent | None, files, actor
) -> list[Attachment]:
    """Check every file first, then store them; files is a list of (name, bytes)."""
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
