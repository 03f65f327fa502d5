import subprocess
import sys

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from cfdidesk import settings as production_settings
from cfdidesk.accounts import roles
from cfdidesk.accounts.models import ApiToken


def test_roles_exist_as_groups(db):
    from django.contrib.auth.models import Group

    assert set(Group.objects.values_list("name", flat=True)) >= set(roles.ROLE_LABELS)


def test_login_and_logout(make_user):
    user = make_user(roles.CONSULTANT, username="carla")
    client = Client()
    response = client.post(
        "/cuenta/entrar/", {"username": "carla", "password": "una-clave-segura-123"}
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    client.post("/cuenta/salir/")
    assert client.get("/").status_code == 302
    assert user.pk


def test_wrong_password_shows_a_spanish_message(make_user):
    make_user(roles.CONSULTANT, username="carla")
    html = (
        Client().post("/cuenta/entrar/", {"username": "carla", "password": "mala"}).content.decode()
    )
    assert (
        "Por favor, introduzca un nombre de usuario y clave correctos" in html
        or "correctos" in html
    )


def test_failed_logins_are_rate_limited(make_user):
    make_user(roles.CONSULTANT, username="carla")
    client = Client()
    for _ in range(5):
        client.post("/cuenta/entrar/", {"username": "carla", "password": "mala"})
    locked = client.post(
        "/cuenta/entrar/", {"username": "carla", "password": "una-clave-segura-123"}
    )
    assert locked.status_code == 429
    assert "bloqueado" in locked.content.decode()
    assert client.get("/").status_code == 302  # still not logged in


def test_passwords_are_hashed_with_argon2(db, settings):
    settings.PASSWORD_HASHERS = production_settings.PASSWORD_HASHERS
    user = get_user_model().objects.create_user("ana", password="una-clave-segura-123")
    assert user.password.startswith("argon2")
    assert user.check_password("una-clave-segura-123")


def test_token_is_created_in_the_ui_shown_once_and_only_its_hash_stored(client_as):
    client = client_as(roles.CONSULTANT)
    html = client.post("/cuenta/tokens/", {"name": "ERP"}).content.decode()
    token = ApiToken.objects.get()
    start = html.index('data-testid="new-token">') + len('data-testid="new-token">')
    clear = html[start : html.index("<", start)]
    assert clear.startswith("cfd_") and token.digest != clear and clear not in token.digest
    assert clear not in client.get("/cuenta/tokens/").content.decode()
    assert Client(HTTP_AUTHORIZATION=f"Bearer {clear}").get("/api/v1/companies").status_code == 200


def test_token_without_name_is_refused(client_as):
    html = client_as(roles.CONSULTANT).post("/cuenta/tokens/", {"name": " "}).content.decode()
    assert "Ponle un nombre" in html and not ApiToken.objects.exists()


def test_create_token_command_prints_a_working_token(make_user, capsys):
    make_user(roles.ADMINISTRATOR, username="ana")
    call_command("create-token", "ana")
    clear = capsys.readouterr().out.strip()
    assert Client(HTTP_AUTHORIZATION=f"Bearer {clear}").get("/api/v1/companies").status_code == 200


def test_create_token_for_unknown_user_fails_clearly(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No existe"):
        call_command("create-token", "nadie")


def test_refuses_to_start_without_secret_key_when_not_debugging(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "DEBUG": "0", "CFDIDESK_VAR_DIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-m", "cfdidesk", "check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr
