"""Every write to tags: a ticket's tags (timeline entry on the ticket) and the catalog (audited)."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cfdidesk.audit.services import audit_record
from cfdidesk.core.actors import actor_or_none
from cfdidesk.core.audit_actions import AuditAction

from ..models import Macro, Tag, Ticket, TicketEvent, TicketTag
from .rules import MAX_NAME, MAX_PER_TICKET, tag_key, tag_name, tag_names


def _check_name(name: str, field: str = "name") -> str:
    name = tag_name(name)
    if not name:
        raise ValidationError({field: [_("Escribe el nombre de la etiqueta.")]})
    if len(name) > MAX_NAME:
        raise ValidationError(
            {field: [_("«%(t)s»: máximo %(n)d caracteres.") % {"t": name[:60], "n": MAX_NAME}]}
        )
    return name


def tag_name_check(*, name: str, exclude_pk: int | None = None) -> str:
    """The cleaned name, or a refusal: empty, too long, or another tag's name (merge them instead)."""
    name = _check_name(name)
    same = Tag.objects.filter(key=tag_key(name))
    taken = (same.exclude(pk=exclude_pk) if exclude_pk is not None else same).first()
    if taken is not None:
        raise ValidationError(
            {
                "name": [
                    _("Ya existe la etiqueta «%(t)s»: para unirlas, fusiona una con la otra.")
                    % {"t": taken.name}
                ]
            }
        )
    return name


def tags_get_or_create(*, names: Sequence[str]) -> list[Tag]:
    """The tags with these names, made when missing (two people making one at once get the same)."""
    cleaned = [_check_name(n, "tags") for n in names]
    if not cleaned:
        return []
    by_key = {tag_key(n): n for n in reversed(cleaned)}  # the first spelling wins
    Tag.objects.bulk_create(
        [Tag(name=name, key=key) for key, name in by_key.items()], ignore_conflicts=True
    )
    found = {t.key: t for t in Tag.objects.filter(key__in=list(by_key))}
    return [found[key] for key in dict.fromkeys(tag_key(n) for n in cleaned)]


def _record(actor, ticket: Ticket, added: list[Tag], removed: list[Tag]) -> None:
    TicketEvent.objects.create(
        ticket=ticket,
        actor=actor_or_none(actor),
        kind=TicketEvent.Kind.TAGS,
        data={"added": [t.name for t in added], "removed": [t.name for t in removed]},
    )
    Ticket.objects.filter(pk=ticket.pk).update(updated_at=timezone.now())


@transaction.atomic
def ticket_tags_set(*, actor, ticket: Ticket, text: str) -> list[Tag]:
    """The ticket's tags become those typed (comma-separated); new names become new tags."""
    names = tag_names(text)
    if len(names) > MAX_PER_TICKET:
        raise ValidationError(
            {"tags": [_("Máximo %(n)d etiquetas por ticket.") % {"n": MAX_PER_TICKET}]}
        )
    wanted = tags_get_or_create(names=names)
    current = {
        t.pk: t
        for t in Tag.objects.filter(pk__in=TicketTag.objects.filter(ticket=ticket).values("tag_id"))
    }
    added = [t for t in wanted if t.pk not in current]
    removed = [t for pk, t in current.items() if pk not in {w.pk for w in wanted}]
    if not added and not removed:
        return wanted
    TicketTag.objects.filter(ticket=ticket, tag__in=[t.pk for t in removed]).delete()
    TicketTag.objects.bulk_create(
        [TicketTag(ticket=ticket, tag=t) for t in added], ignore_conflicts=True
    )
    _record(actor, ticket, added, removed)
    return wanted


@transaction.atomic
def ticket_tags_add(*, actor, ticket: Ticket, tags: Sequence[Tag]) -> list[Tag]:
    """Add tags the ticket does not have yet (macros); returns those added."""
    have = set(TicketTag.objects.filter(ticket=ticket).values_list("tag_id", flat=True))
    added = [t for t in tags if t.pk not in have]
    if len(have) + len(added) > MAX_PER_TICKET:
        raise ValidationError(
            {"tags": [_("Máximo %(n)d etiquetas por ticket.") % {"n": MAX_PER_TICKET}]}
        )
    if added:
        TicketTag.objects.bulk_create(
            [TicketTag(ticket=ticket, tag=t) for t in added], ignore_conflicts=True
        )
        _record(actor, ticket, added, [])
    return added


@transaction.atomic
def tag_create(*, actor, name: str) -> Tag:
    name = tag_name_check(name=name)
    return Tag.objects.create(name=name, key=tag_key(name))


@transaction.atomic
def tag_rename(*, actor, tag: Tag, name: str) -> Tag:
    """Another spelling of the same tag; a name another tag has is refused (merge them instead)."""
    locked = Tag.objects.select_for_update().get(pk=tag.pk)
    name = tag_name_check(name=name, exclude_pk=locked.pk)
    if name == locked.name:
        return locked
    old = locked.name
    locked.name, locked.key = name, tag_key(name)
    locked.save(update_fields=["name", "key"])
    audit_record(
        actor=actor, action=AuditAction.TAG_RENAME, target=locked, changes={"name": [old, name]}
    )
    return locked


@transaction.atomic
def tags_merge(*, actor, source: Tag, target: Tag) -> Tag:
    """Every ticket and macro with `source` gets `target` instead, and `source` disappears.
    A constant number of queries, however many tickets carry the tag."""
    if source.pk == target.pk:
        raise ValidationError({"merge_into": [_("Elige otra etiqueta.")]})
    locked = {
        t.pk: t for t in Tag.objects.select_for_update().filter(pk__in=[source.pk, target.pk])
    }
    if len(locked) != 2:
        raise ValidationError({"merge_into": [_("La etiqueta ya no existe.")]})
    both = TicketTag.objects.filter(tag=target).values("ticket_id")
    moved = TicketTag.objects.filter(tag=source).exclude(ticket_id__in=both).update(tag=target)
    TicketTag.objects.filter(tag=source).delete()
    through = Macro.tags.through
    macros_both = through.objects.filter(tag=target).values("macro_id")
    through.objects.filter(tag=source).exclude(macro_id__in=macros_both).update(tag=target)
    audit_record(
        actor=actor,
        action=AuditAction.TAG_MERGE,
        target=locked[target.pk],
        changes={
            "merged": locked[source.pk].name,
            "into": locked[target.pk].name,
            "tickets": moved,
        },
    )
    Tag.objects.filter(pk=source.pk).delete()
    return locked[target.pk]


@transaction.atomic
def tag_delete(*, actor, tag: Tag) -> None:
    """The tag leaves every ticket and macro (their timelines keep the names they had)."""
    count = TicketTag.objects.filter(tag=tag).count()
    audit_record(
        actor=actor,
        action=AuditAction.TAG_DELETE,
        target=tag,
        changes={"name": tag.name, "tickets": count},
    )
    Tag.objects.filter(pk=tag.pk).delete()
