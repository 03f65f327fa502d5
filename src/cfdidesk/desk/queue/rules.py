"""The vocabulary of the ticket list that a saved view keeps: its parameters and its columns.
No database here."""

from __future__ import annotations

from urllib.parse import urlencode

from django.utils.translation import gettext_lazy as _

# The list's query parameters a saved view keeps (the page number and the view id are not kept).
FILTER_KEYS = (
    "vista",
    "q",
    "status",
    "priority",
    "team",
    "assignee",
    "company",
    "category",
    "sla",
    "tag",
)
SORT_KEY = "orden"
COLUMNS_KEY = "col"
MAX_VALUE = 100

# Optional columns, in the order the table shows them; number and subject are always there.
COLUMNS = {
    "cliente": _("Cliente"),
    "prioridad": _("Prioridad"),
    "estado": _("Estado"),
    "consultor": _("Consultor"),
    "equipo": _("Equipo"),
    "categoria": _("Categoría"),
    "vence": _("Vence"),
    "actualizado": _("Última actualización"),
    "creado": _("Creado"),
}
DEFAULT_COLUMNS = ("cliente", "prioridad", "estado", "consultor", "vence")
# Sent with every column choice, so "no optional column" is a choice and not the default.
COLUMNS_SENT = "numero"


def columns_from(values: list[str]) -> list[str]:
    """The columns asked for (in table order), or the default set when none were asked for."""
    if not values:
        return list(DEFAULT_COLUMNS)
    return [code for code in COLUMNS if code in values]


def clean_columns(values) -> list[str]:
    """Known column codes, in table order."""
    chosen = {str(v) for v in values} if isinstance(values, list | tuple) else set()
    return [code for code in COLUMNS if code in chosen]


def clean_filters(raw: dict) -> dict[str, str]:
    """The saved view's filters: known keys with short text values only (the list checks each
    value again when it is opened, so a stale id shows nothing rather than failing)."""
    return {
        key: str(raw[key])[:MAX_VALUE]
        for key in FILTER_KEYS
        if isinstance(raw.get(key), str | int) and str(raw[key]).strip()
    }


def view_query(*, filters: dict, sort: str, columns: list[str], view_id: int | None = None) -> str:
    """The list's query string that shows a saved view."""
    pairs: list[tuple[str, str]] = [(k, v) for k, v in clean_filters(filters).items()]
    if sort:
        pairs.append((SORT_KEY, sort))
    pairs += [(COLUMNS_KEY, c) for c in [COLUMNS_SENT, *clean_columns(columns)]]
    if view_id:
        pairs.append(("guardada", str(view_id)))
    return urlencode(pairs)
