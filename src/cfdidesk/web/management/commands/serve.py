"""`cfdidesk serve`: the web server and the background worker together, for `make run`."""

import os
import signal
import subprocess
import sys
import time

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Sirve CFDI Desk en http://127.0.0.1:8000 y arranca el proceso de tareas en segundo plano."
    )

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")

    def handle(self, *args, addrport, **options):
        python = sys.executable
        worker = subprocess.Popen([python, "-m", "cfdidesk", "worker"], env=os.environ.copy())
        web = subprocess.Popen(
            [python, "-m", "cfdidesk", "runserver", addrport, "--noreload"], env=os.environ.copy()
        )
        self.stdout.write(f"CFDI Desk: http://{addrport}/  (Ctrl+C para detener)")

        def stop(signum, frame):
            raise KeyboardInterrupt

        signal.signal(signal.SIGTERM, stop)
        try:
            while True:
                for proc in (web, worker):
                    if proc.poll() is not None:
                        raise SystemExit(proc.returncode)
                time.sleep(1)
        except KeyboardInterrupt:
            pass
        finally:
            for proc in (web, worker):
                if proc.poll() is None:
                    proc.terminate()
            for proc in (web, worker):
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()
