from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cfdidesk.accounts.access import require_capability
from cfdidesk.accounts.roles import has_capability
from cfdidesk.audit.selectors import audit_for
from cfdidesk.core.forms import add_errors
from cfdidesk.core.pagination import page_of
from cfdidesk.core.params import page_param
from cfdidesk.core.uploads import upload_too_large

from . import csv_format, selectors, services
from .access import (
    get_company_for,
    get_company_for_delete,
    get_company_for_edit,
    get_contact_for_edit,
    get_contact_for_portal,
    get_import_job_for,
    get_import_job_for_edit,
)
from .forms import CompanyForm, ContactForm, ImportForm, sat_choices
from .history import company_has_history
from .models import EDITABLE_FIELDS
from .panels import company_panels
from .services.imports import too_large_message

PAGE_SIZE = 25


@require_capability("customers.view")
def company_list(request):
    query = request.GET.get("q", "").strip()[:100]
    sort = request.GET.get("orden", selectors.DEFAULT_SORT)
    if sort not in selectors.SORTS:
        sort = selectors.DEFAULT_SORT
    archived = request.GET.get("estado") == "archivados"
    page = page_of(
        selectors.company_list(query=query, sort=sort, archived=archived),
        number=page_param(request.GET.get("pagina")),
        size=PAGE_SIZE,
    )
    context = {
        "page": page,
        "query": query,
        "sort": sort,
        "archived": archived,
        "can_edit": has_capability(request.user, "customers.edit"),
        "can_delete": has_capability(request.user, "customers.delete"),
        "can_import": has_capability(request.user, "customers.import"),
        "can_export": has_capability(request.user, "customers.export"),
    }
    template = "customers/_company_results.html" if request.htmx else "customers/company_list.html"
    return render(request, template, context)


def _form_page(request, form, company=None):
    return render(request, "customers/company_form.html", {"form": form, "company": company})


def _show_warnings(request, warnings):
    for field_messages in warnings.values():
        for message in field_messages:
            messages.warning(request, message)


@require_capability("customers.edit")
def company_create(request):
    form = CompanyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            company, warnings = services.company_create(actor=request.user, data=form.cleaned_data)
        except services.CompanyInvalid as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request, _("Cliente «%(name)s» agregado.") % {"name": company.legal_name}
            )
            _show_warnings(request, warnings)
            return redirect("customers:detail", pk=company.pk)
    return _form_page(request, form)


@require_capability("customers.edit")
def company_edit(request, pk: int):
    company = get_company_for_edit(request.user, pk)
    if request.method == "POST":
        form = CompanyForm(request.POST)
        if form.is_valid():
            try:
                company, warnings = services.company_update(
                    actor=request.user,
                    company=company,
                    data=form.cleaned_data,
                    version=form.cleaned_data.get("version") or company.version,
                )
            except services.CompanyInvalid as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("Cambios guardados."))
                _show_warnings(request, warnings)
                return redirect("customers:detail", pk=company.pk)
    else:
        initial = {name: getattr(company, name) for name in EDITABLE_FIELDS}
        initial["version"] = company.version
        form = CompanyForm(initial=initial)
    return _form_page(request, form, company)


@require_capability("customers.view")
@require_GET
def sat_fields(request):
    """htmx: the regime and CFDI-use selects, filtered to what SAT allows for the typed RFC."""
    rfc = request.GET.get("rfc", "")
    regime = request.GET.get("tax_regime", "")
    regimes, uses, person_type = sat_choices(rfc, regime)
    return render(
        request,
        "customers/_sat_fields.html",
        {
            "regimes": regimes,
            "uses": uses,
            "person_type": person_type,
            "tax_regime": regime,
            "cfdi_use": request.GET.get("cfdi_use", ""),
        },
    )


@require_capability("customers.view")
def company_detail(request, pk: int):
    """The customer 360: its data and contacts, and the panels other apps contribute (tickets,
    invoicing environments, stamps; contracts and proposals once billing registers its own)."""
    company = get_company_for(request.user, pk)
    return render(
        request,
        "customers/company_detail.html",
        {
            "company": company,
            "contacts": selectors.company_contacts(company=company),
            "history": audit_for(company, limit=30),
            "panels": company_panels(company=company, user=request.user),
            "can_edit": has_capability(request.user, "customers.edit"),
            "can_delete": has_capability(request.user, "customers.delete"),
            "can_invite": has_capability(request.user, "customers.portal"),
        },
    )


@require_capability("customers.delete")
def company_delete(request, pk: int):
    company = get_company_for_delete(request.user, pk)
    if request.method == "POST":
        outcome = services.company_delete(actor=request.user, company=company)
        if outcome == "archived":
            messages.info(
                request,
                _(
                    "«%(name)s» tiene historial, así que se archivó en lugar de eliminarse. Puedes restaurarlo desde «Ver archivados»."
                )
                % {"name": company.legal_name},
            )
        else:
            messages.success(
                request, _("Cliente «%(name)s» eliminado.") % {"name": company.legal_name}
            )
        return redirect("customers:list")
    return render(
        request,
        "customers/company_confirm_delete.html",
        {"company": company, "has_history": company_has_history(company)},
    )


@require_capability("customers.delete")
@require_POST
def company_restore(request, pk: int):
    company = get_company_for_delete(request.user, pk)
    services.company_restore(actor=request.user, company=company)
    messages.success(request, _("Cliente «%(name)s» restaurado.") % {"name": company.legal_name})
    return redirect("customers:detail", pk=company.pk)


