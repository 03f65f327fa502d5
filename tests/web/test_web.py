import re

import pytest

from cfdidesk.accounts import roles


def test_home_shows_catalog_figures(admin_client, make_company):
    make_company()
    html = admin_client.get("/").content.decode()
    assert "Tickets abiertos" in html and "Críticos abiertos" in html


def test_pages_load_htmx_and_our_stylesheet_locally(admin_client, client):
    html = admin_client.get("/clientes/").content.decode()
    srcs = re.findall(r'(?:src|href)="([^"]+\.(?:js|css))"', html)
    assert any("django_htmx" in s and "htmx" in s for s in srcs)
    assert any(s.endswith("web/app.css") for s in srcs)
    assert all(s.startswith("/static/") for s in srcs), srcs
    for src in srcs:
        assert client.get(src).status_code == 200, src


def test_navigation_follows_the_role(client_as):
    consultant = client_as(roles.CONSULTANT).get("/").content.decode()
    assert "Clientes" in consultant and "Carga masiva" not in consultant
    billing = client_as(roles.BILLING).get("/").content.decode()
    assert "Carga masiva" in billing


@pytest.mark.parametrize(
    "language, text",
    [("es-mx", "Buscar"), ("en", "Search"), ("it", "Cerca")],
)
def test_interface_speaks_the_chosen_language(admin_client, language, text):
    admin_client.post("/i18n/setlang/", {"language": language, "next": "/clientes/"})
    html = admin_client.get("/clientes/").content.decode()
    assert f'lang="{language}"' in html
    assert f">{text}</button>" in html


def test_spanish_is_the_default(admin_client):
    html = admin_client.get("/clientes/").content.decode()
    assert 'lang="es-mx"' in html and "Agregar cliente" in html


def test_health(client):
    assert client.get("/salud/").json() == {"status": "ok"}


def test_an_english_browser_still_gets_spanish_until_the_user_chooses(admin_client):
    html = admin_client.get("/clientes/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="es-mx"' in html and "Agregar cliente" in html
