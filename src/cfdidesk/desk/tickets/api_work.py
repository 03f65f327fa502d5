"""Merge, related tickets, tags and macros over the API: the same services as the ticket page."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from cfdidesk.accounts.roles import has_capability

from ..access import get_ticket_for_edit
from ..tags.selectors import all_tags, ticket_tags
from ..tags.services import ticket_tags_set
from . import selectors
from .api import TicketOut, _out
from .services import macros, merge

router = Router(tags=["Tickets"])


class MergeIn(Schema):
    into: str = Field(description="Número del ticket que sigue (el superviviente)")
    reason: str


class LinkIn(Schema):
    number: str = Field(description="Número del ticket relacionado")


class LinkOut(Schema):
    number: str
    subject: str
    status: str


class TagsIn(Schema):
    tags: list[str] = Field(description="Todas las etiquetas del ticket; las nuevas se crean")


class TagOut(Schema):
    id: int
    name: str


class MacroIn(Schema):
    macro_id: int


def _ticket_named(number: str, field: str):
    other = selectors.ticket_by_number(number[:30])
    if other is None:
        raise ValidationError({field: [_("No existe el ticket %(n)s.") % {"n": number[:30]}]})
    return other


def _links(ticket) -> list[dict]:
    return [
        {"number": t.number, "subject": t.subject, "status": t.status}
        for t in selectors.linked_tickets(ticket)
    ]


@router.post(
    "/tickets/{number}/merge", response=TicketOut, summary="Fusionar con otro ticket (y cerrarlo)"
)
def merge_ticket(request, number: str, payload: MergeIn):
    """The ticket is closed into `into`, which is returned; both timelines are kept."""
    ticket = get_ticket_for_edit(request.user, number)
    target = _ticket_named(payload.into, "into")
    survivor = merge.ticket_merge(
        actor=request.user, source=ticket, target=target, reason=payload.reason
    )
    return _out(survivor)


@router.get("/tickets/{number}/links", response=list[LinkOut], summary="Tickets relacionados")
def list_links(request, number: str):
    return _links(get_ticket_for_edit(request.user, number))


@router.post(
    "/tickets/{number}/links", response={201: list[LinkOut]}, summary="Relacionar otro ticket"
)
def add_link(request, number: str, payload: LinkIn):
    ticket = get_ticket_for_edit(request.user, number)
    merge.ticket_link(
        actor=request.user, ticket=ticket, other=_ticket_named(payload.number, "number")
    )
    return Status(201, _links(ticket))


@router.delete(
    "/tickets/{number}/links/{other}", response={204: None}, summary="Quitar una relación"
)
def remove_link(request, number: str, other: str):
    ticket = get_ticket_for_edit(request.user, number)
    merge.ticket_unlink(actor=request.user, ticket=ticket, other=_ticket_named(other, "number"))
    return Status(204, None)


@router.put("/tickets/{number}/tags", response=list[str], summary="Poner las etiquetas del ticket")
def set_tags(request, number: str, payload: TagsIn):
    ticket = get_ticket_for_edit(request.user, number)
    names = [n.replace(",", " ") for n in payload.tags[:50]]
    ticket_tags_set(actor=request.user, ticket=ticket, text=", ".join(names))
    return [t.name for t in ticket_tags(ticket)]


@router.get("/tags", response=list[TagOut], summary="Etiquetas")
def list_tags(request):
    if not has_capability(request.user, "tickets.view"):
        raise PermissionDenied
    return [{"id": t.pk, "name": t.name} for t in all_tags()]


@router.post("/tickets/{number}/macros", response=TicketOut, summary="Aplicar una macro al ticket")
def apply_macro(request, number: str, payload: MacroIn):
    ticket = get_ticket_for_edit(request.user, number)
    macro = selectors.active_macro(payload.macro_id if 0 < payload.macro_id < 2**63 else None)
    if macro is None:
        raise ValidationError({"macro_id": [_("No existe esa macro activa.")]})
    return _out(macros.macro_apply(actor=request.user, ticket=ticket, macro=macro))
