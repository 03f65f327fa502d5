"""The REST API under /api/v1/: one NinjaAPI, a router per app."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as NinjaValidationError

from cfdidesk.accounts.api_auth import API_AUTH
from cfdidesk.customers.api import router as customers_router
from cfdidesk.desk.dashboard.api import router as dashboard_router
from cfdidesk.desk.oncall.api import router as oncall_router
from cfdidesk.desk.tickets.api import router as desk_router
from cfdidesk.desk.tickets.api_work import router as desk_work_router
from cfdidesk.invoicing.api import router as invoicing_router
from cfdidesk.kb.api import router as kb_router


class CfdiDeskAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation) -> str:
        """`cfdidesk_<app>_api_<function>`: an endpoint keeps its id when its module moves inside
        its app (client code generated from the schema keeps working)."""
        app = operation.view_func.__module__.split(".")[1]
        return f"cfdidesk_{app}_api_{operation.view_func.__name__}"


api = CfdiDeskAPI(
    title="CFDI Desk API",
    version="1",
    description="API de CFDI Desk. Autenticación: `Authorization: Bearer <token>` (crea tokens en Cuenta → Tokens de API o con `cfdidesk create-token USUARIO`).",
    auth=API_AUTH,
    urls_namespace="api",
    docs_url="/docs",
)
api.add_router("/", customers_router)
api.add_router("/", desk_router)
api.add_router("/", desk_work_router)
api.add_router("/", oncall_router)
api.add_router("/", dashboard_router)
api.add_router("/kb", kb_router)
api.add_router("/", invoicing_router)


@api.exception_handler(ValidationError)
def on_validation_error(request, exc: ValidationError):
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return api.create_response(
        request, {"detail": _("Los datos no son válidos."), "errors": errors}, status=422
    )


@api.exception_handler(NinjaValidationError)
def on_schema_error(request, exc: NinjaValidationError):
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        loc = [
            str(p)
            for p in error.get("loc", [])
            if p not in ("body", "payload", "query", "form", "file")
        ]
        errors.setdefault(".".join(loc) or "__all__", []).append(error.get("msg", ""))
    return api.create_response(
        request,
        {"detail": _("La petición no tiene el formato esperado."), "errors": errors},
        status=422,
    )


@api.exception_handler(PermissionDenied)
def on_permission_denied(request, exc):
    return api.create_response(request, {"detail": _("Tu rol no permite esta acción.")}, status=403)


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return api.create_response(request, {"detail": _("No encontrado.")}, status=404)


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request, exc):
    return api.create_response(
        request,
        {"detail": _("Falta autenticación: usa «Authorization: Bearer <token>».")},
        status=401,
    )
