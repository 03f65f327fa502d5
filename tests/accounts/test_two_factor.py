"""Two-factor log-in (TOTP and recovery codes), required by role, and the lock-outs of django-axes:
wrong codes count like wrong passwords, and one address trying many usernames is locked out."""

import datetime as dt
import re

import pytest
import time_machine
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from cfdidesk.accounts import roles
from cfdidesk.accounts.selectors import two_factor_roles
from cfdidesk.accounts.services import (
    token_create,
    two_factor_disable,
    two_factor_enrol_confirm,
    two_factor_enrol_start,
    two_factor_roles_set,
)
from cfdidesk.audit.models import AuditEntry

PASSWORD = "una-clave-segura-123"
START = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)


def code_at(device, when: dt.datetime) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = when.timestamp()
    return f"{totp.token():06d}"


def enrol(user, when=START) -> tuple[TOTPDevice, list[str]]:
    with time_machine.travel(when, tick=False):
        device = two_factor_enrol_start(user=user)
        codes = two_factor_enrol_confirm(user=user, code=code_at(device, when))
    device.refresh_from_db()
    return device, codes


def password_step(client, username="carla", password=PASSWORD):
    return client.post("/cuenta/entrar/", {"username": username, "password": password})


@pytest.fixture
def carla(make_user):
    return make_user(roles.CONSULTANT, username="carla", email="carla@mesa.mx")


def test_enrolment_confirms_the_device_and_stores_only_digests_of_the_recovery_codes(carla):
    device, codes = enrol(carla)
    assert device.confirmed
    assert len(codes) == 10 and len(set(codes)) == 10
    assert all(re.fullmatch(r"[a-z2-9]{4}(-[a-z2-9]{4}){3}", c) for c in codes)
    stored = set(StaticToken.objects.filter(device__user=carla).values_list("token", flat=True))
    assert len(stored) == 10
    assert not stored & set(codes) and not stored & {c.replace("-", "") for c in codes}
    assert AuditEntry.objects.filter(action="two_factor.enable", target_id=str(carla.pk)).exists()


def test_a_wrong_enrolment_code_is_refused_in_spanish(carla):
    device = two_factor_enrol_start(user=carla)
    with pytest.raises(Exception) as exc_info:
        two_factor_enrol_confirm(
            user=carla,
            code="000000" if code_at(device, dt.datetime.now(dt.UTC)) != "000000" else "111111",
        )
    assert "El código no es correcto" in str(exc_info.value)
    assert not TOTPDevice.objects.filter(user=carla, confirmed=True).exists()


def test_log_in_asks_for_the_code_after_the_password(carla):
    device, _codes = enrol(carla)
    client = Client()
    later = START + dt.timedelta(minutes=2)
    with time_machine.travel(later, tick=False):
        response = password_step(client)
        assert response.status_code == 302 and response["Location"] == "/cuenta/entrar/codigo/"
        assert client.get("/").status_code == 302  # not signed in yet
        page = client.get("/cuenta/entrar/codigo/").content.decode()
        assert "Verificación en dos pasos" in page
        wrong = client.post("/cuenta/entrar/codigo/", {"code": "12345"})
        assert "El código no es correcto" in wrong.content.decode()
    # django-otp throttles the device for a second after a wrong code.
    with time_machine.travel(later + dt.timedelta(seconds=5), tick=False):
        response = client.post("/cuenta/entrar/codigo/", {"code": code_at(device, later)})
        assert response.status_code == 302 and response["Location"] == "/"
        assert client.get("/").status_code == 200


def test_the_code_step_expires_and_cannot_be_skipped(carla):
    enrol(carla)
    client = Client()
    with time_machine.travel(START + dt.timedelta(minutes=2), tick=False):
        password_step(client)
    with time_machine.travel(START + dt.timedelta(minutes=10), tick=False):
        response = client.post("/cuenta/entrar/codigo/", {"code": "123456"})
        assert response.status_code == 302 and response["Location"] == "/cuenta/entrar/"
    assert Client().get("/cuenta/entrar/codigo/").status_code == 302


