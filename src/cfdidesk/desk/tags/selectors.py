"""Reads of tags: the catalog (filters, suggestions) and one ticket's."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from ..models import Tag, Ticket, TicketTag


def all_tags() -> QuerySet[Tag]:
    return Tag.objects.order_by("name", "id")


def tag_by_id(pk: int | None) -> Tag | None:
    return Tag.objects.filter(pk=pk).first() if pk else None


def ticket_tags(ticket: Ticket) -> list[Tag]:
    return list(Tag.objects.filter(pk__in=TicketTag.objects.filter(ticket=ticket).values("tag_id")))


def tickets_with_tag(tag_id: int) -> QuerySet[TicketTag, Any]:
    """The ids of the tickets that carry a tag, as a sub-query for the lists."""
    return TicketTag.objects.filter(tag_id=tag_id).values("ticket_id")
