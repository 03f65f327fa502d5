"""Background work of accounts: thin, each task calls its service with the ids it was given."""

from django_tasks import task

from .services import password_link_deliver


@task()
def send_password_link(user_id: int, kind: str, language: str = "") -> None:
    password_link_deliver(user_id=user_id, kind=kind, language=language)
