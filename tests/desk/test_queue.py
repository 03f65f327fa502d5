"""The staff queue: open tickets by what needs attention, saved views per user (filters, sort,
columns; shared or not), the "Vence" and "Última actualización" columns, constant query counts."""

import datetime as dt
import re
from urllib.parse import parse_qs
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test import Client

from cfdidesk.accounts import roles
from cfdidesk.desk.models import Priority, SavedView, Status, Team, Ticket
from cfdidesk.desk.queue.services import saved_view_create
from cfdidesk.desk.tags.services import ticket_tags_set
from cfdidesk.desk.tickets import selectors
from cfdidesk.desk.tickets.services.conversation import ticket_reply
from cfdidesk.desk.tickets.services.transitions import ticket_transition

MX = ZoneInfo("America/Mexico_City")
NOW = dt.datetime(2026, 11, 24, 12, 0, tzinfo=MX)  # a Tuesday, office hours


def at(moment):
    return time_machine.travel(moment, tick=False)


def numbers(response) -> list[str]:
    return re.findall(r'<td><a href="/tickets/([\d-]+)/"><code>', response.content.decode())


@pytest.fixture
def queue(make_ticket, actor):
    """Open tickets with their SLA running, waiting on the customer (no running target), and
    resolved; created at different times and priorities."""
    made = {}
    with at(NOW - dt.timedelta(days=2)):
        made["old_low"] = make_ticket(subject="Baja antigua", priority=Priority.LOW)
        made["waiting_high"] = make_ticket(subject="Espera alta", priority=Priority.HIGH)
        made["waiting_normal"] = make_ticket(subject="Espera normal")
    with at(NOW - dt.timedelta(hours=3)):
        made["normal"] = make_ticket(subject="Normal de hoy")
        made["done"] = make_ticket(subject="Resuelto")
    with at(NOW - dt.timedelta(minutes=30)):
        made["critical"] = make_ticket(subject="Crítico", affects_operation=True)
    with at(NOW - dt.timedelta(hours=1)):
        for key in ("waiting_high", "waiting_normal"):
            ticket_reply(actor=actor, ticket=made[key], body="¿Nos mandas el XML?")
            ticket_transition(actor=actor, ticket=made[key], to=Status.WAITING_CUSTOMER)
        ticket_transition(actor=actor, ticket=made["done"], to=Status.RESOLVED)
    return {k: Ticket.objects.get(pk=t.pk) for k, t in made.items()}


def test_the_default_queue_puts_what_needs_attention_first(queue, client_as):
    running = sorted(
        (t for t in queue.values() if t.sla_due is not None),
        key=lambda t: (t.sla_due, t.priority, t.created_at, t.pk),
    )
    # The critical ticket opened 30 minutes ago is due before older, less urgent ones.
    assert running[0].pk == queue["critical"].pk
    with at(NOW):
        page = client_as(roles.CONSULTANT).get("/tickets/")
    # Running SLA first by due time; then those with no running target, by priority then age.
    assert numbers(page) == [t.number for t in running] + [
        queue["waiting_high"].number,
        queue["waiting_normal"].number,
    ]
    assert 'value="atencion" selected' in page.content.decode()


def test_each_sort_can_still_be_chosen_and_todos_keeps_newest_first(queue, client_as):
    client = client_as(roles.CONSULTANT)
    with at(NOW):
        newest = numbers(client.get("/tickets/", {"orden": "recientes"}))
        everything = numbers(client.get("/tickets/", {"vista": "todos"}))
        bogus = numbers(client.get("/tickets/", {"orden": "<script>"}))
    assert newest[0] == queue["critical"].number
    assert everything[0] == queue["critical"].number and queue["done"].number in everything
    assert bogus == numbers(client.get("/tickets/"))


def _plan(qs) -> str:
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET enable_seqscan = off")
            cursor.execute("EXPLAIN " + sql, params)
            plan = "\n".join(r[0] for r in cursor.fetchall())
            cursor.execute("SET enable_seqscan = on")
            return plan
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        return "\n".join(str(r[-1]) for r in cursor.fetchall())


