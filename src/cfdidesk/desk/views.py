from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from cfdidesk.accounts.access import require_capability
from cfdidesk.accounts.roles import has_capability
from cfdidesk.core.forms import add_errors
from cfdidesk.core.pagination import page_of
from cfdidesk.core.params import int_param, page_param
from cfdidesk.customers.models import Company
from cfdidesk.customers.selectors import company_search_filter
from cfdidesk.service.selectors import load_calendar

from . import selectors, services
from .access import get_ticket_for
from .forms import ReplyForm, TicketForm, staff_users
from .models import (
    PROTOCOL_STEPS,
    CannedReply,
    Category,
    OnCallShift,
    Priority,
    Status,
    Team,
    Ticket,
)
from .oncall_forms import ShiftForm
from .oncall_selectors import ROSTER_DAYS, roster_overview
from .services import escalation, oncall

PAGE_SIZE = 25
MAX_UPLOADS = 10


def _files(request) -> list[tuple[str, bytes]]:
    files = request.FILES.getlist("attachments")[:MAX_UPLOADS]
    return [(f.name, f.read()) for f in files]


LIST_FILTERS = ("status", "priority", "team", "assignee", "company", "category", "sla")


@require_capability("tickets.view")
def ticket_list(request):
    params = {name: request.GET.get(name, "") for name in LIST_FILTERS}
    if params["sla"] not in selectors.SLA_FILTERS:
        params["sla"] = ""
    view = request.GET.get("vista", "abiertos")
    if view not in selectors.VIEWS:
        view = "abiertos"
    query = request.GET.get("q", "").strip()[:100]
    sort = request.GET.get("orden", selectors.DEFAULT_SORT)
    page = page_of(
        selectors.ticket_list(user=request.user, view=view, query=query, sort=sort, **params).defer(
            *selectors.LIST_DEFERRED
        ),
        number=page_param(request.GET.get("pagina")),
        size=PAGE_SIZE,
    )
    context = {
        "page": page,
        "view": view,
        "query": query,
        "sort": sort,
        "filters": params,
        "views": [
            ("abiertos", _("Abiertos")),
            ("mios", _("Mis tickets")),
            ("sin-asignar", _("Sin asignar")),
            ("criticos", _("Críticos abiertos")),
            ("todos", _("Todos")),
        ],
        "statuses": Status.choices,
        "priorities": Priority.choices,
        "teams": Team.objects.filter(is_active=True),
        "staff": staff_users(),
        "categories": Category.objects.filter(is_active=True),
        "sorts": selectors.SORTS,
        "sla_states": [
            ("en-riesgo", _("En riesgo")),
            ("vencido", _("Vencido")),
            ("a-tiempo", _("A tiempo")),
        ],
        "now": timezone.now(),
    }
    template = (
        "desk/_ticket_rows.html"
        if request.htmx and request.htmx.target == "ticket-results"
        else "desk/ticket_list.html"
    )
    return render(request, template, context)


@require_capability("tickets.edit")
@require_POST
def bulk_action(request):
    ids = [int(i) for i in request.POST.getlist("ticket") if i.isdigit()]
    action = request.POST.get("action")
    if not ids:
        messages.error(request, _("Marca al menos un ticket."))
    elif action == "assign":
        user_id = request.POST.get("assignee")
        assignee = staff_users().filter(pk=user_id).first() if user_id else None
        if user_id and assignee is None:
            messages.error(request, _("Ese consultor no existe."))
        else:
            n = services.bulk_assign(actor=request.user, ticket_ids=ids, assignee=assignee)
            messages.success(
                request,
                ngettext("%(n)d ticket reasignado.", "%(n)d tickets reasignados.", n) % {"n": n},
            )
    elif action == "status":
        try:
            n, refused = services.bulk_transition(
                actor=request.user, ticket_ids=ids, to=request.POST.get("status", "")
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                ngettext("%(n)d ticket cambió de estado.", "%(n)d tickets cambiaron de estado.", n)
                % {"n": n},
            )
            if refused:
                messages.warning(
                    request,
                    _("No se pudo hacer ese cambio en: %(list)s.") % {"list": ", ".join(refused)},
                )
    return redirect(request.POST.get("next") or "desk:list")


@require_capability("tickets.view")
@require_GET
def company_suggestions(request):
    query = request.GET.get("company", "").strip()
    companies = []
    if len(query) >= 2:
        companies = list(
            Company.objects.filter(is_active=True)
            .filter(company_search_filter(query))
            .order_by("legal_name")[:10]
        )
    return render(request, "desk/_company_options.html", {"companies": companies})


