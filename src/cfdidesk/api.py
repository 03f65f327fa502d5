"""The REST API under /api/v1/: one NinjaAPI, a router per app."""

from django.core.exceptions import (
    BadRequest,
    PermissionDenied,
    SuspiciousOperation,
    ValidationError,
)
from django.db import DataError
from django.http import Http404
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from cfdidesk.accounts.api_auth import API_AUTH
from cfdidesk.customers.api import router as customers_router
from cfdidesk.desk.dashboard.api import router as dashboard_router
from cfdidesk.desk.oncall.api import router as oncall_router
from cfdidesk.desk.tickets.api import router as desk_router
from cfdidesk.desk.tickets.api_work import router as desk_work_router
from cfdidesk.invoicing.api import router as invoicing_router
from cfdidesk.kb.api import router as kb_router


class ProblemOut(Schema):
    """What every refusal answers: 401 without a valid token, 403 when the role may not, 404."""

    detail: str


class InvalidOut(Schema):
    """A 422 from the request's shape or from the rules: the messages of each field."""

    detail: str
    errors: dict[str, list[str]] = Field(
        description="Mensajes por campo («campo» o «lista.0.campo»); «__all__» para los del conjunto"
    )


# The answers any operation may give besides its own (the exception handlers below).
COMMON_ANSWERS = {
    "400": ("El cuerpo de la petición no se puede leer", ProblemOut),
    "401": ("Falta autenticación", ProblemOut),
    "403": ("Tu rol no permite esta acción", ProblemOut),
    "404": ("No encontrado", ProblemOut),
    "422": ("Los datos no son válidos", InvalidOut),
}


def _ref(model) -> dict:
    return {"$ref": f"#/components/schemas/{model.__name__}"}


def document_common_answers(schema: dict) -> dict:
    """Add the handlers' answers to every operation. An operation that documents its own 422 (a
    refused batch, a refused file) may also answer the handlers' shape: either is documented."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    for model in (ProblemOut, InvalidOut):
        components[model.__name__] = model.model_json_schema(
            ref_template="#/components/schemas/{model}"
        )
    for methods in schema["paths"].values():
        for operation in methods.values():
            answers = operation.setdefault("responses", {})
            for code, (description, model) in COMMON_ANSWERS.items():
                own = answers.get(code) or answers.get(int(code))
                if own is None:
                    answers[code] = {
                        "description": description,
                        "content": {"application/json": {"schema": _ref(model)}},
                    }
                    continue
                content = own.setdefault("content", {}).setdefault("application/json", {})
                content["schema"] = {"anyOf": [content["schema"], _ref(model)]}
    return schema


class CfdiDeskAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        return document_common_answers(
            super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        )

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


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    """ninja's own refusals, in Spanish: a body that is not JSON (400), and any other status."""
    detail = (
        _("El cuerpo de la petición no se puede leer: envía JSON válido en UTF-8.")
        if exc.status_code == 400
        else str(exc)
    )
    return api.create_response(request, {"detail": detail}, status=exc.status_code)


@api.exception_handler(MultiPartParserError)
@api.exception_handler(BadRequest)
@api.exception_handler(SuspiciousOperation)
def on_unreadable_request(request, exc):
    """A multipart body that cannot be parsed, or one Django refuses (too many fields, too big)."""
    return api.create_response(
        request,
        {"detail": _("La petición no se puede leer: revisa el formato del cuerpo y su tamaño.")},
        status=400,
    )


@api.exception_handler(OverflowError)
@api.exception_handler(DataError)
def on_out_of_range(request, exc):
    """A number or a text the database cannot hold (an id beyond 64 bits, a value too long): the
    request is refused like any other invalid input, never a server error."""
    return api.create_response(
        request,
        {
            "detail": _("Los datos no son válidos."),
            "errors": {"__all__": [_("Un valor está fuera del rango que se puede guardar.")]},
        },
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