def test_the_default_queue_is_read_in_index_order(queue, actor):
    qs = selectors.ticket_list(user=actor, view="abiertos", sort="atencion")[:26]
    plan = _plan(qs)
    assert "ticket_open_attention" in plan, plan
    # Walked in page order: no sort of all the open tickets (measured at 1,000,000 tickets by
    # bench/tickets_pages.py list_default).
    assert "TEMP B-TREE" not in plan and "Sort" not in plan, plan


def test_vence_and_last_update_columns(queue, client_as):
    client = client_as(roles.CONSULTANT)
    with at(NOW):
        default = client.get("/tickets/").content.decode()
        chosen = client.get(
            "/tickets/", {"col": ["numero", "vence", "actualizado", "equipo"]}
        ).content.decode()
        bare = client.get("/tickets/", {"col": "numero"}).content.decode()
    assert ">Vence</th>" in default and ">Cliente</th>" in default
    assert "Última actualización</th>" not in default
    assert "Última actualización</th>" in chosen and ">Equipo</th>" in chosen
    assert ">Cliente</th>" not in chosen and ">Prioridad</th>" not in chosen
    assert 'data-testid="due"' in chosen and "Vencido" in chosen
    assert ">Vence</th>" not in bare and ">Asunto</th>" in bare


def test_a_long_unbroken_subject_wraps_inside_its_cell(client_as, make_ticket):
    make_ticket(subject="X" * 200)
    page = client_as(roles.CONSULTANT).get("/tickets/").content.decode()
    assert 'class="col-subject"' in page and "table--tickets" in page
    css = Client().get("/static/web/app.css")
    text = b"".join(css.streaming_content if css.streaming else [css.content]).decode()
    assert re.search(r"\.table--tickets \.col-subject \{[^}]*overflow-wrap: anywhere", text)


def test_a_view_is_saved_from_the_current_list_and_listed_as_a_tab(client_as, make_user, company):
    consultant = make_user(roles.CONSULTANT)
    client = Client()
    client.force_login(consultant)
    team = Team.objects.get(name="Soporte facturación")
    query = f"vista=abiertos&team={team.pk}&orden=prioridad&col=numero&col=vence&pagina=3&x=1"
    response = client.post(
        "/tickets/vistas/", {"name": "  Mis críticos  ", "query": query, "shared": "on"}
    )
    view = SavedView.objects.get()
    assert (view.name, view.filters, view.sort, view.columns, view.shared) == (
        "Mis críticos",
        {"vista": "abiertos", "team": str(team.pk)},
        "prioridad",
        ["vence"],
        True,
    )
    assert response.status_code == 302
    opened = parse_qs(response["Location"].split("?", 1)[1])
    assert opened["guardada"] == [str(view.pk)] and opened["team"] == [str(team.pk)]
    assert opened["col"] == ["numero", "vence"] and opened["orden"] == ["prioridad"]
    page = client.get(response["Location"]).content.decode()
    assert 'data-testid="saved-view-tab"' in page and "Mis críticos" in page
    assert 'aria-current="page" data-testid="saved-view-tab"' in page
    assert ">Vence</th>" in page and ">Cliente</th>" not in page
    assert "Editar «Mis críticos»" in page


def test_saved_view_names_are_checked(client_as, make_user):
    owner = make_user(roles.CONSULTANT)
    saved_view_create(owner=owner, name="Pendientes", query="vista=mios")
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as info:
        saved_view_create(owner=owner, name="pendientes", query="")
    assert info.value.messages == ["Ya tienes una vista llamada «pendientes»."]
    with pytest.raises(ValidationError):
        saved_view_create(owner=owner, name="   ", query="")
    other = make_user(roles.CONSULTANT)
    assert saved_view_create(owner=other, name="Pendientes", query="").pk  # each user their own


