"""The mail that reached the helpdesk address without making a ticket; support gives it a company."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from cfdidesk.accounts.access import require_capability
from cfdidesk.accounts.roles import has_capability
from cfdidesk.core.pagination import page_of
from cfdidesk.core.params import id_param, page_param

from ..models import InboundEmail
from ..tickets.forms import company_from_text
from . import selectors
from .services import email_append, email_assign

PAGE_SIZE = 25


@require_capability("tickets.view")
def inbound_list(request):
    """Mail that reached the helpdesk address without making a ticket: unknown senders first."""
    if request.method == "POST":
        if not has_capability(request.user, "tickets.edit"):
            raise PermissionDenied
        return _assign(request)
    outcome = request.GET.get("resultado", InboundEmail.Outcome.UNMATCHED)
    if outcome and outcome not in InboundEmail.Outcome.values:
        outcome = InboundEmail.Outcome.UNMATCHED
    page = page_of(
        selectors.inbound_emails(outcome=outcome),
        number=page_param(request.GET.get("pagina")),
        size=PAGE_SIZE,
    )
    return render(
        request,
        "desk/inbound_list.html",
        {"page": page, "outcome": outcome, "outcomes": InboundEmail.Outcome.choices},
    )


def _assign(request):
    record = selectors.inbound_email(id_param(request.POST.get("email")))
    if record is not None and request.POST.get("action") == "append":
        return _append(request, record)
    company = company_from_text(request.POST.get("company", ""))
    if record is None or company is None:
        messages.error(request, _("Elige el cliente de la lista para crear el ticket."))
        return redirect("desk:inbound")
    try:
        ticket = email_assign(actor=request.user, record=record, company=company)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("desk:inbound")
    messages.success(request, _("Ticket #%(n)s abierto con el correo.") % {"n": ticket.number})
    return redirect("desk:detail", number=ticket.number)


def _append(request, record: InboundEmail):
    """A message flagged as a possible impersonation, accepted on purpose by support."""
    try:
        ticket = email_append(actor=request.user, record=record)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("desk:inbound")
    messages.success(
        request,
        _("Correo agregado al ticket #%(n)s como respuesta del cliente.") % {"n": ticket.number},
    )
    return redirect("desk:detail", number=ticket.number)
