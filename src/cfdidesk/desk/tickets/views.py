from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from cfdidesk.accounts.access import require_capability
from cfdidesk.accounts.selectors import staff_users
from cfdidesk.core.forms import add_errors
from cfdidesk.core.pagination import page_of
from cfdidesk.core.params import id_param, int_param, page_param
from cfdidesk.core.uploads import upload_too_large

from ..access import get_ticket_for, get_ticket_for_edit
from ..models import PROTOCOL_STEPS, Priority, Status, Ticket
from ..oncall.services import escalation
from ..queue import rules as queue_rules
from ..queue import selectors as queue
from ..sla.selectors import sla_filter_choices, sla_overview
from ..tags.selectors import all_tags, ticket_tags
from . import selectors
from .canned import canned_render
from .forms import ReplyForm, TicketForm, list_filters
from .rules import ALLOWED, upload_too_large_error
from .services import conversation, transitions
from .services import tickets as services

PAGE_SIZE = 25
MAX_UPLOADS = 10


def _files(request) -> list[tuple[str, bytes]]:
    files = request.FILES.getlist("attachments")[:MAX_UPLOADS]
    return [(f.name, f.read()) for f in files]


@require_capability("tickets.view")
def ticket_list(request):
    params = list_filters(request.GET)
    view = request.GET.get("vista", "abiertos")
    if view not in selectors.VIEWS:
        view = "abiertos"
    query = request.GET.get("q", "").strip()[:100]
    sort = request.GET.get("orden", "")
    if sort not in selectors.SORTS:
        sort = selectors.default_sort(view)
    queue_context = _queue_context(request)
    page = page_of(
        selectors.list_rows(
            selectors.ticket_list(user=request.user, view=view, query=query, sort=sort, **params),
            team="equipo" in queue_context["columns"],
            merged=view == "todos",
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
        **queue_context,
        "views": [
            ("abiertos", _("Abiertos")),
            ("mios", _("Mis tickets")),
            ("sin-asignar", _("Sin asignar")),
            ("criticos", _("Críticos abiertos")),
            ("todos", _("Todos")),
        ],
        "statuses": Status.choices,
        "priorities": Priority.choices,
        "teams": selectors.active_teams(),
        "staff": staff_users(),
        "categories": selectors.active_categories(),
        "sorts": selectors.SORTS,
        "sla_states": sla_filter_choices(),
        "tags": all_tags(),
        "now": timezone.now(),
    }
    partial = bool(request.htmx and request.htmx.target == "ticket-results")
    template = "desk/_ticket_rows.html" if partial else "desk/ticket_list.html"
    return render(request, template, {**context, "partial": partial})


def _queue_context(request) -> dict:
    """The list's columns and saved views: the tabs, the one open, and what "Guardar vista" keeps."""
    columns = queue_rules.columns_from(request.GET.getlist(queue_rules.COLUMNS_KEY))
    current = request.GET.copy()
    for name in ("pagina", "guardada"):
        current.pop(name, None)
    saved = [
        {"view": v, "link": queue.saved_view_link(v), "own": v.owner_id == request.user.pk}
        for v in queue.saved_views_for(request.user)
    ]
    chosen = id_param(request.GET.get("guardada"))
    return {
        "columns": columns,
        "column_choices": queue_rules.COLUMNS.items(),
        "columns_key": queue_rules.COLUMNS_KEY,
        "columns_sent": queue_rules.COLUMNS_SENT,
        "saved_views": saved,
        "saved_view": next((s for s in saved if s["view"].pk == chosen), None),
        "current_query": current.urlencode(),
    }


@require_capability("tickets.edit")
@require_POST
def bulk_action(request):
    ids = [n for n in map(id_param, request.POST.getlist("ticket")) if n]
    action = request.POST.get("action")
    if not ids:
        messages.error(request, _("Marca al menos un ticket."))
    elif action == "assign":
        user_id = request.POST.get("assignee")
        assignee = selectors.staff_user_by_id(id_param(user_id))
        if user_id and assignee is None:
            messages.error(request, _("Ese consultor no existe."))
        else:
            n = services.tickets_assign(actor=request.user, ticket_ids=ids, assignee=assignee)
            messages.success(
                request,
                ngettext("%(n)d ticket reasignado.", "%(n)d tickets reasignados.", n) % {"n": n},
            )
    elif action == "status":
        try:
            n, refused = services.tickets_transition(
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
    return redirect(_same_site(request, request.POST.get("next")) or "desk:list")


def _same_site(request, target: str | None) -> str | None:
    """`next` when it is a path of this site; None for anything that would leave it."""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None


@require_capability("tickets.view")
@require_GET
def company_suggestions(request):
    companies = selectors.company_suggestions(request.GET.get("company", ""))
    return render(request, "desk/_company_options.html", {"companies": companies})


@require_capability("tickets.edit")
def ticket_create(request):
    form = TicketForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if upload_too_large(request):
                raise upload_too_large_error()
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
        "emails": selectors.recent_emails(ticket),
        "canned": selectors.active_canned_replies(),
        "reply_form": extra.pop("reply_form", ReplyForm()),
        # A merged ticket stays closed: its work goes on in the survivor.
        "transitions": []
        if ticket.merged_into_id
        else [(s, Status(s).label) for s in Status.values if s in ALLOWED[ticket.status]],
        "protocol": [(code, label, code in done) for code, label in PROTOCOL_STEPS],
        "protocol_done": len(done),
        "protocol_total": len(PROTOCOL_STEPS),
        "staff": staff_users(),
        "teams": selectors.active_teams(),
        "priorities": Priority.choices,
        "categories": selectors.active_categories(kind=ticket.kind),
        "sla": sla_overview(ticket, timezone.now()),
        "tags": ticket_tags(ticket),
        "all_tags": all_tags(),
        "linked": selectors.linked_tickets(ticket),
        "merged": selectors.merged_tickets(ticket),
        "macros": selectors.active_macros(),
        **extra,
    }


@require_capability("tickets.view")
def ticket_detail(request, number: str):
    ticket = get_ticket_for(request.user, number)
    return render(request, "desk/ticket_detail.html", _detail_context(request, ticket))


@require_capability("tickets.edit")
@require_POST
def ticket_reply(request, number: str):
    ticket = get_ticket_for_edit(request.user, number)
    form = ReplyForm(request.POST)
    form.is_valid()
    try:
        if upload_too_large(request):
            raise upload_too_large_error()
        conversation.ticket_reply(
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
            status=413 if upload_too_large(request) else 422,
        )
    messages.success(request, _("Respuesta enviada al cliente."))
    return redirect("desk:detail", number=number)


@require_capability("tickets.edit")
@require_POST
def ticket_note(request, number: str):
    ticket = get_ticket_for_edit(request.user, number)
    try:
        if upload_too_large(request):
            raise upload_too_large_error()
        conversation.ticket_note(
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
    ticket = get_ticket_for_edit(request.user, number)
    try:
        ticket = transitions.ticket_transition(
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
    ticket = get_ticket_for_edit(request.user, number)
    post = request.POST
    data = {
        "priority": post.get("priority", ticket.priority),
        "affects_operation": post.get("affects_operation") == "on",
        "upset_customer": post.get("upset_customer") == "on",
        "team": selectors.team_by_id(id_param(post.get("team"))),
        "assignee": selectors.staff_user_by_id(id_param(post.get("assignee"))),
        "category": selectors.category_by_id(id_param(post.get("category"))),
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
    ticket = get_ticket_for_edit(request.user, number)
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
    ticket = get_ticket_for_edit(request.user, number)
    reply = selectors.canned_reply(id_param(request.GET.get("canned")))
    text = canned_render(reply=reply, ticket=ticket, consultant=request.user) if reply else ""
    return render(request, "desk/_reply_body.html", {"text": text})


@require_capability("tickets.view")
def attachment_download(request, number: str, pk: int):
    ticket = get_ticket_for(request.user, number)
    attachment = selectors.ticket_attachment(ticket, pk)
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
    ticket = get_ticket_for_edit(request.user, number)
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
