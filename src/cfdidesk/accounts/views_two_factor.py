"""Pages of the second factor: the code after the password, and the user's own security page
(enrol with a QR code, recovery codes shown once, renew them, turn it off)."""

from __future__ import annotations

import base64

import qrcode
import qrcode.image.svg
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django.contrib import messages
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from . import services, two_step
from .access import require_capability
from .selectors import pending_totp_device, two_factor_state


def _qr_svg(text: str) -> str:
    """The QR code as inline SVG, drawn here: no image service, no script."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    return image.to_string(encoding="unicode")


def _manual_key(device) -> str:
    key = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def _safe_next(request, url: str) -> str:
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return "/"


@require_http_methods(["GET", "POST"])
def login_code(request):
    """The log-in's second step: six digits from the app, or a recovery code."""
    waiting = two_step.pending(request)
    if waiting is None:
        messages.info(request, _("Escribe de nuevo tu usuario y contraseña."))
        return redirect("accounts:login")
    user, data = waiting
    credentials = {"username": user.get_username()}
    error = ""
    if request.method == "POST":
        if not AxesProxyHandler.is_allowed(request, credentials):
            return get_lockout_response(request, None, credentials)
        device = services.two_factor_verify(user=user, code=request.POST.get("code", ""))
        if device is not None:
            return redirect(_safe_next(request, two_step.finish(request, user, data, device)))
        # Counted by django-axes like a wrong password: too many lock the user out (middleware).
        user_login_failed.send(sender=__name__, credentials=credentials, request=request)
        error = _(
            "El código no es correcto o ya se usó. Intenta con el código que muestra tu aplicación ahora."
        )
    return render(request, "accounts/login_code.html", {"error": error}, status=200)


@require_capability("account.two_factor")
def security(request):
    """The user's own account security: second factor on or off, recovery codes left."""
    return render(request, "accounts/security.html", {"state": two_factor_state(request.user)})


@require_capability("account.two_factor")
@require_http_methods(["GET", "POST"])
def two_factor_enrol(request):
    """Scan the QR code (or type the key), confirm with a code; the recovery codes are shown once."""
    user = request.user
    error = ""
    if request.method == "POST":
        try:
            codes = services.two_factor_enrol_confirm(user=user, code=request.POST.get("code", ""))
        except ValidationError as exc:
            error = " ".join(m for ms in exc.message_dict.values() for m in ms)
        else:
            two_step.enrolment_done(request)
            return render(request, "accounts/recovery_codes.html", {"codes": codes, "new": True})
    device = pending_totp_device(user) or services.two_factor_enrol_start(user=user)
    context = {
        "qr": _qr_svg(device.config_url),
        "key": _manual_key(device),
        "error": error,
        "forced": bool(request.session.get(two_step.ENROL)),
    }
    return render(request, "accounts/two_factor_enrol.html", context)


@require_capability("account.two_factor")
@require_POST
def recovery_codes_renew(request):
    try:
        codes = services.two_factor_recovery_codes_renew(
            user=request.user, password=request.POST.get("password", "")
        )
    except ValidationError as exc:
        for field_messages in exc.message_dict.values():
            for message in field_messages:
                messages.error(request, message)
        return redirect("accounts:security")
    return render(request, "accounts/recovery_codes.html", {"codes": codes, "new": False})


@require_capability("account.two_factor")
@require_POST
def two_factor_disable(request):
    try:
        services.two_factor_disable(user=request.user, password=request.POST.get("password", ""))
    except ValidationError as exc:
        for field_messages in exc.message_dict.values():
            for message in field_messages:
                messages.error(request, message)
    else:
        messages.success(request, _("Desactivaste la verificación en dos pasos."))
    return redirect("accounts:security")
