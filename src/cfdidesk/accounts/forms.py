"""The log-in form with messages that read as Mexican Spanish (Django's own are Spain's)."""

from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _(
            "El usuario o la contraseña no son correctos. Revisa que no tengas activadas las "
            "mayúsculas e inténtalo de nuevo."
        ),
        "inactive": _("Esta cuenta está desactivada. Pídele a un administrador que la active."),
    }
