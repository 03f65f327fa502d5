"""The ticket page's work on other tickets and in one click: merge into another ticket, relate
and unrelate tickets, apply a macro. Thin: access, a service, a message, back to the page."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cfdidesk.accounts.access import require_capability
from cfdidesk.core.params import id_param

from ..access import get_ticket_for_edit
from . import selectors
from .services import macros, merge


def _back(number: str, anchor: str = ""):
    return redirect(reverse("desk:detail", args=[number]) + anchor)


def _other(request, field: str = "number"):
    other = selectors.ticket_by_number(request.POST.get(field, "")[:30])
    if other is None:
        messages.error(
            request,
            _("No existe el ticket %(n)s.") % {"n": request.POST.get(field, "")[:30] or "—"},
        )
    return other


@require_capability("tickets.edit")
@require_POST
def ticket_merge(request, number: str):
    ticket = get_ticket_for_edit(request.user, number)
    target = _other(request, "into")
    if target is None:
        return _back(number, "#merge")
    try:
        survivor = merge.ticket_merge(
            actor=request.user,
            source=ticket,
            target=target,
            reason=request.POST.get("reason", ""),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return _back(number, "#merge")
    messages.success(
        request,
        _("El ticket #%(a)s se fusionó con #%(b)s y quedó cerrado; aquí sigue la atención.")
        % {"a": ticket.number, "b": survivor.number},
    )
    return _back(survivor.number)


@require_capability("tickets.edit")
@require_POST
def ticket_link(request, number: str):
    ticket = get_ticket_for_edit(request.user, number)
    other = _other(request)
    if other is not None:
        try:
            merge.ticket_link(actor=request.user, ticket=ticket, other=other)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Ticket #%(n)s relacionado.") % {"n": other.number})
    return _back(number, "#related")


@require_capability("tickets.edit")
@require_POST
def ticket_unlink(request, number: str):
    ticket = get_ticket_for_edit(request.user, number)
    other = _other(request)
    if other is not None:
        try:
            merge.ticket_unlink(actor=request.user, ticket=ticket, other=other)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request, _("El ticket #%(n)s ya no está relacionado.") % {"n": other.number}
            )
    return _back(number, "#related")


@require_capability("tickets.edit")
@require_POST
def macro_apply(request, number: str):
    ticket = get_ticket_for_edit(request.user, number)
    macro = selectors.active_macro(id_param(request.POST.get("macro")))
    if macro is None:
        messages.error(request, _("Elige una macro."))
        return _back(number)
    try:
        macros.macro_apply(actor=request.user, ticket=ticket, macro=macro)
    except ValidationError as exc:
        messages.error(
            request,
            _("No se aplicó la macro «%(m)s»: %(why)s")
            % {"m": macro.name, "why": " ".join(exc.messages)},
        )
    else:
        messages.success(request, _("Macro «%(m)s» aplicada.") % {"m": macro.name})
    return _back(number)
