import sys

from django.core.management.base import BaseCommand

from cfdidesk.desk.inbox.services import email_receive


class Command(BaseCommand):
    help = "Lee un correo (RFC 5322) de la entrada estándar y lo agrega a la mesa de ayuda (para la tubería del MTA)."

    def handle(self, *args, **options):
        record = email_receive(raw=sys.stdin.buffer.read())
        ticket = f" #{record.ticket.number}" if record.ticket else ""
        self.stdout.write(f"{record.outcome}{ticket} {record.reason}".strip())
