"""Reads of the invoicing pipeline: environments, documents (filters and search), history, log."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from cfdidesk.sat.rfc import normalize_rfc

from .models import (
    Document,
    DocumentTransition,
    DocumentXml,
    GeneratorEvent,
    InvoicingEnvironment,
    LogLine,
    StampBalance,
    State,
    StateCount,
)
from .naming import pre_download_name

_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_SERIES_FOLIO = re.compile(r"^(?P<series>[A-Za-z]{0,25})[- ]?(?P<folio>\d{1,18})$")
LIST_COLUMNS = (
    "id",
    "environment_id",
    "movement_id",
    "document_type",
    "series",
    "folio",
    "state",
    "input_flag",
    "receptor_rfc",
    "receptor_name",
    "currency",
    "total",
    "uuid",
    "file_name",
    "created_at",
    "stamped_at",
)


def environment_list() -> QuerySet[InvoicingEnvironment]:
    return InvoicingEnvironment.objects.select_related("company").order_by("name", "id")


def state_counts(environment: InvoicingEnvironment) -> dict[str, int]:
    """Documents per state: nine counters kept by transitions_save, one tiny query at any size."""
    counts = {s.value: 0 for s in State}
    counts.update(StateCount.objects.filter(environment=environment).values_list("state", "count"))
    return counts


def document_search_conditions(query: str) -> list[Q]:
    """One box: a UUID, a file name, series-folio (A-123, A123, 123) or a movement id.

    Each condition is one index lookup: uuid (unique), (environment, file_name),
    (environment, movement_id), (environment, series, folio).
    """
    text = (query or "").strip()
    if not text:
        return []
    if _UUID.match(text):
        return [Q(uuid=text.upper())]
    if text.lower().endswith(".xml"):
        return [Q(file_name__in=sorted({text, text.upper()}))]
    conditions = [Q(movement_id=text)]
    match = _SERIES_FOLIO.match(text)
    if match:
        conditions.append(
            Q(
                series__in=sorted({match["series"], match["series"].upper()}),
                folio=int(match["folio"]),
            )
        )
    return conditions


def _search_ids(environment: InvoicingEnvironment, query: str) -> list[int]:
    """The ids the search finds, one small query per kind of match.

    Asked as one OR inside the list query, SQLite walks (environment, id) in list order and
    checks every row instead of looking each condition up in its own index.
    """
    ids: set[int] = set()
    for condition in document_search_conditions(query):
        ids.update(
            Document.objects.filter(condition, environment=environment)
            .order_by()
            .values_list("id", flat=True)[:SEARCH_LIMIT]
        )
    return sorted(ids)


def _day_start(value: date) -> datetime:
    return timezone.make_aware(datetime.combine(value, time.min))


SORTS = ("recientes", "antiguos")
SEARCH_LIMIT = 1000


def document_list(
    *,
    environment: InvoicingEnvironment,
    state: str = "",
    document_type: str = "",
    series: str | None = None,
    receptor_rfc: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
    query: str = "",
    sort: str = "recientes",
) -> QuerySet[Document]:
    """Newest (or oldest) first by arrival; every single filter walks its own index in that order.

    Indexes (models.Document.Meta): (environment, id) for the plain list; (environment, state |
    document_type | series | receptor_rfc, id) for one filter; (environment, created_at, id) for a
    date range, listed by arrival time (created_at, id), which is arrival order; the search is an
    index lookup per kind (movement_id, uuid, file_name, series + folio) done first, whose few ids
    the list then reads by primary key: one or two queries more, whatever the size of the table.
    Two filters together walk the index of one and check the other on each row.
    """
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
        qs = qs.filter(created_at__lt=_day_start(date_to) + timedelta(days=1))
    if query.strip():
        qs = qs.filter(id__in=_search_ids(environment, query))
    by_date = bool(date_from or date_to) and not (
        state or document_type or series is not None or receptor_rfc or query.strip()
    )
    order = ["created_at", "id"] if by_date else ["id"]
    if sort != "antiguos":
        order = [f"-{name}" for name in order]
    return qs.order_by(*order).only(*LIST_COLUMNS)


def document_history(document: Document) -> QuerySet[DocumentTransition]:
    return (
        DocumentTransition.objects.filter(document=document).select_related("actor").order_by("id")
    )


def log_lines(
    *, environment: InvoicingEnvironment, movement: str = "", limit: int = 200
) -> list[LogLine]:
    """The latest lines, or every line of one movement (seed: "control f con movto"), oldest first."""
    qs = LogLine.objects.filter(environment=environment)
    if movement:
        qs = qs.filter(movement_id=movement.strip())
    return list(reversed(qs.order_by("-id")[:limit]))


def generator_events(
    environment: InvoicingEnvironment, *, limit: int = 20
) -> QuerySet[GeneratorEvent]:
    return (
        GeneratorEvent.objects.filter(environment=environment)
        .select_related("actor")
        .order_by("-id")[:limit]
    )


def stamp_balance(*, rfc: str) -> StampBalance:
    """The RFC's stamp credits (unsaved, zero, if nothing was ever loaded)."""
    return StampBalance.objects.filter(rfc=rfc).first() or StampBalance(rfc=rfc)