@require_capability("customers.edit")
def contact_create(request, pk: int):
    company = get_company_for_edit(request.user, pk)
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            contact = services.contact_create(
                actor=request.user, company=company, data=form.cleaned_data
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Contacto «%(name)s» agregado.") % {"name": contact.name})
            return redirect("customers:detail", pk=company.pk)
    return render(request, "customers/contact_form.html", {"form": form, "company": company})


@require_capability("customers.edit")
def contact_edit(request, pk: int):
    contact = get_contact_for_edit(request.user, pk)
    initial = {f: getattr(contact, f) for f in ("name", "email", "phone", "position", "language")}
    form = ContactForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_update(actor=request.user, contact=contact, data=form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Contacto actualizado."))
            return redirect("customers:detail", pk=contact.company_id)
    return render(
        request,
        "customers/contact_form.html",
        {"form": form, "company": contact.company, "contact": contact},
    )


@require_capability("customers.edit")
@require_POST
def contact_delete(request, pk: int):
    contact = get_contact_for_edit(request.user, pk)
    services.contact_delete(actor=request.user, contact=contact)
    messages.success(request, _("Contacto «%(name)s» eliminado.") % {"name": contact.name})
    return redirect("customers:detail", pk=contact.company_id)


def _refusal(request, exc: ValidationError) -> None:
    for field_messages in exc.message_dict.values():
        for message in field_messages:
            messages.error(request, message)


@require_capability("customers.portal")
@require_POST
def contact_portal_invite(request, pk: int):
    contact = get_contact_for_portal(request.user, pk)
    try:
        services.contact_portal_invite(actor=request.user, contact=contact)
    except ValidationError as exc:
        _refusal(request, exc)
    else:
        messages.success(
            request,
            _(
                "Enviamos a %(email)s la invitación al portal, con un enlace para elegir su contraseña."
            )
            % {"email": contact.email},
        )
    return redirect("customers:detail", pk=contact.company_id)


@require_capability("customers.portal")
@require_POST
def contact_portal_revoke(request, pk: int):
    contact = get_contact_for_portal(request.user, pk)
    try:
        services.contact_portal_revoke(actor=request.user, contact=contact)
    except ValidationError as exc:
        _refusal(request, exc)
    else:
        messages.success(
            request, _("%(name)s ya no puede entrar al portal.") % {"name": contact.name}
        )
    return redirect("customers:detail", pk=contact.company_id)


@require_capability("customers.import")
def import_upload(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and upload_too_large(request):
        form.is_valid()
        form.errors.pop("file", None)
        form.add_error("file", too_large_message())
    elif request.method == "POST" and form.is_valid():
        try:
            job = services.import_job_create(
                actor=request.user,
                upload=form.cleaned_data["file"],
                mode=form.cleaned_data["mode"],
                auto_confirm=form.cleaned_data["auto_confirm"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request,
                _("Recibimos «%(name)s». Se está procesando en segundo plano; aquí ves su avance.")
                % {"name": job.original_name},
            )
            return redirect("customers:import_job", pk=job.pk)
    return render(
        request,
        "customers/import_upload.html",
        {
            "form": form,
            "columns": csv_format.LABELS,
            "can_export": has_capability(request.user, "customers.export"),
        },
    )


@require_capability("customers.import")
@require_GET
def import_template(request):
    response = HttpResponse(csv_format.template_zip(), content_type="application/zip")
    response["Content-Disposition"] = 'attachment; filename="ejemplo_carga_masiva_clientes.zip"'
    return response


@require_capability("customers.import")
def import_jobs(request):
    page = page_of(
        selectors.import_jobs(), number=page_param(request.GET.get("pagina")), size=PAGE_SIZE
    )
    context = {"page": page, "polling": any(job.is_running for job in page.items)}
    template = "customers/_import_job_rows.html" if request.htmx else "customers/import_jobs.html"
    return render(request, template, context)


@require_capability("customers.import")
def import_job_detail(request, pk: int):
    job = get_import_job_for(request.user, pk)
    issues = page_of(
        selectors.import_job_issues(job=job),
        number=page_param(request.GET.get("pagina")),
        size=100,
    )
    context = {
        "job": job,
        "issues": issues,
        "error_count": selectors.import_job_error_count(job=job),
    }
    template = "customers/_import_job_status.html" if request.htmx else "customers/import_job.html"
    return render(request, template, context)


@require_capability("customers.import")
@require_POST
def import_job_confirm(request, pk: int):
    job = get_import_job_for_edit(request.user, pk)
    if services.import_job_confirm(actor=request.user, job=job):
        messages.success(request, _("Confirmado: cargando solo las filas válidas."))
    else:
        messages.error(request, _("Este proceso ya no espera confirmación."))
    return redirect("customers:import_job", pk=job.pk)


@require_capability("customers.import")
@require_POST
def import_job_cancel(request, pk: int):
    job = get_import_job_for_edit(request.user, pk)
    if services.import_job_cancel(actor=request.user, job=job):
        messages.info(request, _("Carga cancelada; no se guardó ningún cliente."))
    else:
        messages.error(request, _("Este proceso ya no se puede cancelar."))
    return redirect("customers:import_job", pk=job.pk)


@require_capability("customers.export")
@require_GET
def export_csv(request):
    response = StreamingHttpResponse(
        csv_format.csv_lines(selectors.export_rows()), content_type="text/csv; charset=utf-8"
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="clientes-{stamp}.csv"'
    return response
