"""Our own error pages, in Spanish, for every status Django answers with a page (404, 403, 400,
500 and a refused CSRF check). With DEBUG on, Django shows its technical 404 page; the middleware
below shows ours instead, so users of a development server never read an English page. The technical 500 page stays: it is what a developer needs."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _
from django.views.decorators.csrf import requires_csrf_token

from cfdidesk.accounts.roles import has_capability

TEMPLATE_404 = "404.html"


def _links(request) -> dict:
    user = getattr(request, "user", None)
    return {
        "staff": has_capability(user, "tickets.view") if user is not None else False,
        "portal": has_capability(user, "portal.use") if user is not None else False,
    }


@requires_csrf_token
def page_not_found(request, exception=None):
    context = {"request_path": request.path, **_links(request)}
    return render(request, TEMPLATE_404, context, status=404)


@requires_csrf_token
def permission_denied(request, exception=None):
    return render(request, "403.html", _links(request), status=403)


@requires_csrf_token
def bad_request(request, exception=None):
    if request.path.startswith("/api/"):  # API clients read JSON, even when Django refused early
        return JsonResponse(
            {
                "detail": _(
                    "La petición no se puede leer: revisa el formato del cuerpo y su tamaño."
                )
            },
            status=400,
        )
    return render(request, "400.html", status=400)


def csrf_failure(request, reason=""):
    return render(request, "403_csrf.html", status=403)


@requires_csrf_token
def server_error(request):
    """No database and no context processor: whatever failed may fail again."""
    return HttpResponse(loader.get_template("500.html").render(), status=500)


class FriendlyNotFoundMiddleware:
    """With DEBUG on, a page that does not exist shows our 404 page, not Django's technical one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            settings.DEBUG
            and response.status_code == 404
            and not request.path.startswith(("/api/", settings.STATIC_URL))
            and "text/html" in response.get("Content-Type", "")
            and _is_technical(response)
        ):
            return page_not_found(request)
        return response


def _is_technical(response) -> bool:
    """Django's DEBUG 404 page (pages of ours that answer 404, like an expired survey, stay)."""
    return not response.streaming and b"DEBUG = True" in response.content
