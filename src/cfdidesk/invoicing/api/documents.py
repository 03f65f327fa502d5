"""Documents over the API: list and search, import stamped CFDI, read one, its XML, act on it."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import File, Query, Status
from ninja.files import UploadedFile

from cfdidesk.core.pagination import page_of
from cfdidesk.core.params import page_param
from cfdidesk.core.uploads import upload_too_large

from .. import selectors, services
from ..access import (
    get_document_for,
    get_document_for_edit,
    get_environment_for,
    get_environment_for_edit,
)
from ..models import Document
from .outputs import document_out, name_of
from .router import router
from .schemas import (
    DocumentDetailOut,
    DocumentFilters,
    DocumentOut,
    DocumentPage,
    ImportOut,
    ImportRefusedOut,
    MessageOut,
    ReasonIn,
)


@router.get(
    "/environments/{environment_id}/documents",
    response=DocumentPage,
    summary="Documentos de un ambiente",
)
def list_documents(request, environment_id: int, filters: Query[DocumentFilters]):
    environment = get_environment_for(request.user, environment_id)
    qs = selectors.document_list(
        environment=environment,
        state=filters.state,
        document_type=filters.type.upper(),
        series=filters.series,
        receptor_rfc=filters.receptor_rfc,
        date_from=filters.date_from,
        date_to=filters.date_to,
        query=filters.search[:100],
        sort=filters.sort,
    )
    page = page_of(qs, number=page_param(filters.page), size=filters.page_size)
    return {
        "items": [document_out(d) for d in page.items],
        "page": page.number,
        "has_next": page.has_next,
    }


@router.post(
    "/environments/{environment_id}/documents/import",
    response={201: ImportOut, 413: ImportRefusedOut, 422: ImportRefusedOut},
    summary="Importar CFDI ya timbrados (un .xml o un .zip)",
)
def import_documents(request, environment_id: int, file: File[UploadedFile]):
    """Reconocidos por su TimbreFiscalDigital; el emisor debe ser el del ambiente. Todo o nada por envío:
    si un archivo no sirve no se guarda ninguno (`errors` dice cuál y por qué); un UUID ya registrado
    se informa en `duplicates` y no se duplica. Los contadores de folio avanzan más allá de los folios importados."""
    environment = get_environment_for_edit(request.user, environment_id)
    limit = settings.INVOICING_UPLOAD_MAX_BYTES
    if upload_too_large(request) or (file.size or 0) > limit:
        return Status(
            413,
            {
                "detail": _("El archivo pesa más de %(mb)s MB.") % {"mb": limit // 1048576},
                "errors": [],
            },
        )
    try:
        result = services.documents_import(
            environment=environment,
            name=file.name or "",
            data=file.read(limit + 1),
            actor=request.user,
        )
    except services.ImportRefused as exc:
        return Status(422, {"detail": exc.message, "errors": [vars(e) for e in exc.errors]})
    return Status(
        201,
        {
            "imported": len(result.imported),
            "documents": [document_out(d) for d in result.imported],
            "duplicates": [vars(e) for e in result.duplicates],
        },
    )


def _history(document: Document) -> list[dict]:
    return [
        {
            "from_state": t.from_state,
            "to_state": t.to_state,
            "actor": name_of(t.actor),
            "reason": t.reason,
            "created_at": t.created_at,
        }
        for t in selectors.document_history(document)
    ]


def _actions(document: Document) -> list[str]:
    actions = services.document_actions(document=document)
    return [name for name in ("reprocess", "hold", "cancel") if getattr(actions, name)]


@router.get(
    "/documents/{document_id}",
    response=DocumentDetailOut,
    summary="Un documento: estado, errores, historial, bitácora",
)
def get_document(request, document_id: int):
    document = get_document_for(request.user, document_id)
    movement = document.source_movement.payload if document.source_movement_id else None
    return {
        **document_out(document),
        "errors": document.errors,
        "issued_at": document.issued_at,
        "history": _history(document),
        "log": selectors.log_lines(environment=document.environment, movement=document.movement_id)
        if document.movement_id
        else [],
        "movement": movement,
        "xml_url": f"/api/v1/documents/{document.pk}/xml"
        if selectors.document_has_xml(document)
        else None,
        "actions": _actions(document),
    }


@router.get(
    "/documents/{document_id}/xml",
    summary="El XML: timbrado si lo hay, si no el PRE",
    response={200: None, 404: MessageOut},
)
def get_document_xml(request, document_id: int, kind: str = "auto"):
    """`kind`: auto (timbrado, o el PRE si aún no se timbra), stamped o pre."""
    document = get_document_for(request.user, document_id)
    download = selectors.document_xml_download(document, kind=kind)
    if download is None:
        return Status(404, {"detail": _("Este documento aún no tiene ese XML.")})
    response = HttpResponse(
        download.content.encode(), content_type="application/xml; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{download.file_name}"'
    return response


@router.post(
    "/documents/{document_id}/reprocess",
    response=DocumentOut,
    summary="Reprocesar (input = 1)",
)
def reprocess_document(request, document_id: int, payload: ReasonIn):
    document = get_document_for_edit(request.user, document_id)
    return document_out(
        services.document_reprocess(actor=request.user, document=document, reason=payload.reason)
    )


@router.post(
    "/documents/{document_id}/hold",
    response=DocumentOut,
    summary="Retener (input = 0): el pipeline no lo toma",
)
def hold_document(request, document_id: int, payload: ReasonIn):
    document = get_document_for_edit(request.user, document_id)
    return document_out(
        services.document_hold(actor=request.user, document=document, reason=payload.reason)
    )


@router.post(
    "/documents/{document_id}/cancel",
    response=DocumentOut,
    summary="Cancelar un documento aún no timbrado",
)
def cancel_document(request, document_id: int, payload: ReasonIn):
    document = get_document_for_edit(request.user, document_id)
    return document_out(
        services.document_cancel(actor=request.user, document=document, reason=payload.reason)
    )
