"""Reads of the invoicing pipeline: environments, documents (filters and search), history, log."""

from __future__ import annotations

import re
from datetime import date, datetime, time

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from cfdidesk.sat.rfc import normalize_rfc

from .models import (
    Document,
    DocumentTransition,
    GeneratorEvent,
    InvoicingEnvironment,
    LogLine,
    State,
)

_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_SERIES_FOLIO = re.compile(r"^(?P<series>[A-Za-z]{0,25})[- ]?(?P<folio>\d{1,18})$")
LIST_COLUMNS = (
    "id", "environment_id", "movement_id", "document_type", "series", "folio", "state", "input_flag",
    "receptor_rfc", "receptor_name", "currency", "total", "uuid", "file_name", "created_at", "stamped_at",
)


def environment_list() -> QuerySet[InvoicingEnvironment]:
    return InvoicingEnvironment.objects.select_related("company").order_by("name", "id")


def state_counts(environment: InvoicingEnvironment) -> dict[str, int]:
    """Documents per state (one grouped query over the (environment, state, id) index)."""
    rows = Document.objects.filter(environment=environment).values("state").annotate(n=Count("id")).order_by()
    counts = {s.value: 0 for s in State}
    counts.update({row["state"]: row["n"] for row in rows})
    return counts


def document_search_filter(query: str) -> Q:
    """One box: a UUID, a file name, series-folio (A-123, A123, 123) or a movement id; each an index lookup."""
    text = (query or "").strip()
    if not text:
        return Q()
    if _UUID.match(text):
        return Q(uuid=text.upper())
    if text.lower().endswith(".xml"):
        return Q(file_name=text) | Q(file_name=text.upper())
    condition = Q(movement_id=text)
    match = _SERIES_FOLIO.match(text)
    if match:
        folio = int(match["folio"])
        for series in {match["series"], match["series"].upper()}:
            condition |= Q(series=series, folio=folio)
    return condition


def _day_start(value: date) -> datetime:
    return timezone.make_aware(datetime.combine(value, time.min))


def document_list(
    *, environment: InvoicingEnvironment, state: str = "", document_type: str = "", series: str | None = None,
    receptor_rfc: str = "", date_from: date | None = None, date_to: date | None = None, query: str = "",
) -> QuerySet[Document]:
    """Newest first; each filter has its own (environment, …, id) index. Dates are arrival dates."""
    qs = Document.objects.filter(environment=environment)
    if state:
        qs = qs.filter(state=state)
    if document_type:
        qs = qs.filter(document_type=document_type)
    if series is not None:
        qs = qs.filter(series=series)
    if receptor_rfc:
        qs = qs.filter(receptor_rfc=normalize_rfc(receptor_rfc))
    if date_from:
        qs = qs.filter(created_at__gte=_day_start(date_from))
    if date_to:
        qs = qs.filter(created_at__lt=_day_start(date_to) + timezone.timedelta(days=1))
    if query:
        qs = qs.filter(document_search_filter(query))
    return qs.order_by("-id").only(*LIST_COLUMNS)


def document_history(document: Document) -> QuerySet[DocumentTransition]:
    return DocumentTransition.objects.filter(document=document).select_related("actor").order_by("id")


def log_lines(*, environment: InvoicingEnvironment, movement: str = "", limit: int = 200) -> list[LogLine]:
    """The latest lines, or every line of one movement (seed: "control f con movto"), oldest first."""
    qs = LogLine.objects.filter(environment=environment)
    if movement:
        qs = qs.filter(movement_id=movement.strip())
    return list(reversed(qs.order_by("-id")[:limit]))


def generator_events(environment: InvoicingEnvironment, *, limit: int = 20) -> QuerySet[GeneratorEvent]:
    return GeneratorEvent.objects.filter(environment=environment).select_related("actor").order_by("-id")[:limit]
