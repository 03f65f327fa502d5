"""The log-in's second step, kept in the session between the password and the code.

After a right password, a user with a second factor is not signed in: the session remembers who
they are for five minutes, and the code page signs them in. A user whose role requires a second
factor and has none is signed in with a mark in the session that sends every page to the
enrolment page until they have one (middleware.TwoFactorEnrolmentMiddleware).
"""

from __future__ import annotations

import time

from django.contrib.auth import get_user_model, login
from django_otp import login as otp_login

PENDING = "cfdidesk_2fa_pending"
ENROL = "cfdidesk_2fa_enrol"
PENDING_SECONDS = 300


def begin(request, user, next_url: str) -> None:
    request.session[PENDING] = {
        "uid": user.pk,
        "backend": user.backend,
        "next": next_url,
        "at": int(time.time()),
    }


def pending(request):
    """(user, data) of a log-in waiting for its code, or None (none, expired, or user inactive)."""
    data = request.session.get(PENDING)
    if not isinstance(data, dict) or time.time() - data.get("at", 0) > PENDING_SECONDS:
        request.session.pop(PENDING, None)
        return None
    user = get_user_model().objects.filter(pk=data.get("uid"), is_active=True).first()
    return (user, data) if user is not None else None


def finish(request, user, data: dict, device) -> str:
    """Sign in after the code; returns where to go next."""
    request.session.pop(PENDING, None)
    login(request, user, backend=data["backend"])
    otp_login(request, device)
    return data.get("next") or "/"


def require_enrolment(request) -> None:
    request.session[ENROL] = True


def enrolment_done(request) -> None:
    request.session.pop(ENROL, None)
