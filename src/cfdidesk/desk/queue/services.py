"""Writes of the queue: saved views (their owner's only) and the presence pings of the ticket page."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import SavedView, Ticket, TicketPresence
from .rules import COLUMNS_KEY, DEFAULT_COLUMNS, SORT_KEY, clean_columns, clean_filters

MAX_VIEWS_PER_USER = 50
MAX_NAME = 60
# Presence rows older than this are of nobody: the page's own ping removes its user's stale rows.
PRESENCE_KEEP = dt.timedelta(hours=1)


def _parts_of(query: str) -> tuple[dict, str, list[str]]:
    """Filters, sort and columns of a list query string."""
    values = parse_qs(query or "", keep_blank_values=False)
    filters = clean_filters({k: v[0] for k, v in values.items() if v})
    sort = (values.get(SORT_KEY) or [""])[0][:20]
    columns = clean_columns(values[COLUMNS_KEY]) if COLUMNS_KEY in values else list(DEFAULT_COLUMNS)
    return filters, sort, columns


def _name(owner, name: str, exclude_pk: int | None = None) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": [_("Escribe un nombre para la vista.")]})
    if len(name) > MAX_NAME:
        raise ValidationError({"name": [_("Máximo %(n)d caracteres.") % {"n": MAX_NAME}]})
    taken = SavedView.objects.filter(owner=owner, name__iexact=name)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        raise ValidationError({"name": [_("Ya tienes una vista llamada «%(n)s».") % {"n": name}]})
    return name


@transaction.atomic
def saved_view_create(*, owner, name: str, query: str, shared: bool = False) -> SavedView:
    """A view from the list as it is now (its query string): filters, sort and visible columns."""
    name = _name(owner, name)
    if SavedView.objects.filter(owner=owner).count() >= MAX_VIEWS_PER_USER:
        raise ValidationError(
            {"name": [_("Ya tienes %(n)d vistas: borra alguna.") % {"n": MAX_VIEWS_PER_USER}]}
        )
    filters, sort, columns = _parts_of(query)
    return SavedView.objects.create(
        owner=owner, name=name, filters=filters, sort=sort, columns=columns, shared=bool(shared)
    )


def _own(owner, view: SavedView) -> SavedView:
    locked = SavedView.objects.select_for_update().filter(pk=view.pk).first()
    if locked is None or locked.owner_id != owner.pk:
        raise PermissionDenied
    return locked


@transaction.atomic
def saved_view_update(
    *,
    owner,
    view: SavedView,
    name: str | None = None,
    shared: bool | None = None,
    query: str | None = None,
) -> SavedView:
    """Rename, share or unshare, or take the list's current filters, sort and columns."""
    locked = _own(owner, view)
    if name is not None:
        locked.name = _name(owner, name, exclude_pk=locked.pk)
    if shared is not None:
        locked.shared = bool(shared)
    if query is not None:
        locked.filters, locked.sort, locked.columns = _parts_of(query)
    locked.save()
    return locked


@transaction.atomic
def saved_view_delete(*, owner, view: SavedView) -> None:
    _own(owner, view).delete()


def presence_touch(*, user, ticket: Ticket, typing: bool = False, now=None) -> None:
    """The user has the ticket open (and is writing a reply): one upsert, plus removing the user's
    rows of other tickets left long ago, so the table holds about one row per person."""
    now = now or timezone.now()
    fields = ["seen_at", "typing_at"] if typing else ["seen_at"]
    TicketPresence.objects.bulk_create(
        [TicketPresence(ticket=ticket, user=user, seen_at=now, typing_at=now if typing else None)],
        update_conflicts=True,
        unique_fields=["ticket", "user"],
        update_fields=fields,
    )
    TicketPresence.objects.filter(user=user, seen_at__lt=now - PRESENCE_KEEP).delete()
