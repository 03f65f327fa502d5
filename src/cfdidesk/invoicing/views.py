"""Pages of the invoicing pipeline: thin, over the same services and selectors as the API.

Environments, the generator switch, movements upload with its example files, import of stamped
XML, the documents of an environment (filters, search, pages; htmx partial updates) and the
document page.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cfdidesk.accounts.access import require_capability
from cfdidesk.accounts.roles import has_capability
from cfdidesk.core.pagination import page_of
from cfdidesk.core.params import page_param
from cfdidesk.core.uploads import upload_too_large

from . import selectors, services
from .access import (
    get_document_for,
    get_document_for_edit,
    get_environment_for,
    get_environment_for_edit,
)
from .cfdi.xml import XmlRefused, pretty
from .forms import ImportForm, MovementsUploadForm, ReasonForm
from .models import DocumentType, State

PAGE_SIZE = 50
LIST_FILTERS = ("estado", "tipo", "serie", "rfc", "desde", "hasta")


def _date(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _documents(request, environment) -> dict:
    """The filtered page of documents: one query (plus none: no count of a million rows)."""
    params = {name: request.GET.get(name, "").strip()[:40] for name in LIST_FILTERS}
    if params["estado"] not in State.values:
        params["estado"] = ""
    if params["tipo"] not in DocumentType.values:
        params["tipo"] = ""
    query = request.GET.get("q", "").strip()[:100]
    sort = request.GET.get("orden", "recientes")
    if sort not in selectors.SORTS:
        sort = "recientes"
    qs = selectors.document_list(
        environment=environment,
        state=params["estado"],
        document_type=params["tipo"],
        series=params["serie"] or None,
        receptor_rfc=params["rfc"],
        date_from=_date(params["desde"]),
        date_to=_date(params["hasta"]),
        query=query,
        sort=sort,
    )
    return {
        "page": page_of(qs, number=page_param(request.GET.get("pagina")), size=PAGE_SIZE),
        "filters": params,
        "query": query,
        "sort": sort,
        "states": State.choices,
        "types": DocumentType.choices,
        "series_options": sorted({environment.series_for(t) for t in DocumentType.values} - {""}),
    }


@require_capability("invoicing.view")
def environment_list(request):
    environments = list(selectors.environment_list())
    return render(request, "invoicing/environment_list.html", {"environments": environments})


def _environment_context(request, environment, **extra):
    return {
        "environment": environment,
        "counts": [(State(s), n) for s, n in selectors.state_counts(environment).items()],
        **_documents(request, environment),
        "import_form": ImportForm(),
        "events": list(selectors.generator_events(environment, limit=10)),
        "log": selectors.log_lines(environment=environment, limit=30),
        "credits": selectors.stamp_balance(rfc=environment.emitter_rfc),
        "can_operate": has_capability(request.user, "invoicing.operate"),
        "upload_form": MovementsUploadForm(),
        **extra,
    }


@require_capability("invoicing.view")
def environment_detail(request, pk: int):
    environment = get_environment_for(request.user, pk)
    if request.htmx and request.htmx.target == "document-results":
        return render(
            request,
            "invoicing/_document_rows.html",
            {"environment": environment, **_documents(request, environment)},
        )
    return render(
        request, "invoicing/environment_detail.html", _environment_context(request, environment)
    )


@require_capability("invoicing.view")
@require_POST
def documents_import(request, pk: int):
    environment = get_environment_for_edit(request.user, pk)
    form = ImportForm(request.POST, request.FILES)
    refused = None
    if upload_too_large(request):
        refused = services.ImportRefused(_("El archivo es demasiado grande."))
    elif form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = services.documents_import(
                environment=environment,
                name=upload.name,
                data=upload.read(settings.INVOICING_UPLOAD_MAX_BYTES + 1),
                actor=request.user,
            )
        except services.ImportRefused as exc:
            refused = exc
        else:
            messages.success(
                request,
                _(
                    "Importados %(n)d CFDI timbrados; %(d)d ya estaban registrados (no se duplicaron)."
                )
                % {"n": len(result.imported), "d": len(result.duplicates)},
            )
            for duplicate in result.duplicates[:20]:
                messages.warning(request, f"{duplicate.file}: {duplicate.message}")
            return redirect("invoicing:environment", pk=pk)
    context = _environment_context(request, environment, import_form=form, import_refused=refused)
    return render(
        request,
        "invoicing/environment_detail.html",
        context,
        status=422 if refused or form.errors else 200,
    )


@require_capability("invoicing.view")
@require_POST
def generator_set(request, pk: int):
    environment = get_environment_for_edit(request.user, pk)
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    service = (
        services.generator_resume
        if request.POST.get("action") == "resume"
        else services.generator_pause
    )
    try:
        environment, changed = service(actor=request.user, environment=environment, reason=reason)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if changed:
            messages.success(
                request,
                _("Generador encendido.")
                if environment.generator_running
                else _("Generador pausado: los documentos esperan."),
            )
    return redirect("invoicing:environment", pk=pk)


@require_capability("invoicing.view")
def movements_upload(request, pk: int):
    environment = get_environment_for_edit(request.user, pk)
    form = MovementsUploadForm(request.POST or None, request.FILES or None)
    refused = None
    if request.method == "POST":
        if upload_too_large(request):
            refused = services.IntakeRefused(_("El archivo es demasiado grande."))
        elif form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                result = services.movements_upload(
                    environment=environment,
                    name=upload.name,
                    data=upload.read(settings.INVOICING_UPLOAD_MAX_BYTES + 1),
                    actor=request.user,
                )
            except services.IntakeRefused as exc:
                refused = exc
            else:
                messages.success(
                    request,
                    _("Recibidos %(accepted)d movimientos; %(already)d ya se habían recibido.")
                    % {"accepted": result.accepted, "already": result.already_received},
                )
                return redirect("invoicing:environment", pk=pk)
    context = _environment_context(request, environment, upload_form=form, refused=refused)
    return render(
        request, "invoicing/environment_detail.html", context, status=422 if refused else 200
    )


@require_capability("invoicing.view")
@require_GET
def movements_example(request, kind: str):
    if kind == "jsonl":
        response = HttpResponse(
            services.EXAMPLE_JSONL, content_type="application/x-ndjson; charset=utf-8"
        )
    elif kind == "csv":
        response = HttpResponse(
            "\ufeff" + services.EXAMPLE_CSV, content_type="text/csv; charset=utf-8"
        )
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="ejemplo_movimientos.{kind}"'
    return response


def _readable(xml) -> str:
    """The document's XML (stamped, else PRE) indented for the page; as it is if it does not parse."""
    text = (xml.stamped_xml or xml.pre_xml) if xml else ""
    if not text:
        return ""
    try:
        return pretty(text)
    except XmlRefused:
        return text


