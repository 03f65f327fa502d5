"""Page forms of the accounts: the log-in, and Administración → Usuarios (parsing and display;
the rules are in the services)."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from .roles import ROLE_LABELS, STAFF_ROLES


def staff_role_choices():
    return [(code, ROLE_LABELS[code]) for code in ROLE_LABELS if code in STAFF_ROLES]


class UserEditForm(forms.Form):
    first_name = forms.CharField(label=_("Nombre"), required=False, max_length=150)
    last_name = forms.CharField(label=_("Apellidos"), required=False, max_length=150)
    email = forms.CharField(label=_("Correo electrónico"), required=False, max_length=254)
    roles = forms.MultipleChoiceField(
        label=_("Roles"),
        required=False,
        choices=staff_role_choices,
        widget=forms.CheckboxSelectMultiple,
    )


class UserCreateForm(UserEditForm):
    username = forms.CharField(label=_("Usuario"), required=False, max_length=150)
    password = forms.CharField(
        label=_("Contraseña"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_again = forms.CharField(
        label=_("Repite la contraseña"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    field_order = ["username", "first_name", "last_name", "email", "roles"]


class TwoFactorRolesForm(forms.Form):
    roles = forms.MultipleChoiceField(
        label=_("Roles que deben usar verificación en dos pasos"),
        required=False,
        choices=staff_role_choices,
        widget=forms.CheckboxSelectMultiple,
    )


class LoginForm(AuthenticationForm):
    """Messages that read as Mexican Spanish (Django's own are Spain's)."""

    error_messages = {
        "invalid_login": _(
            "El usuario o la contraseña no son correctos. Revisa que no tengas activadas las "
            "mayúsculas e inténtalo de nuevo."
        ),
        "inactive": _("Esta cuenta está desactivada. Pídele a un administrador que la active."),
    }
