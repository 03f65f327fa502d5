from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext as _
from ninja import Field, File, Form, ModelSchema, Router, Schema, Status
from ninja.files import UploadedFile

from cfdidesk.accounts.roles import has_capability
from cfdidesk.core.pagination import page_of
from cfdidesk.core.uploads import upload_too_large

from . import csv_format, selectors, services
from .access import (
    get_company_for,
    get_company_for_delete,
    get_company_for_edit,
    get_contact_for,
    get_contact_for_edit,
    get_import_job_for,
    get_import_job_for_edit,
)
from .models import EDITABLE_FIELDS, Company, ImportJob
from .services.imports import too_large_message

router = Router(tags=["Clientes"])


REQUIRED_FIELDS = ("legal_name", "rfc", "tax_regime", "cfdi_use", "email", "postal_code")


class CompanyIn(ModelSchema):
    """Required: legal_name, rfc, tax_regime (c_RegimenFiscal), cfdi_use (c_UsoCFDI), email, postal_code."""

    class Meta:
        model = Company
        fields = EDITABLE_FIELDS
        fields_optional = [f for f in EDITABLE_FIELDS if f not in REQUIRED_FIELDS]


class CompanyPatch(ModelSchema):
    version: int | None = Field(
        None, description="Versión leída; si otro usuario guardó después, la petición se rechaza"
    )

    class Meta:
        model = Company
        fields = EDITABLE_FIELDS
        fields_optional = "__all__"


class CompanyOut(ModelSchema):
    person_type: str

    class Meta:
        model = Company
        fields = ["id", *EDITABLE_FIELDS, "is_active", "version", "created_at", "updated_at"]


class CompanySaved(Schema):
    company: CompanyOut
    warnings: dict[str, list[str]]


class CompanyPage(Schema):
    items: list[CompanyOut]
    page: int
    has_next: bool


class ContactIn(Schema):
    name: str
    email: str = ""
    phone: str = ""
    position: str = ""
    language: str = "es-mx"


class ContactPatch(Schema):
    name: str | None = None
    email: str | None = None
    phone: str | None = None
    position: str | None = None
    language: str | None = None


class ContactOut(Schema):
    id: int
    company_id: int
    name: str
    email: str
    phone: str
    position: str
    language: str


class DeleteOut(Schema):
    outcome: str = Field(..., description="deleted (sin historial) o archived (con historial)")


class IssueOut(Schema):
    row_number: int
    column: str
    message: str
    severity: str


class ImportJobOut(Schema):
    id: int
    original_name: str
    state: str
    mode: str
    auto_confirm: bool
    total_rows: int
    processed_rows: int
    valid_rows: int
    invalid_rows: int
    warning_rows: int
    created_count: int
    updated_count: int
    unchanged_count: int
    progress_percent: int
    message: str
    created_at: datetime
    finished_at: datetime | None
    issues: list[IssueOut] = []


def _require(request, capability: str) -> None:
    if not has_capability(request.user, capability):
        raise PermissionDenied


@router.get("/companies", response=CompanyPage, summary="Buscar y listar clientes")
def list_companies(
    request,
    search: str = "",
    sort: str = "nombre",
    archived: bool = False,
    page: int = 1,
    page_size: int = 50,
):
    _require(request, "customers.view")
    page_size = max(1, min(page_size, 200))
    result = page_of(
        selectors.company_list(query=search[:100], sort=sort, archived=archived),
        number=page,
        size=page_size,
    )
    return {"items": result.items, "page": result.number, "has_next": result.has_next}


@router.post("/companies", response={201: CompanySaved}, summary="Crear un cliente")
def create_company(request, payload: CompanyIn):
    _require(request, "customers.edit")
    company, warnings = services.company_create(
        actor=request.user, data=payload.dict(exclude_none=True)
    )
    return Status(201, {"company": company, "warnings": warnings})


