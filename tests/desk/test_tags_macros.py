"""Tags on tickets (made on the fly, one tag whatever its case or accents, renamed, merged and
deleted by administrators) and macros (a reply and fields in one click, all or nothing)."""

import json

import pytest
from django.core.exceptions import ValidationError

from cfdidesk.accounts import roles
from cfdidesk.accounts.services import token_create
from cfdidesk.audit.models import AuditEntry
from cfdidesk.desk.models import (
    Macro,
    OutboundEmail,
    Priority,
    Status,
    Tag,
    Team,
    Ticket,
    TicketTag,
)
from cfdidesk.desk.tags.services import tag_delete, tag_rename, tags_merge, ticket_tags_set
from cfdidesk.desk.tickets.services.macros import macro_apply
from cfdidesk.desk.tickets.services.transitions import ticket_transition


def names(ticket) -> list[str]:
    return sorted((t.name for t in Ticket.objects.get(pk=ticket.pk).tags.all()), key=str.lower)


def test_tags_are_made_on_the_fly_and_one_whatever_case_or_accents(make_ticket, actor):
    a, b = make_ticket(), make_ticket()
    ticket_tags_set(actor=actor, ticket=a, text="Timbrado, PAC ,  , timbrado")
    ticket_tags_set(actor=actor, ticket=b, text="TIMBRADO, pác")
    assert names(a) == ["PAC", "Timbrado"] and names(b) == ["PAC", "Timbrado"]
    assert Tag.objects.count() == 2
    entry = a.events.get(kind="tags")
    assert entry.data == {"added": ["Timbrado", "PAC"], "removed": []}
    ticket_tags_set(actor=actor, ticket=a, text="PAC, urgente")
    assert names(a) == ["PAC", "urgente"]
    assert a.events.filter(kind="tags").last().data == {
        "added": ["urgente"],
        "removed": ["Timbrado"],
    }
    ticket_tags_set(actor=actor, ticket=a, text="urgente, pac")  # nothing changes: no entry
    assert a.events.filter(kind="tags").count() == 2


def test_bad_tags_are_refused_and_change_nothing(make_ticket, actor):
    ticket = make_ticket()
    with pytest.raises(ValidationError) as info:
        ticket_tags_set(actor=actor, ticket=ticket, text="ok, " + "x" * 41)
    assert "máximo 40 caracteres" in info.value.messages[0]
    with pytest.raises(ValidationError):
        ticket_tags_set(actor=actor, ticket=ticket, text=", ".join(f"t{n}" for n in range(21)))
    assert not Tag.objects.exists() and not TicketTag.objects.exists()


def test_tags_from_the_ticket_page_show_as_badges(make_ticket, client_as):
    ticket = make_ticket()
    client = client_as(roles.CONSULTANT)
    client.post(f"/tickets/{ticket.number}/etiquetas/", {"tags": "XML, reproceso"})
    page = client.get(f"/tickets/{ticket.number}/").content.decode()
    assert '<span class="badge badge--tag" data-testid="tag">XML</span>' in page
    assert 'value="reproceso, XML"' in page or 'value="XML, reproceso"' in page
    assert "Agregó" in page
    client.post(f"/tickets/{ticket.number}/etiquetas/", {"tags": "x" * 80})
    assert names(ticket) == ["reproceso", "XML"]


