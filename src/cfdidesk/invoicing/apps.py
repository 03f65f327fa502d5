from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InvoicingConfig(AppConfig):
    name = "cfdidesk.invoicing"
    label = "invoicing"
    verbose_name = _("Facturación (pipeline CFDI)")

    def ready(self):
        from . import checks  # noqa: F401  (registers the system checks)
