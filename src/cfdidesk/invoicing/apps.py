from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InvoicingConfig(AppConfig):
    name = "cfdidesk.invoicing"
    label = "invoicing"
    verbose_name = _("Facturación (pipeline CFDI)")

    def ready(self):
        from cfdidesk.customers.history import register_history_check
        from cfdidesk.customers.panels import register_company_panel

        from . import checks  # noqa: F401  (registers the system checks)
        from .models import InvoicingEnvironment
        from .panel import PANEL

        # The customer 360 page shows the company's environments, documents and stamps.
        register_company_panel(PANEL)
        # A company with an invoicing environment keeps its history: deleting it archives it
        # (its documents and folios must survive; the foreign key protects them).
        register_history_check(
            lambda company: InvoicingEnvironment.objects.filter(company=company).exists()
        )
