import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections

from cfdidesk.desk.inbox.imap import (
    DEFAULT_LIMIT,
    FetchResult,
    ImapError,
    ImapLoginError,
    fetch_email,
    parse_imap_url,
)
from cfdidesk.desk.models import InboundEmail

Outcome = InboundEmail.Outcome
# (singular, plural) per outcome, in the order they are listed.
_PHRASES = {
    Outcome.CREATED: ("abrió ticket", "abrieron ticket"),
    Outcome.APPENDED: ("se agregó a un ticket", "se agregaron a tickets"),
    Outcome.UNMATCHED: ("de remitente desconocido", "de remitente desconocido"),
    Outcome.SUSPICIOUS: ("posible suplantación", "posibles suplantaciones"),
    Outcome.IGNORED_AUTOMATIC: ("ignorado", "ignorados"),
    Outcome.DUPLICATE: ("duplicado", "duplicados"),
    Outcome.REJECTED: ("rechazado", "rechazados"),
}


def summary(result: FetchResult) -> str:
    """'3 correos: 2 abrieron ticket, 1 ignorado'."""
    if not result.total:
        return "Sin correos nuevos."
    parts = [
        f"{n} {_PHRASES[outcome][n != 1]}"
        for outcome in _PHRASES
        if (n := result.counts.get(outcome, 0))
    ]
    if failed := len(result.failures):
        parts.append(
            f"{failed} con error (queda sin leer)"
            if failed == 1
            else f"{failed} con error (quedan sin leer)"
        )
    line = f"{result.total} {'correo' if result.total == 1 else 'correos'}: {', '.join(parts)}"
    if result.remaining:
        line += f"; {result.remaining} pendientes para la siguiente vuelta (--limit)"
    return line


class Command(BaseCommand):
    help = (
        "Lee los correos no leídos de un buzón IMAP (IMAP_URL) y los agrega a la mesa de ayuda; "
        "cada uno se marca como leído sólo después de registrarlo."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--url",
            help="imap://usuario:contraseña@servidor:143/INBOX o imaps://…; por omisión IMAP_URL.",
        )
        parser.add_argument(
            "--limit",
            type=int,
            default=DEFAULT_LIMIT,
            help=f"Máximo de correos por vuelta (por omisión {DEFAULT_LIMIT}).",
        )
        parser.add_argument(
            "--loop",
            type=int,
            metavar="SEGUNDOS",
            help="Repetir cada SEGUNDOS hasta que se interrumpa (Ctrl-C).",
        )

    def handle(self, *args, url=None, limit=DEFAULT_LIMIT, loop=None, **options):
        url = url or settings.IMAP_URL
        if not url:
            raise CommandError(
                "No hay buzón configurado: define la variable IMAP_URL o usa --url imap://usuario:contraseña@servidor/INBOX."
            )
        if limit < 1:
            raise CommandError("--limit debe ser al menos 1.")
        if loop is not None and loop < 1:
            raise CommandError("--loop debe ser al menos 1 segundo.")
        try:
            parse_imap_url(url)  # a wrong URL stops here, not on every turn of --loop
        except ImapError as exc:
            raise CommandError(str(exc)) from exc
        if loop is None:
            self._run_once(url, limit)
            return
        try:
            while True:
                try:
                    self._run_once(url, limit)
                except CommandError as exc:
                    if isinstance(exc.__cause__, ImapLoginError):
                        raise  # the password will not fix itself
                    self.stderr.write(f"{exc} Se reintenta en {loop} s.")
                close_old_connections()  # a long-running process must not keep a dead database connection
                time.sleep(loop)
        except KeyboardInterrupt:
            self.stdout.write("Interrumpido.")

    def _run_once(self, url: str, limit: int) -> None:
        try:
            result = fetch_email(url, limit=limit)
        except ImapError as exc:
            raise CommandError(str(exc)) from exc
        for failure in result.failures:
            self.stderr.write(f"UID {failure.uid}: {failure.error}")
        self.stdout.write(summary(result))
