from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from cfdidesk.accounts.services import token_create


class Command(BaseCommand):
    help = "Crea un token de API para USERNAME e imprime el token (solo se muestra esta vez)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="línea de comandos")

    def handle(self, *args, username, name, **options):
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No existe un usuario activo «{username}».")
        _token, clear = token_create(user=user, name=name)
        self.stdout.write(clear)
