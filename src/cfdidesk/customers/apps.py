from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "cfdidesk.customers"
    label = "customers"
    verbose_name = _("Clientes")

    def ready(self) -> None:
        from . import lookups  # noqa: F401  (registers the `prefix` lookup)
