"""Spanish that reads as Mexican Spanish (issue 10): the log-in error, the error pages (also with
DEBUG on), dates without capitals, the catalogs' names, a survey that pre-selects nothing."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client, RequestFactory
from django.utils import formats, timezone, translation

from cfdidesk.accounts import roles
from cfdidesk.desk.models import Category, Status
from cfdidesk.web.errors import server_error

SPAIN_OR_ENGLISH = re.compile(
    r"introduzca|Por favor|clave correctos|Page not found|Not Found|Forbidden|Server Error|"
    r"Añadir|añadir|is active",
)


def test_a_wrong_password_is_told_in_mexican_spanish(make_user):
    make_user(roles.CONSULTANT, username="carla")
    page = Client().post("/cuenta/entrar/", {"username": "carla", "password": "mala"})
    html = page.content.decode()
    assert "El usuario o la contraseña no son correctos" in html
    assert not SPAIN_OR_ENGLISH.search(html)


@pytest.mark.parametrize("debug", [False, True])
def test_a_page_that_does_not_exist_is_our_spanish_page(client_as, settings, debug):
    settings.DEBUG = debug
    for url in ("/no-existe/", "/tickets/2099-999999/"):
        response = client_as(roles.CONSULTANT).get(url)
        html = response.content.decode()
        assert response.status_code == 404 and "No encontramos esta página" in html, url
        assert "Buscar un ticket" in html and not SPAIN_OR_ENGLISH.search(html), url


def test_an_expired_survey_keeps_its_own_page_with_debug(settings, db):
    settings.DEBUG = True
    html = Client().get("/encuesta/no-es-un-token/").content.decode()
    assert "No pudimos abrir la encuesta" in html


def test_forbidden_csrf_and_server_error_pages_are_spanish(client_as, db):
    forbidden = client_as(roles.PORTAL).get("/tickets/")
    assert forbidden.status_code == 403 and "No tienes permiso" in forbidden.content.decode()
    refused = Client(enforce_csrf_checks=True).post("/cuenta/entrar/", {"username": "x"})
    assert refused.status_code == 403 and "La página caducó" in refused.content.decode()
    failed = server_error(RequestFactory().get("/"))
    html = failed.content.decode()
    assert failed.status_code == 500 and "Algo falló de nuestro lado" in html
    assert not SPAIN_OR_ENGLISH.search(html + refused.content.decode())


def test_dates_are_written_without_capitals():
    moment = timezone.make_aware(dt.datetime(2026, 12, 6, 15, 30))
    with translation.override("es-mx"):
        assert formats.date_format(moment, "DATE_FORMAT") == "6 de diciembre de 2026"
        assert formats.date_format(moment, "D d/m H:i") == "dom 06/12 15:30"
        assert formats.date_format(moment, "l j \\d\\e F") == "domingo 6 de diciembre"
        assert formats.date_format(moment, "N") == "dic."


def test_the_catalogs_read_as_mexican_spanish(admin_client):
    names = set(Category.objects.values_list("name", flat=True))
    assert "Personalización del producto" in names and "Customización del producto" not in names
    index = admin_client.get("/administracion/").content.decode()
    assert "Respuestas predefinidas" in index
    listing = admin_client.get("/administracion/desk/cannedreply/").content.decode()
    assert "Selecciona respuesta predefinida para modificar" in listing
    assert not SPAIN_OR_ENGLISH.search(listing)


def test_the_survey_preselects_nothing_and_asks_when_nothing_is_chosen(actor, make_company):
    from cfdidesk.desk.notify.links import survey_token
    from cfdidesk.desk.tickets.services.tickets import ticket_create
    from cfdidesk.desk.tickets.services.transitions import ticket_transition

    ticket = ticket_create(actor=actor, company=make_company(), subject="No timbra")
    ticket_transition(actor=actor, ticket=ticket, to=Status.RESOLVED)
    ticket.refresh_from_db()
    url = f"/encuesta/{survey_token(ticket)}/"
    html = Client().get(url).content.decode()
    assert "checked" not in html
    answered = Client().post(url, {"rating": "4"}).content.decode()
    assert "Dinos si quedó resuelto" in answered
    ticket.refresh_from_db()
    assert ticket.status == Status.RESOLVED and not ticket.survey_responses.exists()
