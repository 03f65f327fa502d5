from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from . import login_links, services, two_step
from .forms import LoginForm
from .models import ApiToken
from .selectors import has_two_factor, two_factor_required

# Who signs a portal contact in after a login link: the link itself is the proof, not a password.
LOGIN_LINK_BACKEND = "django.contrib.auth.backends.ModelBackend"


class LoginView(auth_views.LoginView):
    """The password; then the code for users with a second factor (views_two_factor.login_code),
    or enrolment first for users whose role requires one and who have none."""

    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        if has_two_factor(user):
            two_step.begin(self.request, user, self.get_success_url())
            return redirect("accounts:login_code")
        response = super().form_valid(form)
        if two_factor_required(user):
            two_step.require_enrolment(self.request)
            return redirect("accounts:two_factor_enrol")
        return response


@login_required
def tokens(request):
    new_token = None
    errors = {}
    if request.method == "POST":
        try:
            _token, new_token = services.token_create(
                user=request.user, name=request.POST.get("name", "")
            )
        except ValidationError as exc:
            errors = exc.message_dict
        else:
            messages.success(request, _("Token creado. Cópialo ahora: no se volverá a mostrar."))
    return render(
        request,
        "accounts/tokens.html",
        {"tokens": request.user.api_tokens.all(), "new_token": new_token, "errors": errors},
    )


@login_required
@require_POST
def token_revoke(request, pk: int):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    services.token_revoke(user=request.user, token=token)
    messages.success(request, _("Token «%(name)s» revocado.") % {"name": token.name})
    return redirect("accounts:tokens")


def _link_minutes() -> int:
    return int(login_links.LIFETIME.total_seconds() // 60)


@require_http_methods(["GET", "POST"])
def login_link(request):
    """Ask for a sign-in link by e-mail (portal contacts)."""
    sent = False
    email = ""
    if request.method == "POST":
        email = (request.POST.get("email") or "").strip()[:254]
        login_links.login_link_request(
            email=email,
            link_for=lambda token: request.build_absolute_uri(
                reverse("accounts:login_link_use", args=[token])
            ),
        )
        sent = True  # the same answer whether or not the address has an account
    return render(
        request,
        "accounts/login_link_request.html",
        {
            "sent": sent,
            "email": email,
            "minutes": _link_minutes(),
            "per_hour": login_links.MAX_PER_HOUR,
        },
    )


@require_http_methods(["GET", "POST"])
def login_link_use(request, token: str):
    """The link's page: one button (GET) that signs in (POST)."""
    if request.method == "POST":
        user = login_links.login_link_redeem(token=token)
        if user is not None:
            login(request, user, backend=LOGIN_LINK_BACKEND)
            # The home page sends contacts to the portal.
            return redirect(resolve_url(settings.LOGIN_REDIRECT_URL))
    elif login_links.login_link_peek(token=token) is not None:
        return render(request, "accounts/login_link_confirm.html", {"token": token})
    return render(
        request,
        "accounts/login_link_invalid.html",
        {"minutes": _link_minutes()},
        status=410,
    )


@require_http_methods(["GET", "POST"])
def password_set(request, uidb64: str, token: str):
    """The page of an e-mailed link (an invitation or a reset): choose a password."""
    user = services.users.password_link_user(uidb64=uidb64, token=token)
    if user is None:
        return render(request, "accounts/password_link_invalid.html", status=410)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        try:
            services.password_set(
                uidb64=uidb64,
                token=token,
                password=request.POST.get("password", ""),
                password_again=request.POST.get("password_again", ""),
            )
        except ValidationError as exc:
            errors = exc.message_dict
        else:
            messages.success(request, _("Listo: ya puedes entrar con tu nueva contraseña."))
            return redirect("accounts:login")
    return render(
        request,
        "accounts/password_set.html",
        {
            "account": user,
            "general_errors": errors.get("__all__", []),
            "password_errors": errors.get("password", []),
            "hours": services.users.link_hours(),
        },
    )
