"""Administración → Usuarios: accounts, roles, deactivation, set-password links; services and pages."""

import re

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client

from cfdidesk.accounts import roles
from cfdidesk.accounts.services import (
    password_link_send,
    password_set,
    token_create,
    user_create,
    user_deactivate,
    user_reactivate,
    user_update,
)
from cfdidesk.audit.models import AuditEntry

PASSWORD = "una-clave-segura-123"
User = get_user_model()


def link_in(message) -> str:
    return re.search(r"https?://\S+/cuenta/clave/\S+/", message.body).group(0)


def path_of(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


def refusal(exc_info) -> str:
    return " ".join(m for ms in exc_info.value.message_dict.values() for m in ms)


# --- services ---------------------------------------------------------------------------------


def test_a_user_gets_several_roles_and_the_creation_is_audited(actor):
    user = user_create(
        actor=actor,
        username="sofia",
        password=PASSWORD,
        roles=[roles.CONSULTANT, roles.BILLING],
        email="Sofia@Mesa.mx",
    )
    assert roles.roles_of(user) == {roles.CONSULTANT, roles.BILLING}
    assert user.email == "sofia@mesa.mx"
    entry = AuditEntry.objects.get(action="user.create", target_id=str(user.pk))
    assert entry.actor == actor and PASSWORD not in str(entry.changes)


@pytest.mark.parametrize(
    ("kwargs", "field", "text"),
    [
        ({"username": "CARLA"}, "username", "Ya existe un usuario con ese nombre."),
        ({"email": "CARLA@mesa.mx"}, "email", "Ya existe un usuario con el correo carla@mesa.mx."),
        ({"email": "no-es-correo"}, "email", "no es un correo electrónico válido"),
        ({"username": "con espacio"}, "username", "sin espacios"),
        ({"password": "12345678"}, "password", "totalmente numérica"),
        ({"password": "corta"}, "password", "demasiado corta"),
        ({"password": "password"}, "password", "muy común"),
        ({"password_again": "otra-cosa-distinta"}, "password", "no coinciden"),
        ({"roles": []}, "roles", "Elige al menos un rol."),
        ({"roles": ["jefe"]}, "roles", "Rol desconocido: jefe"),
        ({"roles": [roles.PORTAL, roles.CONSULTANT]}, "roles", "no puede tener también un rol"),
        ({"email": "", "invite": True}, "email", "Escribe el correo electrónico."),
    ],
)
def test_refusals_are_in_spanish_and_create_nothing(make_user, kwargs, field, text):
    make_user(roles.CONSULTANT, username="carla", email="carla@mesa.mx")
    data = {
        "username": "nuevo",
        "email": "nuevo@mesa.mx",
        "password": "una-clave-larga-2026",
        "password_again": kwargs.get("password", "una-clave-larga-2026"),
        "roles": [roles.CONSULTANT],
    }
    data.update(kwargs)
    before = User.objects.count()
    with pytest.raises(Exception) as exc_info:
        user_create(**data)
    assert field in exc_info.value.message_dict
    assert text in refusal(exc_info)
    assert User.objects.count() == before


def test_an_invitation_sets_a_password_once_and_the_link_expires(
    actor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        user = user_create(
            actor=actor, username="nuevo", email="nuevo@mesa.mx", role=roles.SUPERVISOR, invite=True
        )
    assert not user.has_usable_password()
    (message,) = mail.outbox
    assert message.to == ["nuevo@mesa.mx"]
    assert message.subject == "Tu acceso a CFDI Desk"
    assert "caduca en 72 horas" in message.body
    url = path_of(link_in(message))
    client = Client()
    page = client.get(url)
    assert page.status_code == 200 and "Elige tu contraseña" in page.content.decode()

    weak = client.post(url, {"password": "123", "password_again": "123"})
    assert "demasiado corta" in weak.content.decode()
    response = client.post(
        url, {"password": "mi-clave-nueva-2026", "password_again": "mi-clave-nueva-2026"}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("mi-clave-nueva-2026")
    assert not user.password.startswith("mi-clave")  # hashed, never in clear
    again = client.get(url)
    assert again.status_code == 410 and "ya no sirve" in again.content.decode()
    assert (
        client.post(
            "/cuenta/entrar/", {"username": "nuevo", "password": "mi-clave-nueva-2026"}
        ).status_code
        == 302
    )


def test_a_reset_link_expires_after_its_hours(actor, make_user, django_capture_on_commit_callbacks):
    user = make_user(roles.CONSULTANT, username="carla", email="carla@mesa.mx")
    with time_machine.travel("2026-03-02 10:00 -06:00", tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            password_link_send(actor=actor, user=user)
        url = path_of(link_in(mail.outbox[-1]))
        assert "Restablece tu contraseña" in mail.outbox[-1].subject
    with time_machine.travel("2026-03-05 09:00 -06:00", tick=False):  # 71 hours later
        assert Client().get(url).status_code == 200
    with time_machine.travel("2026-03-05 11:00 -06:00", tick=False):  # 73 hours later
        response = Client().get(url)
        assert response.status_code == 410
        with pytest.raises(Exception) as exc_info:
            uid, token = url.rstrip("/").split("/")[-2:]
            password_set(
                uidb64=uid,
                token=token,
                password="otra-clave-2026",
                password_again="otra-clave-2026",
            )
        assert "caducó o ya se usó" in refusal(exc_info)


def test_the_link_e_mail_goes_only_after_the_commit(
    actor, make_user, django_capture_on_commit_callbacks
):
    user = make_user(roles.CONSULTANT, username="carla", email="carla@mesa.mx")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        password_link_send(actor=actor, user=user)
    assert mail.outbox == [] and len(callbacks) == 1


def test_last_administrator_keeps_the_role_and_cannot_be_deactivated(make_user):
    admin = make_user(roles.ADMINISTRATOR, username="unica")
    other = make_user(roles.CONSULTANT, username="carla")
    with pytest.raises(Exception) as exc_info:
        user_update(
            actor=admin, user=admin, email="", first_name="", last_name="", roles=[roles.SUPERVISOR]
        )
    assert "último administrador" in refusal(exc_info)
    with pytest.raises(Exception) as exc_info:
        user_deactivate(actor=other, user=admin)
    assert "último administrador" in refusal(exc_info)
    with pytest.raises(Exception) as exc_info:
        user_deactivate(actor=admin, user=admin)
    assert "tu propia cuenta" in refusal(exc_info)
    admin.refresh_from_db()
    assert admin.is_active and roles.roles_of(admin) == {roles.ADMINISTRATOR}

    second = make_user(roles.ADMINISTRATOR, username="segunda")
    user_update(
        actor=second, user=admin, email="", first_name="", last_name="", roles=[roles.SUPERVISOR]
    )
    admin.refresh_from_db()
    assert roles.roles_of(admin) == {roles.SUPERVISOR}


def test_a_deactivated_user_cannot_sign_in_nor_use_tokens_and_keeps_history(actor, make_user):
    carla = make_user(roles.CONSULTANT, username="carla")
    _token, clear = token_create(user=carla, name="ERP")
    session = Client()
    session.force_login(carla)
    user_deactivate(actor=actor, user=carla)
    assert User.objects.filter(pk=carla.pk).exists()
    assert (
        Client().post("/cuenta/entrar/", {"username": "carla", "password": PASSWORD}).status_code
        == 200
    )
    assert session.get("/").status_code == 302  # the open session ends too
    assert Client(HTTP_AUTHORIZATION=f"Bearer {clear}").get("/api/v1/companies").status_code == 401
    user_reactivate(actor=actor, user=carla)
    assert (
        Client().post("/cuenta/entrar/", {"username": "carla", "password": PASSWORD}).status_code
        == 302
    )
    actions = list(
        AuditEntry.objects.filter(target_id=str(carla.pk), target_type="auth.user").values_list(
            "action", flat=True
        )
    )
    assert {"user.deactivate", "user.reactivate"} <= set(actions)


# --- pages ------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [roles.CONSULTANT, roles.SUPERVISOR, roles.BILLING, roles.PORTAL])
def test_only_administrators_reach_the_users_pages(client_as, role):
    client = client_as(role)
    assert client.get("/administracion/usuarios/").status_code == 403
    assert client.post("/administracion/usuarios/nuevo/", {"username": "x"}).status_code == 403


def test_the_list_finds_part_of_an_e_mail_and_filters_by_role(admin_client, make_user):
    make_user(roles.CONSULTANT, username="carla", email="carla.cortes@mesa.mx", first_name="Carla")
    make_user(roles.BILLING, username="fer", email="fernando@mesa.mx")
    html = admin_client.get("/administracion/usuarios/", {"q": "cortes@me"}).content.decode()
    assert "carla" in html and "fernando@" not in html
    html = admin_client.get("/administracion/usuarios/", {"rol": roles.BILLING}).content.decode()
    assert "fernando@mesa.mx" in html and "carla.cortes" not in html


def test_the_list_runs_the_same_queries_for_5_or_40_users(
    admin_client, make_user, django_assert_max_num_queries
):
    for _i in range(4):
        make_user(roles.CONSULTANT)
    with django_assert_max_num_queries(8) as few:
        admin_client.get("/administracion/usuarios/")
    for _i in range(35):
        make_user(roles.SUPERVISOR)
    with django_assert_max_num_queries(len(few.captured_queries)):
        admin_client.get("/administracion/usuarios/")


def test_the_administrator_creates_a_consultant_with_an_invitation(
    admin_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            "/administracion/usuarios/nuevo/",
            {
                "username": "raul",
                "first_name": "Raúl",
                "last_name": "Reyes",
                "email": "raul@mesa.mx",
                "roles": [roles.CONSULTANT],
            },
        )
    user = User.objects.get(username="raul")
    assert (
        response.status_code == 302
        and response["Location"] == f"/administracion/usuarios/{user.pk}/"
    )
    assert roles.roles_of(user) == {roles.CONSULTANT}
    assert mail.outbox[-1].to == ["raul@mesa.mx"]
    page = admin_client.get(response["Location"]).content.decode()
    assert "Le enviamos un correo para que elija su contraseña." in page
    assert "Sin definir (espera su enlace)" in page


def test_the_form_shows_the_refusals_and_never_echoes_a_password(admin_client, make_user):
    make_user(roles.CONSULTANT, username="carla", email="carla@mesa.mx")
    html = admin_client.post(
        "/administracion/usuarios/nuevo/",
        {
            "username": "carla",
            "email": "carla@mesa.mx",
            "roles": [],
            "password": "secreto-de-prueba-9",
            "password_again": "secreto-de-prueba-9",
        },
    ).content.decode()
    assert "Ya existe un usuario con ese nombre." in html
    assert "Ya existe un usuario con el correo carla@mesa.mx." in html
    assert "Elige al menos un rol." in html
    assert "secreto-de-prueba-9" not in html


def test_the_administrator_edits_deactivates_and_resets(
    admin_client, make_user, django_capture_on_commit_callbacks
):
    carla = make_user(roles.CONSULTANT, username="carla", email="carla@mesa.mx")
    url = f"/administracion/usuarios/{carla.pk}/"
    response = admin_client.post(
        url,
        {
            "first_name": "Carla",
            "last_name": "Cortés",
            "email": "carla.c@mesa.mx",
            "roles": [roles.CONSULTANT, roles.SUPERVISOR],
        },
    )
    assert response.status_code == 302
    carla.refresh_from_db()
    assert carla.get_full_name() == "Carla Cortés" and carla.email == "carla.c@mesa.mx"
    assert roles.roles_of(carla) == {roles.CONSULTANT, roles.SUPERVISOR}
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(f"{url}restablecer/")
    assert mail.outbox[-1].to == ["carla.c@mesa.mx"] and "/cuenta/clave/" in mail.outbox[-1].body
    admin_client.post(f"{url}desactivar/")
    carla.refresh_from_db()
    assert not carla.is_active
    html = admin_client.get(url).content.decode()
    assert "Desactivado" in html and "desactivó la cuenta" in html
    admin_client.post(f"{url}reactivar/")
    carla.refresh_from_db()
    assert carla.is_active


def test_the_page_refuses_to_deactivate_the_last_administrator(client_as, make_user):
    admin_client = client_as(roles.ADMINISTRATOR)
    admin = User.objects.get(groups__name=roles.ADMINISTRATOR)
    # Another administrator session to try it on the only administrator left.
    response = admin_client.post(
        f"/administracion/usuarios/{admin.pk}/",
        {"first_name": "", "last_name": "", "email": "", "roles": [roles.CONSULTANT]},
    )
    assert "último administrador" in response.content.decode()
    admin.refresh_from_db()
    assert roles.roles_of(admin) == {roles.ADMINISTRATOR}


def test_unknown_user_is_404_and_bad_params_are_ignored(admin_client):
    assert admin_client.get("/administracion/usuarios/999999/").status_code == 404
    response = admin_client.get(
        "/administracion/usuarios/", {"pagina": "x" * 30, "estado": "raro", "rol": "nadie"}
    )
    assert response.status_code == 200


def test_bad_set_password_links_answer_410(db):
    for url in (
        "/cuenta/clave/xx/yy/",
        "/cuenta/clave/MQ/abc-def/",
        "/cuenta/clave/" + "9" * 40 + "/t/",
    ):
        response = Client().get(url)
        assert response.status_code == 410, url
    assert (
        Client().post("/cuenta/clave/MQ/abc/", {"password": "a", "password_again": "a"}).status_code
        == 410
    )
