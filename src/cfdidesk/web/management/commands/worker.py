"""`cfdidesk worker`: runs background tasks (django-tasks-db's db_worker)."""

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Ejecuta las tareas en segundo plano (cargas masivas, correos)."

    def add_arguments(self, parser):
        parser.add_argument("--batch", action="store_true", help="Procesa lo pendiente y termina.")
        parser.add_argument("--interval", type=float, default=1.0)

    def handle(self, *args, batch, interval, **options):
        kwargs = {"interval": interval, "startup_delay": False, "reload": False}
        if batch:
            kwargs["batch"] = True
        call_command("db_worker", **kwargs)
