"""Reads of the mail that reached the helpdesk address."""

from __future__ import annotations

from django.db.models import QuerySet

from ..models import InboundEmail


def inbound_emails(*, outcome: str = "") -> QuerySet[InboundEmail]:
    """Newest first, of one outcome (all with "")."""
    records = InboundEmail.objects.select_related("ticket", "claimed_ticket").order_by(
        "-received_at", "-id"
    )
    return records.filter(outcome=outcome) if outcome else records


def inbound_email(pk: int | None) -> InboundEmail | None:
    return InboundEmail.objects.filter(pk=pk).first() if pk else None
