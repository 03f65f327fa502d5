"""Routing rules: every new ticket gets a team (and a category where a rule gives one), from the
portal, e-mail, the API and the staff form left empty; administrators edit the rules."""

import json

import pytest
from django.test import Client

from cfdidesk.accounts import roles
from cfdidesk.accounts.services import token_create, user_create
from cfdidesk.audit.models import AuditEntry
from cfdidesk.customers.rules import search_key
from cfdidesk.customers.services import contact_create
from cfdidesk.desk.inbox.services import email_receive
from cfdidesk.desk.models import Category, RoutingRule, Team, Ticket, TicketEvent
from cfdidesk.desk.routing.rules import Arrival, first_match, keyword_pattern
from cfdidesk.desk.routing.services import routing_rule_create, routing_rule_update
from tests.desk.test_mail_in import raw_mail


@pytest.fixture
def teams(db):
    return {
        "support": Team.objects.get(name="Soporte facturación"),
        "implementation": Team.objects.create(name="Implementación"),
        "payroll": Team.objects.create(name="Nómina"),
    }


@pytest.fixture
def category():
    return {c.name: c for c in Category.objects.all()}


@pytest.fixture
def rules(actor, teams, category):
    return [
        routing_rule_create(
            actor=actor,
            name="Timbrado",
            position=10,
            keywords="timbre, timbrar, PAC",
            team=teams["support"],
            set_category=category["Comprobación de timbrado"],
        ),
        routing_rule_create(
            actor=actor,
            name="Capacitación",
            position=20,
            kind="request",
            keywords="capacitación",
            team=teams["implementation"],
            set_category=category["Entrenamiento adicional"],
        ),
        routing_rule_create(
            actor=actor, name="Portal", position=30, channel="portal", team=teams["payroll"]
        ),
        routing_rule_create(actor=actor, name="Todo lo demás", position=99, team=teams["support"]),
    ]


def arrival(subject, **kw):
    values = {"channel": "phone", "kind": "incident", "category_id": None, "company_id": 1}
    values.update(kw)
    return Arrival(subject=subject, **values)


@pytest.mark.parametrize(
    ("subject", "hit"),
    [
        ("No puedo TIMBRAR la factura", True),
        ("Timbré dos veces la misma factura", True),  # accents do not matter
        ("Los timbres no llegan", False),  # another word
        ("El timbre no llegó", True),
        ("Error del pac: 301", True),
        ("Impacto en la operación", False),  # "pac" inside a word is not the keyword
        ("TIMBRE", True),
        ("", False),
    ],
)
def test_keywords_match_whole_words_without_case_or_accents(subject, hit):
    pattern = keyword_pattern("timbre, timbrar, PAC")
    assert (pattern.search(search_key(subject)) is not None) is hit


def test_accents_in_the_rule_or_the_subject_do_not_matter():
    class Rule:
        channel = kind = ""
        category_id = company_id = None
        keywords = "capacitación, baja de nómina"

    assert first_match([Rule()], arrival("CAPACITACION para dos personas")) is not None
    assert first_match([Rule()], arrival("Solicito la baja  de   NÓMINA")) is not None
    assert first_match([Rule()], arrival("Capacitaciones")) is None


def test_first_matching_rule_in_position_order_wins(rules, make_ticket, teams, category):
    ticket = make_ticket(subject="Capacitación para timbrar", kind="request", channel="portal")
    # "Timbrado" (position 10) is tried before "Capacitación" (20) and matches first; its
    # category is an incident's, so the request keeps no category from it.
    assert ticket.team == teams["support"] and ticket.category is None
    routing_rule_update(actor=None, rule=rules[1], position=5)
    ticket = make_ticket(subject="Capacitación para timbrar", kind="request", channel="portal")
    assert ticket.team == teams["implementation"]
    assert ticket.category == category["Entrenamiento adicional"]