def test_tags_over_the_api_set_and_filter(make_ticket, make_user):
    _token, clear = token_create(user=make_user(roles.CONSULTANT), name="t")
    from django.test import Client

    client = Client(HTTP_AUTHORIZATION=f"Bearer {clear}")
    tagged, plain = make_ticket(), make_ticket()
    response = client.put(
        f"/api/v1/tickets/{tagged.number}/tags",
        data=json.dumps({"tags": ["Nómina", "urgente, ya"]}),
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json() == ["Nómina", "urgente ya"]
    tag = Tag.objects.get(name="Nómina")
    listed = client.get("/api/v1/tickets", {"tag": tag.pk}).json()["items"]
    assert [t["number"] for t in listed] == [tagged.number] and listed[0]["tags"] == [
        "Nómina",
        "urgente ya",
    ]
    assert plain.number in [t["number"] for t in client.get("/api/v1/tickets").json()["items"]]
    assert client.get("/api/v1/tickets", {"tag": "abc"}).status_code in (200, 422)
    assert client.get("/api/v1/tickets", {"tag": 2**70}).status_code in (200, 422)
    assert {"id": tag.pk, "name": "Nómina"} in client.get("/api/v1/tags").json()


def test_administrators_rename_merge_and_delete_tags(make_ticket, actor, admin_client):
    a, b, c = make_ticket(), make_ticket(), make_ticket()
    ticket_tags_set(actor=actor, ticket=a, text="timbre")
    ticket_tags_set(actor=actor, ticket=b, text="timbre, timbrado")
    ticket_tags_set(actor=actor, ticket=c, text="timbrado")
    timbre, timbrado = Tag.objects.get(name="timbre"), Tag.objects.get(name="timbrado")
    refused = admin_client.post(
        f"/administracion/desk/tag/{timbre.pk}/change/", {"name": "TIMBRADO"}
    )
    assert "Ya existe la etiqueta «timbrado»" in refused.content.decode()
    response = admin_client.post(
        f"/administracion/desk/tag/{timbre.pk}/change/", {"name": "Timbre", "merge_into": ""}
    )
    assert response.status_code == 302 and Tag.objects.get(pk=timbre.pk).name == "Timbre"
    response = admin_client.post(
        f"/administracion/desk/tag/{timbre.pk}/change/",
        {"name": "Timbre", "merge_into": timbrado.pk},
    )
    assert response.status_code == 302
    assert not Tag.objects.filter(pk=timbre.pk).exists()
    assert names(a) == names(b) == names(c) == ["timbrado"]
    merged = AuditEntry.objects.get(action="tag.merge")
    assert merged.changes == {"merged": "Timbre", "into": "timbrado", "tickets": 1}
    admin_client.post(f"/administracion/desk/tag/{timbrado.pk}/delete/", {"post": "yes"})
    assert not TicketTag.objects.exists()
    assert AuditEntry.objects.filter(action__in=["tag.rename", "tag.delete"]).count() == 2


def test_tag_services_refuse_what_makes_no_sense(actor):
    one = Tag.objects.create(name="uno", key="uno")
    Tag.objects.create(name="dos", key="dos")
    with pytest.raises(ValidationError):
        tag_rename(actor=actor, tag=one, name="DOS")
    with pytest.raises(ValidationError):
        tags_merge(actor=actor, source=one, target=one)
    tag_delete(actor=actor, tag=one)
    assert list(Tag.objects.values_list("name", flat=True)) == ["dos"]


@pytest.fixture
def macro(db):
    team = Team.objects.create(name="Implementación")
    macro = Macro.objects.create(
        name="Pedir XML",
        body="Hola {cliente}: ¿nos mandas el XML del ticket {ticket}? {consultor}",
        status=Status.WAITING_CUSTOMER,
        priority=Priority.HIGH,
        team=team,
    )
    macro.tags.set([Tag.objects.create(name="falta información", key="falta informacion")])
    return macro


def test_a_macro_replies_and_sets_fields_in_one_click(make_ticket, macro, make_user, client_as):
    ticket = make_ticket()
    consultant = make_user(roles.CONSULTANT, first_name="Carla", last_name="Cortés")
    from django.test import Client

    client = Client()
    client.force_login(consultant)
    response = client.post(f"/tickets/{ticket.number}/macro/", {"macro": macro.pk}, follow=True)
    assert "Macro «Pedir XML» aplicada." in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.status == Status.WAITING_CUSTOMER and ticket.priority == Priority.HIGH
    assert ticket.team.name == "Implementación" and names(ticket) == ["falta información"]
    assert ticket.first_response_at is not None
    reply = ticket.events.get(kind="reply")
    assert (
        reply.body
        == f"Hola {ticket.company.legal_name}: ¿nos mandas el XML del ticket #{ticket.number}? Carla Cortés"
    )
    assert OutboundEmail.objects.filter(ticket=ticket, kind="reply").exists() or not ticket.contact
    kinds = list(ticket.events.order_by("id").values_list("kind", flat=True))
    assert kinds[-6:] == ["macro", "reply", "status", "fields", "tags", "status"]
    assert "Aplicó la macro «Pedir XML»" in response.content.decode()


def test_a_refused_step_leaves_the_ticket_as_it_was(make_ticket, macro, actor, client_as):
    ticket = make_ticket()
    ticket_transition(actor=actor, ticket=ticket, to=Status.RESOLVED)
    ticket_transition(actor=actor, ticket=ticket, to=Status.CLOSED)
    before = (ticket.events.count(), Ticket.objects.get(pk=ticket.pk).priority)
    with pytest.raises(ValidationError):
        macro_apply(actor=actor, ticket=ticket, macro=macro)  # a closed ticket is not answered
    assert (ticket.events.count(), Ticket.objects.get(pk=ticket.pk).priority) == before
    page = client_as(roles.CONSULTANT).post(
        f"/tickets/{ticket.number}/macro/", {"macro": macro.pk}, follow=True
    )
    assert "No se aplicó la macro «Pedir XML»" in page.content.decode()
    assert not TicketTag.objects.exists()


def test_a_macro_with_a_move_the_status_does_not_allow_is_refused(make_ticket, actor):
    macro = Macro.objects.create(name="Cerrar", status=Status.CLOSED)
    ticket = make_ticket()
    with pytest.raises(ValidationError) as info:
        macro_apply(actor=actor, ticket=ticket, macro=macro)
    assert "no puede pasar a «Cerrado»" in info.value.messages[0]
    assert Ticket.objects.get(pk=ticket.pk).status == Status.NEW


def test_a_macro_must_do_something(admin_client):
    response = admin_client.post(
        "/administracion/desk/macro/add/", {"name": "Nada", "is_active": "on"}
    )
    assert "La macro no hace nada" in response.content.decode()
    assert not Macro.objects.exists()


def test_macros_over_the_api(make_ticket, macro, make_user):
    from django.test import Client

    _token, clear = token_create(user=make_user(roles.CONSULTANT), name="t")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {clear}")
    ticket = make_ticket()
    response = client.post(
        f"/api/v1/tickets/{ticket.number}/macros",
        data=json.dumps({"macro_id": macro.pk}),
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["status"] == "waiting_customer"
    assert response.json()["tags"] == ["falta información"]
    for bad in (0, 10**30, 999999):
        refused = client.post(
            f"/api/v1/tickets/{ticket.number}/macros",
            data=json.dumps({"macro_id": bad}),
            content_type="application/json",
        )
        assert refused.status_code == 422, refused.content


def test_portal_contacts_never_see_tags_over_the_api(make_ticket, actor, make_user, company):
    from django.test import Client

    from cfdidesk.customers.services import contact_create

    user = make_user(roles.PORTAL)
    contact = contact_create(
        actor=actor, company=company, data={"name": "Laura", "email": "laura@centro.mx"}
    )
    contact.user = user
    contact.save()
    ticket = make_ticket()
    ticket_tags_set(actor=actor, ticket=ticket, text="cliente difícil")
    _token, clear = token_create(user=user, name="t")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {clear}")
    assert "tags" not in client.get(f"/api/v1/tickets/{ticket.number}").json()
    assert ["tags" in t for t in client.get("/api/v1/tickets").json()["items"]] == [False]
    assert client.get("/api/v1/tags").status_code == 403
    assert (
        client.put(
            f"/api/v1/tickets/{ticket.number}/tags",
            data=json.dumps({"tags": ["x"]}),
            content_type="application/json",
        ).status_code
        == 403
    )
