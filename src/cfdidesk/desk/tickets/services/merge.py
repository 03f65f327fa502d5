"""Merging a duplicate into the ticket that carries on, and linking related tickets.

A merged ticket is closed and points to its survivor; both timelines are kept (the survivor's page
shows the merged one's entries too), e-mail to the old number or its Message-IDs lands on the
survivor (inbox), and the portal sends the customer there.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cfdidesk.audit.services import audit_record
from cfdidesk.core.actors import actor_or_none
from cfdidesk.core.audit_actions import AuditAction

from ...models import Status, Ticket, TicketEvent, TicketLink, TicketTag
from ..rules import MAX_MERGE_REASON, merge_errors, status_fields


def _lock_pair(first: Ticket, second: Ticket) -> tuple[Ticket, Ticket]:
    """Both rows locked, always in id order (two merges of the same pair cannot deadlock)."""
    rows = {
        t.pk: t
        for t in Ticket.objects.select_for_update()
        .filter(pk__in=[first.pk, second.pk])
        .order_by("pk")
    }
    return rows[first.pk], rows[second.pk]


@transaction.atomic
def ticket_merge(*, actor, source: Ticket, target: Ticket, reason: str) -> Ticket:
    """Close `source` into `target`; returns the survivor."""
    src, dst = _lock_pair(source, target)
    errors = merge_errors(src, dst, reason)
    if errors:
        raise ValidationError(errors)
    reason = reason.strip()[:MAX_MERGE_REASON]
    now = timezone.now()
    closing = status_fields(src, Status.CLOSED, now) if src.status != Status.CLOSED else {}
    Ticket.objects.filter(pk=src.pk).update(
        **closing, merged_into=dst, version=F("version") + 1, updated_at=now
    )
    # Tickets merged into the source follow it: a survivor is never itself merged.
    Ticket.objects.filter(merged_into=src).update(merged_into=dst)
    Ticket.objects.filter(pk=dst.pk).update(version=F("version") + 1, updated_at=now)
    # The survivor gets the tags it lacked.
    TicketTag.objects.bulk_create(
        [
            TicketTag(ticket_id=dst.pk, tag_id=tag_id)
            for tag_id in TicketTag.objects.filter(ticket=src).values_list("tag_id", flat=True)
        ],
        ignore_conflicts=True,
    )
    who = actor_or_none(actor)
    TicketEvent.objects.bulk_create(
        [
            TicketEvent(
                ticket=src,
                actor=who,
                kind=TicketEvent.Kind.MERGE,
                body=reason,
                data={"into": dst.number, "from_status": src.status},
            ),
            TicketEvent(
                ticket=dst,
                actor=who,
                kind=TicketEvent.Kind.MERGE,
                body=reason,
                data={"from": src.number},
            ),
        ]
    )
    audit_record(
        actor=actor,
        action=AuditAction.TICKET_MERGE,
        target=src,
        changes={"into": dst.number, "from_status": src.status, "reason": reason},
    )
    dst.refresh_from_db()
    return dst


def _link_pair(ticket: Ticket, other: Ticket) -> tuple[int, int]:
    if ticket.pk == other.pk:
        raise ValidationError({"number": [_("Un ticket no se relaciona consigo mismo.")]})
    return (ticket.pk, other.pk) if ticket.pk < other.pk else (other.pk, ticket.pk)


def _link_events(actor, ticket: Ticket, other: Ticket, change: str) -> None:
    who = actor_or_none(actor)
    TicketEvent.objects.bulk_create(
        [
            TicketEvent(ticket=a, actor=who, kind=TicketEvent.Kind.LINK, data={change: b.number})
            for a, b in ((ticket, other), (other, ticket))
        ]
    )
    Ticket.objects.filter(pk__in=[ticket.pk, other.pk]).update(updated_at=timezone.now())


@transaction.atomic
def ticket_link(*, actor, ticket: Ticket, other: Ticket) -> TicketLink:
    """Relate two tickets; each lists the other."""
    low, high = _link_pair(ticket, other)
    link, created = TicketLink.objects.get_or_create(
        low_id=low, high_id=high, defaults={"created_by": actor_or_none(actor)}
    )
    if not created:
        raise ValidationError(
            {
                "number": [
                    _("Los tickets #%(a)s y #%(b)s ya están relacionados.")
                    % {"a": ticket.number, "b": other.number}
                ]
            }
        )
    _link_events(actor, ticket, other, "added")
    audit_record(
        actor=actor, action=AuditAction.TICKET_LINK, target=ticket, changes={"with": other.number}
    )
    return link


@transaction.atomic
def ticket_unlink(*, actor, ticket: Ticket, other: Ticket) -> None:
    low, high = _link_pair(ticket, other)
    deleted, _rows = TicketLink.objects.filter(Q(low_id=low) & Q(high_id=high)).delete()
    if not deleted:
        raise ValidationError(
            {
                "number": [
                    _("Los tickets #%(a)s y #%(b)s no están relacionados.")
                    % {"a": ticket.number, "b": other.number}
                ]
            }
        )
    _link_events(actor, ticket, other, "removed")
    audit_record(
        actor=actor, action=AuditAction.TICKET_UNLINK, target=ticket, changes={"with": other.number}
    )
