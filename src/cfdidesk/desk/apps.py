from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeskConfig(AppConfig):
    name = "cfdidesk.desk"
    label = "desk"
    verbose_name = _("Mesa de ayuda")

    def ready(self) -> None:
        from cfdidesk.customers.history import register_history_check
        from cfdidesk.customers.panels import register_company_panel

        from .models import Ticket
        from .tickets.panel import PANEL

        # A company with tickets keeps its history: deleting it archives it.
        register_history_check(lambda company: Ticket.objects.filter(company=company).exists())
        # The customer 360 page shows the company's open and latest tickets.
        register_company_panel(PANEL)