@require_capability("invoicing.view")
def document_detail(request, pk: int):
    document = get_document_for(request.user, pk)
    xml = selectors.document_xml(document)
    return render(
        request,
        "invoicing/document_detail.html",
        {
            "document": document,
            "environment": document.environment,
            "state": State(document.state),
            "history": list(selectors.document_history(document)),
            "log": selectors.log_lines(
                environment=document.environment, movement=document.movement_id
            )
            if document.movement_id
            else [],
            "xml": _readable(xml),
            "has_pre": bool(xml and xml.pre_xml),
            "can_operate": has_capability(request.user, "invoicing.operate"),
            "actions": services.document_actions(document=document),
        },
    )


@require_capability("invoicing.view")
def document_xml(request, pk: int):
    document = get_document_for(request.user, pk)
    kind = "pre" if request.GET.get("tipo") == "pre" else "auto"
    download = selectors.document_xml_download(document, kind=kind)
    if download is None:
        raise Http404
    response = HttpResponse(
        download.content.encode(), content_type="application/xml; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{download.file_name}"'
    return response


@require_capability("invoicing.view")
@require_POST
def document_action(request, pk: int, action: str):
    document = get_document_for_edit(request.user, pk)
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    service = {
        "reprocesar": services.document_reprocess,
        "retener": services.document_hold,
        "cancelar": services.document_cancel,
    }.get(action)
    if service is None:
        raise Http404
    try:
        service(actor=request.user, document=document, reason=reason)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            {
                "reprocesar": _("Marcado para reprocesar (input = 1)."),
                "retener": _("Retenido (input = 0)."),
                "cancelar": _("Documento cancelado."),
            }[action],
        )
    return redirect("invoicing:document", pk=pk)
