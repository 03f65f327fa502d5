from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServiceConfig(AppConfig):
    name = "cfdidesk.service"
    label = "service"
    verbose_name = _("Servicio")

    def ready(self):
        from . import signals

        signals.connect()