@router.get(
    "/companies/export.csv",
    summary="Exportar todos los clientes en las columnas de la plantilla",
    response={200: None},
)
def export_companies(request):
    _require(request, "customers.export")
    response = StreamingHttpResponse(
        csv_format.csv_lines(selectors.export_rows()), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="clientes.csv"'
    return response


@router.get(
    "/companies/imports/template.zip",
    summary="Ejemplo de carga masiva (.zip)",
    response={200: None},
)
def import_template(request):
    _require(request, "customers.import")
    response = HttpResponse(csv_format.template_zip(), content_type="application/zip")
    response["Content-Disposition"] = 'attachment; filename="ejemplo_carga_masiva_clientes.zip"'
    return response


@router.post("/companies/imports", response={202: ImportJobOut}, summary="Subir un CSV de clientes")
def create_import(
    request,
    file: File[UploadedFile] = None,
    mode: Form[str] = "create",
    auto_confirm: Form[bool] = False,
):
    _require(request, "customers.import")
    if upload_too_large(request):
        raise ValidationError({"file": [too_large_message()]})
    if file is None:
        raise ValidationError({"file": [_("Envía el archivo .CSV en el campo «file».")]})
    job = services.import_job_create(
        actor=request.user, upload=file, mode=mode, auto_confirm=auto_confirm
    )
    return Status(202, _job_out(job))


@router.get("/companies/imports", response=list[ImportJobOut], summary="Procesos de carga")
def list_imports(request, page: int = 1):
    _require(request, "customers.import")
    return [
        _job_out(j, issues=False)
        for j in page_of(selectors.import_jobs(), number=page, size=50).items
    ]


@router.get(
    "/companies/imports/{job_id}", response=ImportJobOut, summary="Estado de un proceso de carga"
)
def get_import(request, job_id: int):
    return _job_out(get_import_job_for(request.user, job_id))


@router.post(
    "/companies/imports/{job_id}/confirm",
    response={202: ImportJobOut, 409: dict},
    summary="Cargar solo las filas válidas",
)
def confirm_import(request, job_id: int):
    job = get_import_job_for_edit(request.user, job_id)
    if not services.import_job_confirm(actor=request.user, job=job):
        return Status(409, {"detail": _("Este proceso ya no espera confirmación.")})
    job.refresh_from_db()
    return Status(202, _job_out(job))


def _job_out(job: ImportJob, *, issues: bool = True) -> dict:
    data = {f: getattr(job, f) for f in ImportJobOut.model_fields if f not in ("issues",)}
    if issues:
        data["issues"] = list(
            selectors.import_job_issues(job=job).values(
                "row_number", "column", "message", "severity"
            )[:1000]
        )
    return data


@router.get("/companies/{company_id}", response=CompanyOut, summary="Un cliente")
def get_company(request, company_id: int):
    return get_company_for(request.user, company_id)


@router.patch("/companies/{company_id}", response=CompanySaved, summary="Modificar un cliente")
def update_company(request, company_id: int, payload: CompanyPatch):
    company = get_company_for_edit(request.user, company_id)
    data = payload.dict(exclude_unset=True)
    version = data.pop("version", None)
    company, warnings = services.company_update(
        actor=request.user, company=company, data=data, version=version
    )
    return {"company": company, "warnings": warnings}


@router.delete(
    "/companies/{company_id}",
    response=DeleteOut,
    summary="Borrar (o archivar, si tiene historial) un cliente",
)
def delete_company(request, company_id: int):
    company = get_company_for_delete(request.user, company_id)
    return {"outcome": services.company_delete(actor=request.user, company=company)}


@router.get(
    "/companies/{company_id}/contacts", response=list[ContactOut], summary="Contactos de un cliente"
)
def list_contacts(request, company_id: int):
    return list(selectors.company_contacts(company=get_company_for(request.user, company_id)))


@router.post(
    "/companies/{company_id}/contacts", response={201: ContactOut}, summary="Agregar un contacto"
)
def create_contact(request, company_id: int, payload: ContactIn):
    company = get_company_for_edit(request.user, company_id)
    return Status(
        201, services.contact_create(actor=request.user, company=company, data=payload.dict())
    )


@router.get("/contacts/{contact_id}", response=ContactOut, summary="Un contacto")
def get_contact(request, contact_id: int):
    return get_contact_for(request.user, contact_id)


@router.patch("/contacts/{contact_id}", response=ContactOut, summary="Modificar un contacto")
def update_contact(request, contact_id: int, payload: ContactPatch):
    contact = get_contact_for_edit(request.user, contact_id)
    return services.contact_update(
        actor=request.user, contact=contact, data=payload.dict(exclude_unset=True)
    )


@router.delete("/contacts/{contact_id}", response={204: None}, summary="Eliminar un contacto")
def delete_contact(request, contact_id: int):
    services.contact_delete(
        actor=request.user, contact=get_contact_for_edit(request.user, contact_id)
    )
    return Status(204, None)
