"""Pages of the queue: saving, changing and deleting a view of the ticket list, and the ticket
page's presence ping (htmx, every 10 seconds while the page is open)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cfdidesk.accounts.access import require_capability

from ..access import get_ticket_for
from . import selectors, services

MAX_QUERY = 2000


def _to_list(query: str = ""):
    return redirect(f"{reverse('desk:list')}?{query}" if query else reverse("desk:list"))


@require_capability("tickets.view")
@require_POST
def saved_view_create(request):
    try:
        view = services.saved_view_create(
            owner=request.user,
            name=request.POST.get("name", ""),
            query=request.POST.get("query", "")[:MAX_QUERY],
            shared=request.POST.get("shared") == "on",
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return _to_list(request.POST.get("query", "")[:MAX_QUERY])
    messages.success(request, _("Vista «%(n)s» guardada.") % {"n": view.name})
    return _to_list(selectors.saved_view_link(view))


@require_capability("tickets.view")
@require_POST
def saved_view_update(request, pk: int):
    view = selectors.own_saved_view(request.user, pk)
    if view is None:
        raise Http404
    take_filters = request.POST.get("take_filters") == "on"
    try:
        view = services.saved_view_update(
            owner=request.user,
            view=view,
            name=request.POST.get("name", view.name),
            shared=request.POST.get("shared") == "on",
            query=request.POST.get("query", "")[:MAX_QUERY] if take_filters else None,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Vista «%(n)s» actualizada.") % {"n": view.name})
    return _to_list(selectors.saved_view_link(view))


@require_capability("tickets.view")
@require_POST
def saved_view_delete(request, pk: int):
    view = selectors.own_saved_view(request.user, pk)
    if view is None:
        raise Http404
    services.saved_view_delete(owner=request.user, view=view)
    messages.success(request, _("Vista «%(n)s» borrada.") % {"n": view.name})
    return _to_list()


@require_capability("tickets.view")
@require_POST
def presence(request, number: str):
    """Record that the user is here (and typing, with estado=escribiendo); show the others."""
    ticket = get_ticket_for(request.user, number)
    services.presence_touch(
        user=request.user, ticket=ticket, typing=request.POST.get("estado") == "escribiendo"
    )
    others = selectors.presence_others(ticket=ticket, user=request.user)
    return render(request, "desk/_presence.html", {"others": others})
