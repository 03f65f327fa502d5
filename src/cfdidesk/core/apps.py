from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """Installed only for its template tags (`{% load people %}`); it has no models."""

    name = "cfdidesk.core"
    label = "core"
    verbose_name = _("Base")
