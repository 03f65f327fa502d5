"""What goes into our messages to point back at us: ticket links, Message-IDs, the survey link."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse

from ..models import Ticket

SURVEY_SALT = "cfdidesk.desk.survey"


def ticket_url(ticket: Ticket) -> str:
    """The ticket's staff page, absolute (alerts, webhooks)."""
    return settings.SITE_URL + reverse("desk:detail", args=[ticket.number])


def message_id() -> str:
    """A new Message-ID (without brackets) in the helpdesk's own domain."""
    domain = settings.HELPDESK_EMAIL.rsplit("@", 1)[-1] or "localhost"
    return f"{uuid.uuid4().hex}@{domain}"


def survey_token(ticket: Ticket) -> str:
    """A signed token naming the ticket and the resolution the survey asks about."""
    return signing.dumps(
        {"t": ticket.number, "r": ticket.resolved_at.isoformat()}, salt=SURVEY_SALT, compress=True
    )


def survey_token_read(token: str, *, max_age: timedelta) -> dict:
    """The token's content; raises signing.SignatureExpired or signing.BadSignature."""
    return signing.loads(token, salt=SURVEY_SALT, max_age=max_age)


def survey_url(ticket: Ticket) -> str:
    return f"{settings.SITE_URL}/encuesta/{survey_token(ticket)}/"