def document_xml(document: Document) -> DocumentXml | None:
    """The document's XML row (its PRE and its stamped XML), if it has one."""
    return DocumentXml.objects.filter(document=document).first()


@dataclass(frozen=True)
class XmlDownload:
    content: str
    file_name: str


def document_has_xml(document: Document) -> bool:
    """Whether the document has an XML to download, told by its state (without reading the XML):
    mapping wrote its PRE, or it is stamped."""
    return document.state not in (State.RECEIVED, State.MAPPING_ERROR) or document.is_stamped


def document_xml_download(document: Document, *, kind: str = "auto") -> XmlDownload | None:
    """Which XML a download gives and its file name, for the page and the API alike.

    `kind`: auto (the stamped XML, or the PRE while there is none), stamped, or pre. The PRE of a
    stamped document is named PRE_<its file name>. None when the document has no such XML.
    """
    xml = document_xml(document)
    stamped = xml.stamped_xml if xml else ""
    pre = xml.pre_xml if xml else ""
    if kind == "stamped" or (kind == "auto" and stamped):
        content, name = stamped, document.file_name
    else:
        content = pre
        name = pre_download_name(document.file_name, stamped=document.is_stamped)
    if not content:
        return None
    return XmlDownload(content, name or str(document.pk))


@dataclass(frozen=True)
class EnvironmentSummary:
    environment: InvoicingEnvironment
    counts: list[tuple[State, int]]  # the states with documents, in the catalog's order
    total: int
    balance: StampBalance


def company_environments(*, company_id: int) -> list[EnvironmentSummary]:
    """A company's invoicing environments with their documents by state (the StateCount counters,
    never a count of documents) and the stamp balance of each emitter RFC: three queries."""
    environments = list(
        InvoicingEnvironment.objects.filter(company_id=company_id).order_by(
            "-is_active", "name", "id"
        )
    )
    if not environments:
        return []
    counts: dict[int, dict[str, int]] = {e.pk: {} for e in environments}
    for env_id, state, n in StateCount.objects.filter(
        environment_id__in=list(counts), count__gt=0
    ).values_list("environment_id", "state", "count"):
        counts[env_id][state] = n
    rfcs = {e.emitter_rfc for e in environments}
    balances = {b.rfc: b for b in StampBalance.objects.filter(rfc__in=rfcs)}
    return [
        EnvironmentSummary(
            environment=e,
            counts=[(s, counts[e.pk][s.value]) for s in State if s.value in counts[e.pk]],
            total=sum(counts[e.pk].values()),
            balance=balances.get(e.emitter_rfc) or StampBalance(rfc=e.emitter_rfc),
        )
        for e in environments
    ]