def test_a_ticket_from_each_channel_gets_a_team_and_category(
    rules, teams, category, company, actor, settings
):
    settings.HELPDESK_EMAIL = "soporte@mesa.example"
    laura = contact_create(
        actor=actor, company=company, data={"name": "Laura", "email": "laura@centro.mx"}
    )
    # e-mail
    record = email_receive(raw=raw_mail(subject="El PAC no responde"))
    assert record.ticket.team == teams["support"]
    assert record.ticket.category == category["Comprobación de timbrado"]
    # portal: a contact with portal access opens one from the form
    user = user_create(username="laura", password="una-clave-segura-123", role=roles.PORTAL)
    laura.user = user
    laura.save()
    portal = Client()
    portal.force_login(user)
    response = portal.post(
        "/portal/nuevo/",
        {"subject": "La factura sale sin dirección", "kind": "incident", "description": "x"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    ticket = Ticket.objects.get(subject="La factura sale sin dirección")
    assert ticket.team == teams["payroll"] and ticket.channel == "portal"
    # API
    staff = make_staff_client()
    created = staff.post(
        "/api/v1/tickets",
        data=json.dumps({"company_id": company.pk, "subject": "Capacitación", "kind": "request"}),
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    assert created.json()["team"]["name"] == "Implementación"
    assert created.json()["category"]["name"] == "Entrenamiento adicional"


def make_staff_client() -> Client:
    user = user_create(username="api-consultor", password="una-clave-segura-123", role="consultant")
    _token, clear = token_create(user=user, name="t")
    return Client(HTTP_AUTHORIZATION=f"Bearer {clear}")


def test_the_staff_form_left_empty_is_routed_and_a_chosen_team_is_kept(
    rules, teams, category, company, client_as
):
    client = client_as(roles.CONSULTANT)
    form = {
        "company": f"{company.legal_name} (#{company.pk})",
        "subject": "No puedo timbrar",
        "channel": "phone",
        "kind": "incident",
        "priority": 3,
    }
    assert client.post("/tickets/nuevo/", form).status_code == 302
    routed = Ticket.objects.get()
    assert routed.team == teams["support"]
    assert routed.category == category["Comprobación de timbrado"]
    client.post("/tickets/nuevo/", {**form, "team": teams["payroll"].pk})
    chosen = Ticket.objects.exclude(pk=routed.pk).get()
    # The consultant's team stands; the empty category is still filled in by the rule.
    assert chosen.team == teams["payroll"]
    assert chosen.category == category["Comprobación de timbrado"]


def test_routing_is_recorded_on_the_timeline_for_staff_only(rules, make_ticket, client_as):
    ticket = make_ticket(subject="El PAC no responde")
    entry = TicketEvent.objects.get(ticket=ticket, kind=TicketEvent.Kind.ROUTING)
    assert not entry.is_public
    assert entry.data == {
        "team": "Soporte facturación",
        "category": "Comprobación de timbrado",
        "rule": "Timbrado",
        "rule_id": rules[0].pk,
    }
    page = client_as(roles.CONSULTANT).get(f"/tickets/{ticket.number}/").content.decode()
    assert "Asignado al equipo «Soporte facturación» por la regla «Timbrado»" in page
    assert "categoría «Comprobación de timbrado» por la regla «Timbrado»" in page


def test_a_ticket_with_team_and_category_is_not_routed(rules, make_ticket, teams, category):
    chosen = make_ticket(team=teams["payroll"], category=category["Errores en XML"])
    assert chosen.team == teams["payroll"]
    assert not TicketEvent.objects.filter(ticket=chosen, kind=TicketEvent.Kind.ROUTING).exists()


def test_the_rule_without_conditions_is_the_default_team(rules, make_ticket, teams):
    ticket = make_ticket(subject="Consulta sobre el reporte")
    assert ticket.team == teams["support"]
    assert TicketEvent.objects.get(ticket=ticket, kind="routing").data["rule"] == "Todo lo demás"


def test_without_any_rule_the_first_active_team_takes_the_ticket(make_ticket, teams, client_as):
    teams["implementation"].is_active = False
    teams["implementation"].save()
    ticket = make_ticket(subject="Consulta sobre el reporte")
    # Active teams by name: "Nómina" before "Soporte facturación".
    assert ticket.team == teams["payroll"]
    entry = TicketEvent.objects.get(ticket=ticket, kind="routing")
    assert entry.data["rule"] is None and entry.data["team"] == "Nómina"
    page = client_as(roles.CONSULTANT).get(f"/tickets/{ticket.number}/").content.decode()
    assert "ninguna regla coincidió (equipo predeterminado)" in page


def test_a_rule_whose_team_was_switched_off_is_skipped(rules, make_ticket, teams):
    teams["support"].is_active = False
    teams["support"].save()
    ticket = make_ticket(subject="El PAC no responde")  # "Timbrado" → inactive team: skipped
    assert ticket.team == teams["implementation"]  # first active team by name, no rule left


def test_rules_by_company_and_category(actor, teams, category, make_company, make_ticket, company):
    from tests.conftest import moral_rfc

    other = make_company(legal_name="Otra, S.A. de C.V.", rfc=moral_rfc(40), email="o@otra.mx")
    routing_rule_create(actor=actor, name="Cliente VIP", company=other, team=teams["payroll"])
    routing_rule_create(
        actor=actor,
        name="XML",
        category=category["Errores en XML"],
        team=teams["implementation"],
    )
    assert make_ticket(company=other).team == teams["payroll"]
    assert make_ticket(category=category["Errores en XML"]).team == teams["implementation"]
    assert make_ticket().team == teams["implementation"]  # no rule: the first active team


def test_ticket_creation_reads_the_rules_once_whatever_their_number(actor, teams, make_ticket):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def cost():
        with CaptureQueriesContext(connection) as captured:
            make_ticket(subject="Sin palabras clave")
        return len(captured.captured_queries)

    routing_rule_create(actor=actor, name="Uno", keywords="nada", team=teams["support"])
    make_ticket()  # the year's counter and the compiled calendar are made once
    few = cost()
    for n in range(30):
        routing_rule_create(actor=actor, name=f"Regla {n}", keywords=f"k{n}", team=teams["payroll"])
    for _n in range(20):
        make_ticket()
    assert cost() == few


def test_rule_checks_refuse_with_spanish_messages(actor, teams, category):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as info:
        routing_rule_create(
            actor=actor,
            name=" ",
            kind="request",
            category=category["Errores en XML"],
            keywords=", ".join(f"p{n}" for n in range(40)),
            team=teams["support"],
        )
    errors = info.value.message_dict
    assert errors["name"] == ["Escribe un nombre para la regla."]
    assert errors["category"] == ["La categoría «Errores en XML» no es del tipo elegido."]
    assert errors["keywords"] == ["Máximo 30 palabras clave por regla."]
    teams["payroll"].is_active = False
    teams["payroll"].save()
    with pytest.raises(ValidationError) as info:
        routing_rule_create(actor=actor, name="X", team=teams["payroll"])
    assert "está inactivo" in info.value.message_dict["team"][0]
    assert not RoutingRule.objects.exists()


def test_administrators_edit_rules_through_the_audited_service(
    admin_client, teams, category, company
):
    page = admin_client.get("/administracion/desk/routingrule/")
    assert page.status_code == 200
    warning = "No hay una regla activa sin condiciones"
    assert warning in page.content.decode()
    response = admin_client.post(
        "/administracion/desk/routingrule/add/",
        {
            "name": "Cliente del centro",
            "position": 5,
            "is_active": "on",
            "channel": "",
            "kind": "",
            "category": "",
            "company": company.rfc.lower(),
            "keywords": "factura;  XML",
            "team": teams["implementation"].pk,
            "set_category": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    rule = RoutingRule.objects.get()
    assert rule.company == company and rule.keywords == "factura, XML"
    assert AuditEntry.objects.filter(action="routing_rule.create", target_id=str(rule.pk)).exists()
    bad = admin_client.post(
        "/administracion/desk/routingrule/add/",
        {"name": "X", "position": 1, "company": "AAA010101AAA", "team": teams["support"].pk},
    )
    assert (
        bad.status_code == 200
        and "Ningún cliente tiene el RFC AAA010101AAA." in bad.content.decode()
    )
    admin_client.post(
        "/administracion/desk/routingrule/add/",
        {"name": "Todo", "position": 99, "is_active": "on", "team": teams["support"].pk},
    )
    assert warning not in admin_client.get("/administracion/desk/routingrule/").content.decode()
    admin_client.post(f"/administracion/desk/routingrule/{rule.pk}/delete/", {"post": "yes"})
    assert AuditEntry.objects.filter(action="routing_rule.delete", target_id=str(rule.pk)).exists()


def test_the_last_active_team_cannot_be_switched_off(admin_client, db):
    Team.objects.exclude(name="Soporte facturación").update(is_active=False)
    team = Team.objects.get(name="Soporte facturación")
    response = admin_client.post(
        f"/administracion/desk/team/{team.pk}/change/", {"name": team.name}
    )
    assert response.status_code == 200
    assert "Debe quedar al menos un equipo activo" in response.content.decode()
    team.refresh_from_db()
    assert team.is_active
    assert admin_client.get(f"/administracion/desk/team/{team.pk}/delete/").status_code == 403
