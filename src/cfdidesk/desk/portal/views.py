"""Portal pages for customer contacts: thin views over the desk's services and access check."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from cfdidesk.accounts.access import require_capability
from cfdidesk.accounts.roles import PORTAL, roles_of
from cfdidesk.core.forms import add_errors
from cfdidesk.core.pagination import page_of
from cfdidesk.core.params import page_param
from cfdidesk.core.uploads import upload_too_large
from cfdidesk.customers.selectors import portal_contact_of

from ..access import get_ticket_for
from ..models import Channel, Status, Ticket
from ..tickets.rules import upload_too_large_error
from ..tickets.services.conversation import ticket_customer_reply
from ..tickets.services.tickets import ticket_create
from . import selectors
from .forms import AttachmentsField, PortalReplyForm, PortalTicketForm

PAGE_SIZE = 20
HELP_ARTICLES_PATH = "/conocimiento/publico/"  # the public knowledge base, linked by path
STATE_TABS = (
    ("todos", gettext_lazy("Todos")),
    ("abiertos", gettext_lazy("Abiertos")),
    ("cerrados", gettext_lazy("Resueltos y cerrados")),
)
OPENED_KEY = "portal_opened_ticket"


def portal_view(view):
    """A signed-in portal contact: capability "portal.use", the portal role itself and a linked contact.

    Staff (even superusers, who hold every capability) get 403: they have the staff pages.
    """

    @require_capability("portal.use")
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if PORTAL not in roles_of(request.user):
            raise PermissionDenied
        contact = portal_contact_of(request.user)
        if contact is None:
            return render(request, "desk/portal/no_contact.html", status=403)
        return view(request, contact, *args, **kwargs)

    return wrapper


@portal_view
def home(request, contact):
    state = request.GET.get("estado", "todos")
    if state not in dict(STATE_TABS):
        state = "todos"
    page = page_of(
        selectors.company_tickets(company_id=contact.company_id, state=state),
        number=page_param(request.GET.get("pagina")),
        size=PAGE_SIZE,
    )
    counts = selectors.company_ticket_counts(company_id=contact.company_id)
    tabs = [(code, label, counts.get(code, 0)) for code, label in STATE_TABS]
    return render(
        request,
        "desk/portal/home.html",
        {
            "contact": contact,
            "page": page,
            "state": state,
            "tabs": tabs,
            "help_url": HELP_ARTICLES_PATH,
        },
    )


@portal_view
def ticket_new(request, contact):
    form = PortalTicketForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if upload_too_large(request):
                raise upload_too_large_error()
            ticket = ticket_create(
                actor=request.user,
                contact=contact,
                channel=Channel.PORTAL,
                subject=data["subject"],
                description=data["description"],
                kind=data["kind"],
                affects_operation=data["affects_operation"],
                references=form.reference_pairs(),
                attachments=AttachmentsField.read(data["attachments"]),
                verified_product=data["verified_product"],
                reproduced=data["reproduced"],
                exact_messages=data["exact_messages"],
                steps_before=data["steps_before"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            request.session[OPENED_KEY] = ticket.number
            return redirect("portal:detail", number=ticket.number)
    return render(
        request,
        "desk/portal/ticket_form.html",
        {"form": form, "help_url": HELP_ARTICLES_PATH},
        status=(413 if upload_too_large(request) else 422) if form.errors else 200,
    )


def _detail(request, contact, ticket: Ticket, *, reply_form=None, status: int = 200):
    opened = request.session.get(OPENED_KEY) == ticket.number
    if opened:
        del request.session[OPENED_KEY]
    return render(
        request,
        "desk/portal/ticket_detail.html",
        {
            "ticket": ticket,
            "contact": contact,
            "events": selectors.public_timeline(ticket),
            "references": ticket.references.all(),
            "reply_form": reply_form or PortalReplyForm(),
            "just_opened": opened,
            "reopens": ticket.status in (Status.RESOLVED, Status.CLOSED),
        },
        status=status,
    )


@portal_view
def ticket_detail(request, contact, number: str):
    ticket = get_ticket_for(request.user, number)
    if ticket.merged_into_id is not None:  # merged: the conversation goes on in the survivor
        survivor = ticket.merged_into
        messages.info(
            request,
            _("El ticket #%(old)s se unió al #%(new)s: aquí sigue la conversación.")
            % {"old": ticket.number, "new": survivor.number},
        )
        return redirect("portal:detail", number=survivor.number)
    return _detail(request, contact, ticket)


@portal_view
@require_POST
def ticket_reply(request, contact, number: str):
    ticket = get_ticket_for(request.user, number)
    form = PortalReplyForm(request.POST, request.FILES)
    if form.is_valid():
        reopens = ticket.status in (Status.RESOLVED, Status.CLOSED)
        try:
            if upload_too_large(request):
                raise upload_too_large_error()
            ticket_customer_reply(
                ticket=ticket,
                body=form.cleaned_data["body"],
                contact=contact,
                actor=request.user,
                attachments=AttachmentsField.read(form.cleaned_data["attachments"]),
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            if reopens:
                messages.success(
                    request,
                    _("Recibimos tu respuesta y el ticket se reabrió: un consultor lo revisará."),
                )
            else:
                messages.success(
                    request, _("Recibimos tu respuesta. Te avisaremos cuando soporte conteste.")
                )
            return redirect(reverse("portal:detail", args=[ticket.number]) + "#ultimo")
    return _detail(
        request, contact, ticket, reply_form=form, status=413 if upload_too_large(request) else 422
    )


@portal_view
def attachment_download(request, contact, number: str, pk: int):
    ticket = get_ticket_for(request.user, number)
    attachment = selectors.public_attachment(ticket, pk)
    if attachment is None:
        raise Http404
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.filename,
        content_type=attachment.content_type,
    )