@require_capability("tickets.edit")
def ticket_create(request):
    form = TicketForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            ticket = services.ticket_create(
                actor=request.user,
                company=data["company_obj"],
                contact=data.get("contact"),
                subject=data["subject"],
                description=data["description"],
                channel=data["channel"],
                kind=data["kind"],
                category=data.get("category"),
                priority=data["priority"],
                affects_operation=data["affects_operation"],
                team=data.get("team"),
                assignee=data.get("assignee"),
                references=form.reference_pairs(),
                attachments=_files(request),
                verified_product=data["verified_product"],
                reproduced=data["reproduced"],
                exact_messages=data["exact_messages"],
                steps_before=data["steps_before"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request,
                _("Ticket #%(n)s abierto. Da este número al cliente.") % {"n": ticket.number},
            )
            return redirect("desk:detail", number=ticket.number)
    return render(request, "desk/ticket_form.html", {"form": form})


def _detail_context(request, ticket: Ticket, **extra) -> dict:
    done = set(ticket.protocol_done)
    return {
        "ticket": ticket,
        "events": selectors.timeline(ticket),
        "references": ticket.references.all(),
        "emails": ticket.outbound_emails.order_by("-created_at", "-id")[:20],
        "canned": CannedReply.objects.filter(is_active=True),
        "reply_form": extra.pop("reply_form", ReplyForm()),
        "transitions": [
            (s, Status(s).label) for s in Status.values if s in services.ALLOWED[ticket.status]
        ],
        "protocol": [(code, label, code in done) for code, label in PROTOCOL_STEPS],
        "protocol_done": len(done),
        "protocol_total": len(PROTOCOL_STEPS),
        "staff": staff_users(),
        "teams": Team.objects.filter(is_active=True),
        "priorities": Priority.choices,
        "categories": Category.objects.filter(is_active=True, kind=ticket.kind),
        "sla": services.sla_overview(ticket, timezone.now()),
        **extra,
    }


@require_capability("tickets.view")
def ticket_detail(request, number: str):
    ticket = get_ticket_for(request.user, number)
    return render(request, "desk/ticket_detail.html", _detail_context(request, ticket))


@require_capability("tickets.edit")
@require_POST
def ticket_reply(request, number: str):
    ticket = get_ticket_for(request.user, number, capability="tickets.edit")
    form = ReplyForm(request.POST)
    form.is_valid()
    try:
        services.ticket_reply(
            actor=request.user,
            ticket=ticket,
            body=form.cleaned_data.get("body", ""),
            then=form.cleaned_data.get("then") or None,
            attachments=_files(request),
        )
    except ValidationError as exc:
        add_errors(form, exc)
        return render(
            request,
            "desk/ticket_detail.html",
            _detail_context(request, ticket, reply_form=form),
            status=422,
        )
    messages.success(request, _("Respuesta enviada al cliente."))
    return redirect("desk:detail", number=number)


@require_capability("tickets.edit")
@require_POST
def ticket_note(request, number: str):
    ticket = get_ticket_for(request.user, number, capability="tickets.edit")
    try:
        services.ticket_note(
            actor=request.user,
            ticket=ticket,
            body=request.POST.get("body", ""),
            attachments=_files(request),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Nota interna guardada."))
    return redirect("desk:detail", number=number)


@require_capability("tickets.edit")
@require_POST
def ticket_status(request, number: str):
    ticket = get_ticket_for(request.user, number, capability="tickets.edit")
    try:
        ticket = services.ticket_transition(
            actor=request.user,
            ticket=ticket,
            to=request.POST.get("to", ""),
            reason=request.POST.get("reason", ""),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("El ticket ahora está «%(s)s».") % {"s": ticket.get_status_display()}
        )
    return redirect("desk:detail", number=number)


@require_capability("tickets.edit")
@require_POST
def ticket_fields(request, number: str):
    ticket = get_ticket_for(request.user, number, capability="tickets.edit")
    post = request.POST
    data = {
        "priority": post.get("priority", ticket.priority),
        "affects_operation": post.get("affects_operation") == "on",
        "upset_customer": post.get("upset_customer") == "on",
        "team": Team.objects.filter(pk=post.get("team")).first() if post.get("team") else None,
        "assignee": staff_users().filter(pk=post.get("assignee")).first()
        if post.get("assignee")
        else None,
        "category": Category.objects.filter(pk=post.get("category")).first()
        if post.get("category")
        else None,
    }
    try:
        services.ticket_update(
            actor=request.user, ticket=ticket, data=data, version=int_param(post.get("version"))
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Datos del ticket guardados."))
    return redirect("desk:detail", number=number)


@require_capability("tickets.edit")
@require_POST
def ticket_protocol(request, number: str):
    ticket = get_ticket_for(request.user, number, capability="tickets.edit")
    ticket = services.protocol_mark(
        actor=request.user,
        ticket=ticket,
        step=request.POST.get("step", ""),
        done=request.POST.get("done") == "1",
    )
    if request.htmx:
        return render(request, "desk/_protocol.html", _detail_context(request, ticket))
    return redirect("desk:detail", number=number)


@require_capability("tickets.edit")
@require_GET
def canned_reply(request, number: str):
    """htmx: the reply box filled with a canned reply for this ticket."""
    from .services.canned import canned_render

    ticket = get_ticket_for(request.user, number, capability="tickets.edit")
    reply = CannedReply.objects.filter(
        pk=int_param(request.GET.get("canned"), 0), is_active=True
    ).first()
    text = canned_render(reply=reply, ticket=ticket, consultant=request.user) if reply else ""
    return render(request, "desk/_reply_body.html", {"text": text})


@require_capability("tickets.view")
def inbound_list(request):
    """Mail that reached the helpdesk address without making a ticket: unknown senders first."""
    from .forms import company_from_text
    from .models import InboundEmail
    from .services.intake import email_assign

    if request.method == "POST":
        if not has_capability(request.user, "tickets.edit"):
            raise PermissionDenied
        record = InboundEmail.objects.filter(pk=int_param(request.POST.get("email"), 0)).first()
        company = company_from_text(request.POST.get("company", ""))
        if record is None or company is None:
            messages.error(request, _("Elige el cliente de la lista para crear el ticket."))
        else:
            try:
                ticket = email_assign(actor=request.user, record=record, company=company)
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(
                    request, _("Ticket #%(n)s abierto con el correo.") % {"n": ticket.number}
                )
                return redirect("desk:detail", number=ticket.number)
        return redirect("desk:inbound")
    outcome = request.GET.get("resultado", InboundEmail.Outcome.UNMATCHED)
    records = InboundEmail.objects.select_related("ticket").order_by("-received_at", "-id")
    if outcome:
        records = records.filter(outcome=outcome)
    page = page_of(records, number=page_param(request.GET.get("pagina")), size=PAGE_SIZE)
    return render(
        request,
        "desk/inbound_list.html",
        {"page": page, "outcome": outcome, "outcomes": InboundEmail.Outcome.choices},
    )


@require_capability("tickets.view")
def attachment_download(request, number: str, pk: int):
    ticket = get_ticket_for(request.user, number)
    attachment = ticket.attachments.filter(pk=pk).first()
    if attachment is None:
        raise Http404
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.filename,
        content_type=attachment.content_type,
    )


# ---------------------------------------------------------------- escalation and the on-call roster


@require_capability("tickets.edit")
@require_POST
def ticket_escalate(request, number: str):
    ticket = get_ticket_for(request.user, number, capability="tickets.edit")
    try:
        event = escalation.ticket_escalate(
            actor=request.user, ticket=ticket, reason=request.POST.get("reason", "")
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        data = event.data
        messages.success(
            request,
            _("Ticket escalado al nivel %(level)d (%(title)s): avisamos a %(name)s.")
            % {"level": data["level"], "title": data["title"], "name": data["to"]["name"]},
        )
    return redirect(f"{reverse('desk:detail', args=[number])}#escalation")


@require_capability("oncall.view")
def oncall_roster(request):
    """The next two weeks of each team's roster, who is on duty now and the gaps; supervisors add shifts."""
    can_manage = has_capability(request.user, "oncall.manage")
    form = ShiftForm(request.POST or None)
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if form.is_valid():
            try:
                oncall.oncall_shift_create(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("Guardia agregada."))
                return redirect("desk:oncall")
    context = {
        "rosters": roster_overview(calendar=load_calendar()),
        "form": form,
        "can_manage": can_manage,
        "days": ROSTER_DAYS,
    }
    return render(
        request, "desk/oncall.html", context, status=422 if form.is_bound and form.errors else 200
    )


@require_capability("oncall.manage")
@require_POST
def oncall_shift_remove(request, pk: int):
    shift = OnCallShift.objects.filter(pk=pk).first()
    if shift is None:
        raise Http404
    oncall.oncall_shift_delete(actor=request.user, shift=shift)
    messages.success(request, _("Guardia eliminada."))
    return redirect("desk:oncall")
