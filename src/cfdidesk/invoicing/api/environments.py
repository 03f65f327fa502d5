"""Environments over the API: list, create, read, load the CSD."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from ninja import File, Form, Status
from ninja.files import UploadedFile

from cfdidesk.accounts.roles import has_capability
from cfdidesk.customers.access import get_company_for

from .. import selectors, services
from ..access import get_environment_for, get_environment_for_edit
from .outputs import environment_out
from .router import router
from .schemas import EnvironmentDetailOut, EnvironmentIn, EnvironmentOut

CSD_FILE_MAX = 64 * 1024


@router.get(
    "/environments",
    response=list[EnvironmentOut],
    summary="Ambientes de facturación",
)
def list_environments(request, company: int | None = None):
    if not has_capability(request.user, "invoicing.view"):
        raise PermissionDenied
    qs = selectors.environment_list()
    if company:
        qs = qs.filter(company_id=company)
    return [environment_out(e) for e in qs[:500]]


@router.post(
    "/environments",
    response={201: EnvironmentOut},
    summary="Crear un ambiente (empieza con el generador pausado)",
)
def create_environment(request, payload: EnvironmentIn):
    if not has_capability(request.user, "invoicing.manage"):
        raise PermissionDenied
    company = get_company_for(request.user, payload.company_id)
    data = payload.dict(exclude={"company_id"}, exclude_none=True)
    environment = services.environment_create(actor=request.user, company=company, data=data)
    return Status(201, environment_out(environment))


@router.get(
    "/environments/{environment_id}",
    response=EnvironmentDetailOut,
    summary="Un ambiente, con sus documentos por estado y sus timbres",
)
def get_environment(request, environment_id: int):
    environment = get_environment_for(request.user, environment_id)
    return {
        **environment_out(environment),
        "documents_by_state": selectors.state_counts(environment),
        "stamp_credits": selectors.stamp_balance(rfc=environment.emitter_rfc).available,
    }


@router.post(
    "/environments/{environment_id}/csd",
    response={200: EnvironmentOut},
    summary="Cargar el CSD (.cer, .key y contraseña)",
)
def upload_csd(
    request,
    environment_id: int,
    certificate: File[UploadedFile],
    key: File[UploadedFile],
    password: Form[str],
):
    """Se rechaza si la contraseña no es la de la llave, si la llave no es del certificado, si es una e.firma o si el
    certificado es de otro RFC. La llave y la contraseña se guardan cifradas y nunca se devuelven."""
    environment = get_environment_for_edit(
        request.user, environment_id, capability="invoicing.manage"
    )
    environment = services.csd_load(
        actor=request.user,
        environment=environment,
        certificate=certificate.read(CSD_FILE_MAX + 1),
        key=key.read(CSD_FILE_MAX + 1),
        password=password,
    )
    return environment_out(environment)
