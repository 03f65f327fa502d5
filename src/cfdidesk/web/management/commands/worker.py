"""`cfdidesk worker`: runs background tasks (django-tasks-db's db_worker) and the periodic jobs."""

import threading

from django.core.management import call_command
from django.core.management.base import BaseCommand

from cfdidesk.web import periodic


class Command(BaseCommand):
    help = "Ejecuta las tareas en segundo plano (cargas masivas, correos) y las revisiones periódicas (SLA)."

    def add_arguments(self, parser):
        parser.add_argument("--batch", action="store_true", help="Procesa lo pendiente y termina.")
        parser.add_argument("--interval", type=float, default=1.0)
        parser.add_argument(
            "--no-periodic", action="store_true", help="Sin las revisiones periódicas."
        )

    def handle(self, *args, batch, interval, no_periodic, **options):
        kwargs = {"interval": interval, "startup_delay": False, "reload": False}
        if batch:
            if not no_periodic:
                periodic.run_all_once()
            call_command("db_worker", batch=True, **kwargs)
            return
        stop = threading.Event()
        if not no_periodic:
            periodic.start(stop)
        try:
            call_command("db_worker", **kwargs)
        finally:
            stop.set()
