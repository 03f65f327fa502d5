"""The ticket page's tags box: the tags typed replace the ticket's (new names become tags)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cfdidesk.accounts.access import require_capability

from ..access import get_ticket_for_edit
from .services import ticket_tags_set


@require_capability("tickets.edit")
@require_POST
def ticket_tags(request, number: str):
    ticket = get_ticket_for_edit(request.user, number)
    try:
        ticket_tags_set(actor=request.user, ticket=ticket, text=request.POST.get("tags", "")[:2000])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Etiquetas guardadas."))
    return redirect("desk:detail", number=number)
