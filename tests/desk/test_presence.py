"""The collision notice: other staff on the same ticket in the last 30 seconds, viewing or writing
a reply; one small upsert per ping, about one row per person."""

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from cfdidesk.accounts import roles
from cfdidesk.desk.models import TicketPresence
from cfdidesk.desk.queue.services import presence_touch

START = dt.datetime(2026, 11, 24, 17, 0, tzinfo=dt.UTC)


@pytest.fixture
def people(make_user):
    def client(user):
        c = Client()
        c.force_login(user)
        return c

    raul = make_user(roles.CONSULTANT, first_name="Raúl", last_name="Reyes")
    carla = make_user(roles.CONSULTANT, first_name="Carla", last_name="Cortés")
    return {"raul": client(raul), "carla": client(carla), "raul_user": raul}


def ping(client, ticket, **data):
    return client.post(f"/tickets/{ticket.number}/presencia/", data).content.decode()


def test_others_viewing_and_writing_are_shown_for_30_seconds(people, make_ticket):
    ticket = make_ticket()
    with time_machine.travel(START, tick=False):
        assert ping(people["raul"], ticket).strip() == ""  # nobody else
        assert "Raúl Reyes está viendo este ticket" in ping(people["carla"], ticket)
        assert "Carla" not in ping(people["carla"], ticket)  # never oneself
    with time_machine.travel(START + dt.timedelta(seconds=10), tick=False):
        ping(people["raul"], ticket, estado="escribiendo")
        shown = ping(people["carla"], ticket)
        assert "Raúl Reyes está escribiendo una respuesta" in shown
    with time_machine.travel(START + dt.timedelta(seconds=45), tick=False):
        assert "Raúl" not in ping(people["carla"], ticket)  # his page stopped pinging
    with time_machine.travel(START + dt.timedelta(seconds=50), tick=False):
        ping(people["raul"], ticket)  # still there, no longer typing
        assert "Raúl Reyes está viendo este ticket" in ping(people["carla"], ticket)


def test_presence_is_one_row_per_person_and_old_rows_go(people, make_ticket):
    first, second = make_ticket(), make_ticket()
    raul = people["raul_user"]
    with time_machine.travel(START, tick=False):
        for _ in range(5):
            presence_touch(user=raul, ticket=first)
    assert TicketPresence.objects.filter(user=raul).count() == 1
    with time_machine.travel(START + dt.timedelta(hours=2), tick=False):
        presence_touch(user=raul, ticket=second)
        assert list(
            TicketPresence.objects.filter(user=raul).values_list("ticket_id", flat=True)
        ) == [second.pk]
        assert TicketPresence.objects.get(user=raul).seen_at == timezone.now()


def test_a_ping_costs_a_constant_handful_of_queries(
    people, make_ticket, django_assert_max_num_queries
):
    ticket = make_ticket()
    with django_assert_max_num_queries(8):
        ping(people["raul"], ticket)
    for _ in range(3):
        ping(people["carla"], ticket)
    with django_assert_max_num_queries(8):
        ping(people["raul"], ticket, estado="escribiendo")


def test_the_ticket_page_polls_and_pings_while_typing(people, make_ticket):
    ticket = make_ticket()
    page = people["carla"].get(f"/tickets/{ticket.number}/").content.decode()
    assert f'hx-post="/tickets/{ticket.number}/presencia/"' in page
    assert 'hx-trigger="load, every 10s"' in page
    assert "input from:#id_body" in page


def test_portal_contacts_and_strangers_get_no_presence(make_ticket, make_user):
    ticket = make_ticket()
    client = Client()
    client.force_login(make_user(roles.PORTAL))
    assert client.post(f"/tickets/{ticket.number}/presencia/").status_code == 403
    assert Client().post(f"/tickets/{ticket.number}/presencia/").status_code == 302
    assert not TicketPresence.objects.exists()
