from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import services
from .models import ApiToken


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


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
