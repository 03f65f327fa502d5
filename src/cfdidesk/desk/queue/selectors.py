"""Reads of the queue: the saved views a user sees, and who else is on a ticket now."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from cfdidesk.core.people import display_name

from ..models import SavedView, Ticket, TicketPresence
from .rules import view_query

# Someone is on the ticket if their page pinged within this window (it pings every 10 s).
PRESENCE_WINDOW = dt.timedelta(seconds=30)


def saved_views_for(user) -> QuerySet[SavedView]:
    """The user's own views and those others share with the team, in one query."""
    return (
        SavedView.objects.filter(Q(owner=user) | Q(shared=True))
        .select_related("owner")
        .order_by("name", "id")
    )


def saved_view_for(user, pk: int | None) -> SavedView | None:
    """One view the user may open (theirs or shared), or None."""
    return saved_views_for(user).filter(pk=pk).first() if pk else None


def own_saved_view(user, pk: int | None) -> SavedView | None:
    return SavedView.objects.filter(pk=pk, owner=user).first() if pk else None


def saved_view_link(view: SavedView) -> str:
    """The list's query string for the view, with its id (the tab it highlights)."""
    return view_query(filters=view.filters, sort=view.sort, columns=view.columns, view_id=view.pk)


@dataclass(frozen=True)
class Presence:
    name: str
    typing: bool


def presence_others(*, ticket: Ticket, user, now=None) -> list[Presence]:
    """The other staff users who had this ticket open in the last seconds, writers first."""
    now = now or timezone.now()
    since = now - PRESENCE_WINDOW
    rows = (
        TicketPresence.objects.filter(ticket=ticket, seen_at__gte=since)
        .exclude(user=user)
        .select_related("user")
        .order_by("user__first_name", "user__username")
    )
    found = [
        Presence(
            name=display_name(row.user), typing=row.typing_at is not None and row.typing_at >= since
        )
        for row in rows
    ]
    return sorted(found, key=lambda p: not p.typing)
