"""Users whose role requires a second factor and who have none yet enrol before anything else."""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

from .two_step import ENROL


class TwoFactorEnrolmentMiddleware:
    """Sends every page to the enrolment page while the session is marked (at log-in).

    Reads only the session, and only when the request carries a session cookie: API calls with
    a token and anonymous pages cost nothing."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.SESSION_COOKIE_NAME in request.COOKIES and request.session.get(ENROL):
            allowed = (
                reverse("accounts:two_factor_enrol"),
                reverse("accounts:logout"),
                "/i18n/",
                settings.STATIC_URL,
            )
            if not request.path.startswith(allowed):
                return redirect("accounts:two_factor_enrol")
        return self.get_response(request)