def test_shared_views_are_seen_by_the_team_and_edited_only_by_their_owner(make_user):
    owner, colleague = make_user(roles.CONSULTANT), make_user(roles.SUPERVISOR)
    private = saved_view_create(owner=owner, name="Privada", query="vista=mios")
    shared = saved_view_create(owner=owner, name="Del equipo", query="vista=criticos", shared=True)
    client = Client()
    client.force_login(colleague)
    page = client.get("/tickets/").content.decode()
    assert "Del equipo" in page and "Privada" not in page
    opened = client.get("/tickets/", {"guardada": shared.pk, "vista": "criticos"})
    assert "Vista compartida por" in opened.content.decode()
    assert "Editar «Del equipo»" not in opened.content.decode()
    # Somebody else's view: not theirs to change or delete (nor even to know it exists).
    assert client.post(f"/tickets/vistas/{shared.pk}/", {"name": "Mía"}).status_code == 404
    assert client.post(f"/tickets/vistas/{private.pk}/borrar/").status_code == 404
    assert SavedView.objects.filter(name="Del equipo").exists()
    assert client.get("/tickets/", {"guardada": private.pk}).status_code == 200


def test_the_owner_renames_updates_unshares_and_deletes_a_view(make_user, company):
    owner = make_user(roles.CONSULTANT)
    view = saved_view_create(owner=owner, name="Vista", query="vista=mios", shared=True)
    client = Client()
    client.force_login(owner)
    client.post(f"/tickets/vistas/{view.pk}/", {"name": "Renombrada", "query": "vista=todos"})
    view.refresh_from_db()
    assert view.name == "Renombrada" and not view.shared and view.filters == {"vista": "mios"}
    client.post(
        f"/tickets/vistas/{view.pk}/",
        {"name": "Renombrada", "take_filters": "on", "query": "vista=todos&q=4411&orden=antiguos"},
    )
    view.refresh_from_db()
    assert view.filters == {"vista": "todos", "q": "4411"} and view.sort == "antiguos"
    response = client.post(f"/tickets/vistas/{view.pk}/borrar/")
    assert response.status_code == 302 and not SavedView.objects.exists()


def test_tags_filter_the_list_and_show_as_badges(client_as, make_ticket, actor):
    tagged = make_ticket(subject="Con etiqueta")
    make_ticket(subject="Sin etiqueta")
    tag = ticket_tags_set(actor=actor, ticket=tagged, text="Timbrado, urgente")[0]
    client = client_as(roles.CONSULTANT)
    page = client.get("/tickets/", {"tag": tag.pk}).content.decode()
    assert "Con etiqueta" in page and "Sin etiqueta" not in page
    assert '<span class="badge badge--tag">Timbrado</span>' in page
    assert "Sin etiqueta" in client.get("/tickets/", {"tag": "abc"}).content.decode()
    assert client.get("/tickets/", {"tag": "99999999999999999999999"}).status_code == 200


def test_list_queries_stay_constant_with_tags_and_saved_views(
    make_ticket, actor, make_user, django_assert_max_num_queries
):
    user = make_user(roles.CONSULTANT)
    client = Client()
    client.force_login(user)
    ticket = make_ticket()
    ticket_tags_set(actor=actor, ticket=ticket, text="uno")
    saved_view_create(owner=user, name="Primera", query="vista=mios")
    with django_assert_max_num_queries(14) as few:
        client.get("/tickets/")
    for n in range(30):
        ticket = make_ticket(subject=f"Ticket {n}")
        ticket_tags_set(actor=actor, ticket=ticket, text=f"etiqueta {n}, común")
        saved_view_create(owner=user, name=f"Vista {n}", query=f"q={n}", shared=n % 2 == 0)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get("/tickets/").content.decode()
    assert page.count('data-testid="saved-view-tab"') == 31
    assert page.count("badge--tag") >= 24 * 2


def test_saved_view_query_and_columns_ignore_what_they_do_not_know(make_user):
    owner = make_user(roles.CONSULTANT)
    view = saved_view_create(
        owner=owner,
        name="Rara",
        query="vista=abiertos&evil=1&col=numero&col=<b>&col=estado&q=" + "x" * 500,
    )
    assert set(view.filters) == {"vista", "q"} and len(view.filters["q"]) == 100
    assert view.columns == ["estado"]