def test_a_recovery_code_works_once(carla):
    _device, codes = enrol(carla)
    with time_machine.travel(START + dt.timedelta(minutes=2), tick=False):
        client = Client()
        password_step(client)
        response = client.post(
            "/cuenta/entrar/codigo/", {"code": codes[3].upper().replace("-", " ")}
        )
        assert response.status_code == 302 and client.get("/").status_code == 200
    with time_machine.travel(START + dt.timedelta(minutes=3), tick=False):
        again = Client()
        password_step(again)
        response = again.post("/cuenta/entrar/codigo/", {"code": codes[3]})
        assert response.status_code == 200 and again.get("/").status_code == 302
    assert StaticToken.objects.filter(device__user=carla).count() == 9


def test_wrong_codes_lock_the_user_out_like_wrong_passwords(carla):
    device, _codes = enrol(carla)
    client = Client()
    now = START + dt.timedelta(minutes=2)
    with time_machine.travel(now, tick=False):
        password_step(client)
        statuses = [
            client.post("/cuenta/entrar/codigo/", {"code": "000001"}).status_code for _i in range(5)
        ]
    assert statuses[:4] == [200, 200, 200, 200] and statuses[4] == 429
    with time_machine.travel(now + dt.timedelta(minutes=1), tick=False):
        locked = client.post(
            "/cuenta/entrar/codigo/", {"code": code_at(device, now + dt.timedelta(minutes=1))}
        )
        assert locked.status_code == 429 and "Acceso bloqueado" in locked.content.decode()
        assert client.get("/").status_code == 302
        # The password alone does not get past it either.
        assert password_step(Client()).status_code == 429


def test_one_address_trying_many_usernames_is_locked_out(make_user, settings):
    make_user(roles.CONSULTANT, username="carla")
    limit = settings.AXES_ADDRESS_FAILURE_LIMIT
    assert limit > settings.AXES_FAILURE_LIMIT
    client = Client(REMOTE_ADDR="203.0.113.7")
    statuses = [
        client.post(
            "/cuenta/entrar/", {"username": f"persona{n}", "password": "Verano2026"}
        ).status_code
        for n in range(limit)
    ]
    # Each username failed once, far below the per-user limit; the address reached its own.
    assert statuses == [200] * (limit - 1) + [429]
    locked = client.post("/cuenta/entrar/", {"username": "carla", "password": PASSWORD})
    assert locked.status_code == 429
    html = locked.content.decode()
    assert "Acceso bloqueado temporalmente" in html and "desde esta dirección" in html
    # Another address is not affected.
    assert password_step(Client(REMOTE_ADDR="198.51.100.4")).status_code == 302


def test_a_few_failures_from_one_office_do_not_lock_the_address(make_user):
    make_user(roles.CONSULTANT, username="carla")
    client = Client(REMOTE_ADDR="203.0.113.8")
    for n in range(5):
        client.post("/cuenta/entrar/", {"username": f"colega{n}", "password": "mal"})
    assert password_step(client).status_code == 302


def test_a_role_can_require_it_and_enrolment_comes_first(carla, actor):
    two_factor_roles_set(actor=actor, roles={roles.CONSULTANT})
    client = Client()
    response = password_step(client)
    assert response["Location"] == "/cuenta/seguridad/activar/"
    blocked = client.get("/tickets/")
    assert blocked.status_code == 302 and blocked["Location"] == "/cuenta/seguridad/activar/"
    page = client.get("/cuenta/seguridad/activar/").content.decode()
    assert "Tu rol requiere la verificación en dos pasos" in page and "<svg" in page
    key = re.search(r'data-testid="otp-key">([A-Z2-7 ]+)<', page).group(1)
    device = TOTPDevice.objects.get(user=carla, confirmed=False)
    assert key.replace(" ", "") in __import__("base64").b32encode(device.bin_key).decode()
    done = client.post(
        "/cuenta/seguridad/activar/", {"code": code_at(device, dt.datetime.now(dt.UTC))}
    )
    assert 'data-testid="recovery-codes"' in done.content.decode()
    assert client.get("/tickets/").status_code == 200
    # A required second factor cannot be turned off.
    with pytest.raises(Exception) as exc_info:
        two_factor_disable(user=carla, password=PASSWORD)
    assert "Tu rol requiere" in str(exc_info.value)
    assert AuditEntry.objects.filter(action="two_factor.policy").count() == 1


