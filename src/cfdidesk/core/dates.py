"""Dates written out for people, in the current language and time zone."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import formats, timezone, translation


def date_words(moment: dt.datetime, fmt: str, tz: Any = None) -> str:
    """A date written out in the current language and (or the given) time zone. Spanish and Italian
    write weekdays and months in lower case, which Django's es_MX and it formats do not."""
    text = formats.date_format(timezone.localtime(moment, tz), fmt)
    return text.lower() if (translation.get_language() or "")[:2] in ("es", "it") else text


def when_text(moment: dt.datetime, tz: Any = None) -> str:
    """«sábado 21/11 14:00» in the current (or the given) time zone and language."""
    return date_words(moment, "l d/m H:i", tz)


def span_text(start: dt.datetime, end: dt.datetime, tz: Any = None) -> str:
    return f"{when_text(start, tz)} – {when_text(end, tz)}"
