"""Administración → Usuarios: the administrators' pages for accounts, roles and access."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cfdidesk.audit.selectors import audit_for
from cfdidesk.core.forms import add_errors
from cfdidesk.core.pagination import page_of
from cfdidesk.core.params import page_param
from cfdidesk.core.people import display_name

from . import selectors, services
from .access import get_user_for_manage, require_capability
from .forms import TwoFactorRolesForm, UserCreateForm, UserEditForm
from .roles import PORTAL, ROLE_LABELS, STAFF_ROLES
from .services.users import link_hours

PAGE_SIZE = 30


@require_capability("users.manage")
def user_list(request):
    query = request.GET.get("q", "").strip()[:100]
    role = request.GET.get("rol", "")
    state = request.GET.get("estado", selectors.DEFAULT_STATE)
    if state not in selectors.STATES:
        state = selectors.DEFAULT_STATE
    page = page_of(
        selectors.user_list(query=query, role=role, state=state),
        number=page_param(request.GET.get("pagina")),
        size=PAGE_SIZE,
    )
    for account in page.items:  # the groups come prefetched with the page
        account.role_labels = [
            ROLE_LABELS[g.name] for g in account.groups.all() if g.name in ROLE_LABELS
        ]
    context = {
        "page": page,
        "query": query,
        "role": role if role in ROLE_LABELS else "",
        "state": state,
        "roles": list(ROLE_LABELS.items()),
        "required_roles": [ROLE_LABELS[r] for r in sorted(selectors.two_factor_roles())],
    }
    return render(request, "accounts/users/list.html", context)


@require_capability("users.manage")
def user_create(request):
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.user_create(
                actor=request.user,
                username=data["username"],
                email=data["email"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                roles=data["roles"],
                password=data["password"] or None,
                password_again=data["password_again"],
                invite=not data["password"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            if data["password"]:
                text = _("Usuario «%(name)s» creado.")
            else:
                text = _(
                    "Usuario «%(name)s» creado. Le enviamos un correo para que elija su contraseña."
                )
            messages.success(request, text % {"name": user.username})
            return redirect("users:detail", pk=user.pk)
    return render(request, "accounts/users/form.html", {"form": form, "hours": link_hours()})


@require_capability("users.manage")
def user_detail(request, pk: int):
    account = get_user_for_manage(request.user, pk)
    names = selectors.role_names(account)
    is_portal = PORTAL in names and not names & STAFF_ROLES
    initial = {
        "first_name": account.first_name,
        "last_name": account.last_name,
        "email": account.email,
        "roles": sorted(names & STAFF_ROLES),
    }
    form = UserEditForm(request.POST or None, initial=initial)
    if is_portal:
        form.fields.pop("roles")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.user_update(
                actor=request.user,
                user=account,
                email=data["email"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                roles=None if is_portal else data["roles"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Cambios guardados."))
            return redirect("users:detail", pk=account.pk)
    context = {
        "account": account,
        "form": form,
        "is_portal": is_portal,
        "role_names": [ROLE_LABELS[r] for r in sorted(names) if r in ROLE_LABELS],
        "two_factor": selectors.two_factor_state(account),
        "history": audit_for(account, limit=30),
        "is_self": account.pk == request.user.pk,
    }
    return render(request, "accounts/users/detail.html", context)


def _refusal(request, exc: ValidationError) -> None:
    for field_messages in exc.message_dict.values():
        for message in field_messages:
            messages.error(request, message)


@require_capability("users.manage")
@require_POST
def user_deactivate(request, pk: int):
    account = get_user_for_manage(request.user, pk)
    try:
        services.user_deactivate(actor=request.user, user=account)
    except ValidationError as exc:
        _refusal(request, exc)
    else:
        messages.success(
            request,
            _(
                "Desactivaste a %(name)s: ya no puede entrar ni usar sus tokens. Su historial se conserva."
            )
            % {"name": display_name(account)},
        )
    return redirect("users:detail", pk=account.pk)


@require_capability("users.manage")
@require_POST
def user_reactivate(request, pk: int):
    account = get_user_for_manage(request.user, pk)
    services.user_reactivate(actor=request.user, user=account)
    messages.success(request, _("Reactivaste a %(name)s.") % {"name": display_name(account)})
    return redirect("users:detail", pk=account.pk)


@require_capability("users.manage")
@require_POST
def user_password_link(request, pk: int):
    account = get_user_for_manage(request.user, pk)
    try:
        services.password_link_send(actor=request.user, user=account)
    except ValidationError as exc:
        _refusal(request, exc)
    else:
        messages.success(
            request,
            _(
                "Enviamos a %(email)s un enlace para elegir una contraseña nueva (caduca en %(hours)d horas)."
            )
            % {"email": account.email, "hours": link_hours()},
        )
    return redirect("users:detail", pk=account.pk)


@require_capability("users.manage")
@require_POST
def user_two_factor_reset(request, pk: int):
    account = get_user_for_manage(request.user, pk)
    services.two_factor_reset(actor=request.user, user=account)
    messages.success(
        request,
        _(
            "Quitaste la verificación en dos pasos de %(name)s; si su rol la requiere, la activará al entrar."
        )
        % {"name": display_name(account)},
    )
    return redirect("users:detail", pk=account.pk)


@require_capability("users.manage")
def two_factor_roles(request):
    form = TwoFactorRolesForm(
        request.POST or None, initial={"roles": sorted(selectors.two_factor_roles())}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.two_factor_roles_set(actor=request.user, roles=form.cleaned_data["roles"])
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request,
                _(
                    "Guardado. Quien tenga esos roles y aún no use la verificación en dos pasos la activará al entrar."
                ),
            )
            return redirect("users:list")
    return render(request, "accounts/users/two_factor_roles.html", {"form": form})