def test_api_tokens_keep_working_without_the_second_step(carla):
    enrol(carla)
    _token, clear = token_create(user=carla, name="ERP")
    assert Client(HTTP_AUTHORIZATION=f"Bearer {clear}").get("/api/v1/companies").status_code == 200


def test_turning_it_off_needs_the_password(carla):
    enrol(carla)
    with pytest.raises(Exception) as exc_info:
        two_factor_disable(user=carla, password="no-es")
    assert "La contraseña no es correcta." in str(exc_info.value)
    assert TOTPDevice.objects.filter(user=carla).exists()
    client = Client()
    client.force_login(carla)
    client.post("/cuenta/seguridad/desactivar/", {"password": PASSWORD})
    assert not TOTPDevice.objects.filter(user=carla).exists()
    assert not StaticToken.objects.filter(device__user=carla).exists()
    assert password_step(Client()).status_code == 302


def test_new_recovery_codes_replace_the_old_ones(carla):
    _device, codes = enrol(carla)
    client = Client()
    client.force_login(carla)
    html = client.post("/cuenta/seguridad/codigos/", {"password": PASSWORD}).content.decode()
    fresh = re.findall(r"<code>([a-z2-9-]{19})</code>", html)
    assert len(fresh) == 10 and not set(fresh) & set(codes)
    refused = client.post("/cuenta/seguridad/codigos/", {"password": "mala"}, follow=True)
    assert "La contraseña no es correcta." in refused.content.decode()


def test_the_administrator_sets_required_roles_and_removes_a_lost_device(admin_client, carla):
    enrol(carla)
    response = admin_client.post(
        "/administracion/usuarios/verificacion/", {"roles": [roles.SUPERVISOR, roles.ADMINISTRATOR]}
    )
    assert response.status_code == 302
    html = admin_client.get("/administracion/usuarios/").content.decode()
    assert "Verificación en dos pasos obligatoria para: Administrador, Supervisor." in html
    assert "2FA" in html
    admin_client.post(f"/administracion/usuarios/{carla.pk}/quitar-verificacion/")
    assert not TOTPDevice.objects.filter(user=carla).exists()
    assert AuditEntry.objects.filter(action="two_factor.reset", target_id=str(carla.pk)).exists()
    bad = admin_client.post("/administracion/usuarios/verificacion/", {"roles": ["portal"]})
    assert bad.status_code == 200 and "portal no es una de las opciones" in bad.content.decode()
    assert two_factor_roles() == {roles.SUPERVISOR, roles.ADMINISTRATOR}


def test_portal_contacts_do_not_see_the_security_page(client_as):
    assert client_as(roles.PORTAL).get("/cuenta/seguridad/").status_code == 403


def test_the_admin_site_signs_in_through_our_log_in_page(carla, client_as):
    enrol(carla)
    response = Client().get("/administracion/login/?next=/administracion/")
    assert response.status_code == 302
    assert response["Location"] == "/cuenta/entrar/?next=/administracion/"
    posted = Client().post("/administracion/login/", {"username": "carla", "password": PASSWORD})
    assert posted.status_code == 302 and posted["Location"].startswith("/cuenta/entrar/")
    assert client_as(roles.CONSULTANT).get("/administracion/login/").status_code == 403
