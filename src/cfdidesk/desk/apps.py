from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeskConfig(AppConfig):
    name = "cfdidesk.desk"
    label = "desk"
    verbose_name = _("Mesa de ayuda")

    def ready(self) -> None:
        from cfdidesk.customers.history import register_history_check

        from .models import Ticket

        # A company with tickets keeps its history: deleting it archives it.
        register_history_check(lambda company: Ticket.objects.filter(company=company).exists())
