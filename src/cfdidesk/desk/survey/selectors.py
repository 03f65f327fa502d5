from __future__ import annotations

import datetime as dt
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from ..models import SurveyResponse, Ticket
from ..notify.links import survey_token_read


def survey_answered(*, ticket: Ticket, resolution: dt.datetime) -> SurveyResponse | None:
    """The answer already given about this resolution of the ticket, if any."""
    return SurveyResponse.objects.filter(ticket=ticket, resolution=resolution).first()


class SurveyLinkInvalid(Exception):
    """The link is forged, expired or belongs to an earlier resolution; str() says which, in Spanish."""


def survey_ticket(token: str) -> tuple[Ticket, dt.datetime]:
    """The ticket and the resolution instant the link is about."""
    try:
        data = survey_token_read(token, max_age=timedelta(days=settings.SURVEY_VALID_DAYS))
    except signing.SignatureExpired as exc:
        raise SurveyLinkInvalid(_("El enlace de la encuesta caducó.")) from exc
    except signing.BadSignature as exc:
        raise SurveyLinkInvalid(_("El enlace de la encuesta no es válido.")) from exc
    ticket = Ticket.objects.select_related("company").filter(number=data.get("t")).first()
    resolution = parse_datetime(data.get("r") or "")
    if ticket is None or resolution is None:
        raise SurveyLinkInvalid(_("El enlace de la encuesta no es válido."))
    return ticket, resolution
