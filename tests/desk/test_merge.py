"""Merging a duplicate into the ticket that carries on, and relating tickets: services with their
refusals, both timelines on the survivor, e-mail and the portal following it, the API."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from cfdidesk.accounts import roles
from cfdidesk.accounts.services import token_create, user_create
from cfdidesk.audit.models import AuditEntry
from cfdidesk.customers.services import contact_create
from cfdidesk.desk.inbox.services import email_receive
from cfdidesk.desk.models import OutboundEmail, Status, Ticket, TicketEvent, TicketLink
from cfdidesk.desk.tags.services import ticket_tags_set
from cfdidesk.desk.tickets.services.conversation import ticket_customer_reply, ticket_note
from cfdidesk.desk.tickets.services.merge import ticket_link, ticket_merge, ticket_unlink
from cfdidesk.desk.tickets.services.tickets import tickets_transition
from cfdidesk.desk.tickets.services.transitions import ticket_transition
from tests.conftest import moral_rfc
from tests.desk.test_mail_in import raw_mail


@pytest.fixture
def laura(actor, company):
    return contact_create(
        actor=actor, company=company, data={"name": "Laura Méndez", "email": "laura@centro.mx"}
    )


@pytest.fixture
def pair(make_ticket, laura, actor):
    survivor = make_ticket(contact=laura, subject="No timbra ninguna factura")
    duplicate = make_ticket(contact=laura, subject="Re: no timbra", description="Desde el correo")
    ticket_customer_reply(ticket=duplicate, body="¿Alguna novedad?", contact=laura)
    ticket_note(actor=actor, ticket=duplicate, body="Es el mismo problema del PAC.")
    return survivor, duplicate


def test_merge_closes_the_duplicate_into_the_survivor(pair, actor, client_as):
    survivor, duplicate = pair
    ticket_tags_set(actor=actor, ticket=duplicate, text="PAC")
    result = ticket_merge(
        actor=actor, source=duplicate, target=survivor, reason="El mismo reporte dos veces."
    )
    assert result.pk == survivor.pk
    duplicate.refresh_from_db()
    assert duplicate.status == Status.CLOSED and duplicate.merged_into_id == survivor.pk
    assert duplicate.closed_at is not None and duplicate.sla_due is None
    assert [t.name for t in survivor.tags.all()] == ["PAC"]
    # Both timelines are kept: the duplicate's entries stay its own, and the survivor shows them.
    assert duplicate.events.filter(kind="customer_reply").exists()
    merge_entries = TicketEvent.objects.filter(kind="merge").order_by("ticket_id")
    assert {(e.ticket_id, e.body) for e in merge_entries} == {
        (survivor.pk, "El mismo reporte dos veces."),
        (duplicate.pk, "El mismo reporte dos veces."),
    }
    entry = AuditEntry.objects.get(action="ticket.merge")
    assert entry.target_id == str(duplicate.pk) and entry.changes["into"] == survivor.number
    page = client_as(roles.CONSULTANT).get(f"/tickets/{survivor.number}/").content.decode()
    assert "¿Alguna novedad?" in page and "Es el mismo problema del PAC." in page
    assert "Desde el correo" in page  # the duplicate's report, from its opening entry
    assert f"#{duplicate.number}</span>" in page  # entries of the merged ticket are marked
    assert f"Se fusionó aquí el ticket #{duplicate.number}" in page
    old = client_as(roles.CONSULTANT).get(f"/tickets/{duplicate.number}/").content.decode()
    assert 'data-testid="merged-banner"' in old and f"Ir a #{survivor.number}" in old
    assert "Reabrir" not in old and 'data-testid="merge"' not in old


@pytest.mark.parametrize("case", ["itself", "no_reason", "other_company", "twice", "into_merged"])
def test_refused_merges_change_nothing(case, pair, actor, make_ticket, make_company):
    survivor, duplicate = pair
    source, target, reason = duplicate, survivor, "Duplicado"
    if case == "itself":
        target = duplicate
    elif case == "no_reason":
        reason = "  "
    elif case == "other_company":
        other = make_company(legal_name="Otra, S.A. de C.V.", rfc=moral_rfc(55), email="o@o.mx")
        target = make_ticket(company=other)
    elif case == "twice":
        third = make_ticket()
        ticket_merge(actor=actor, source=duplicate, target=third, reason="Antes")
    elif case == "into_merged":
        source, target = survivor, duplicate
        ticket_merge(actor=actor, source=duplicate, target=make_ticket(), reason="Antes")
    before = AuditEntry.objects.filter(action="ticket.merge").count()
    state = {t.pk: (t.status, t.merged_into_id) for t in Ticket.objects.all()}
    with pytest.raises(ValidationError) as info:
        ticket_merge(actor=actor, source=source, target=target, reason=reason)
    assert info.value.messages
    assert {t.pk: (t.status, t.merged_into_id) for t in Ticket.objects.all()} == state
    assert AuditEntry.objects.filter(action="ticket.merge").count() == before


def test_refusal_messages_are_spanish(pair, actor, make_ticket, make_company):
    survivor, duplicate = pair
    other = make_company(legal_name="Otra, S.A. de C.V.", rfc=moral_rfc(56), email="p@o.mx")
    with pytest.raises(ValidationError) as info:
        ticket_merge(actor=actor, source=duplicate, target=make_ticket(company=other), reason="x")
    assert info.value.message_dict == {
        "into": ["Solo se pueden fusionar tickets del mismo cliente."]
    }
    with pytest.raises(ValidationError) as info:
        ticket_merge(actor=actor, source=duplicate, target=duplicate, reason="")
    assert info.value.message_dict == {
        "reason": ["Escribe el motivo de la fusión."],
        "into": ["Un ticket no se puede fusionar consigo mismo."],
    }


def test_a_ticket_merged_into_a_merged_one_follows_to_the_end(make_ticket, actor):
    a, b, c = make_ticket(), make_ticket(), make_ticket()
    ticket_merge(actor=actor, source=a, target=b, reason="uno")
    ticket_merge(actor=actor, source=b, target=c, reason="dos")
    assert set(Ticket.objects.filter(merged_into=c).values_list("pk", flat=True)) == {a.pk, b.pk}


def test_a_merged_ticket_is_not_reopened_by_hand_or_in_bulk(pair, actor):
    survivor, duplicate = pair
    ticket_merge(actor=actor, source=duplicate, target=survivor, reason="Duplicado")
    with pytest.raises(ValidationError) as info:
        ticket_transition(actor=actor, ticket=duplicate, to=Status.OPEN)
    assert "fusionado" in info.value.messages[0]
    moved, refused = tickets_transition(
        actor=actor, ticket_ids=[duplicate.pk, survivor.pk], to=Status.OPEN
    )
    assert moved == 1 and refused == [duplicate.number]
    assert Ticket.objects.get(pk=duplicate.pk).status == Status.CLOSED


def test_mail_to_the_old_number_or_its_message_ids_lands_on_the_survivor(pair, actor, settings):
    settings.HELPDESK_EMAIL = "soporte@mesa.example"
    survivor, duplicate = pair
    opened = OutboundEmail.objects.get(ticket=duplicate, kind="opened")
    ticket_merge(actor=actor, source=duplicate, target=survivor, reason="Duplicado")
    by_number = email_receive(
        raw=raw_mail(subject=f"RE: [#{duplicate.number}] sigue", body="Sigue sin timbrar")
    )
    by_header = email_receive(
        raw=raw_mail(
            subject="Re: algo", body="Otra cosa", headers={"In-Reply-To": f"<{opened.message_id}>"}
        )
    )
    assert by_number.ticket == survivor and by_header.ticket == survivor
    assert list(survivor.events.filter(kind="customer_reply").values_list("body", flat=True)) == [
        "Sigue sin timbrar",
        "Otra cosa",
    ]
    duplicate.refresh_from_db()
    assert duplicate.status == Status.CLOSED  # never reopened by the customer's reply


def test_the_portal_sends_the_customer_to_the_survivor(pair, actor, laura):
    survivor, duplicate = pair
    ticket_merge(actor=actor, source=duplicate, target=survivor, reason="Duplicado")
    user = user_create(username="laura", password="una-clave-segura-123", role=roles.PORTAL)
    laura.user = user
    laura.save()
    client = Client()
    client.force_login(user)
    response = client.get(f"/portal/tickets/{duplicate.number}/", follow=True)
    assert response.redirect_chain[-1][0] == f"/portal/tickets/{survivor.number}/"
    page = response.content.decode()
    assert f"El ticket #{duplicate.number} se unió al #{survivor.number}" in page
    assert "¿Alguna novedad?" in page  # the merged ticket's public conversation
    assert "Es el mismo problema del PAC." not in page  # never its internal notes
    reply = client.post(f"/portal/tickets/{duplicate.number}/responder/", {"body": "Gracias"})
    assert reply.status_code == 302
    assert survivor.events.filter(kind="customer_reply", body="Gracias").exists()


def test_links_are_listed_on_both_tickets_and_removed_once(make_ticket, actor, client_as):
    a, b = make_ticket(subject="Primero"), make_ticket(subject="Segundo")
    ticket_link(actor=actor, ticket=b, other=a)
    link = TicketLink.objects.get()
    assert (link.low_id, link.high_id) == (a.pk, b.pk)
    with pytest.raises(ValidationError):
        ticket_link(actor=actor, ticket=a, other=b)
    with pytest.raises(ValidationError):
        ticket_link(actor=actor, ticket=a, other=a)
    client = client_as(roles.CONSULTANT)
    for ticket, other in ((a, b), (b, a)):
        page = client.get(f"/tickets/{ticket.number}/").content.decode()
        related = page.split('data-testid="related"')[1].split("</section>")[0]
        assert f"#{other.number}" in related and other.subject in related
        assert f"Relacionó el ticket #{other.number}" in page
    response = client.post(f"/tickets/{a.number}/relacionar/quitar/", {"number": b.number})
    assert response.status_code == 302 and not TicketLink.objects.exists()
    assert AuditEntry.objects.filter(action__in=["ticket.link", "ticket.unlink"]).count() == 2
    with pytest.raises(ValidationError):
        ticket_unlink(actor=actor, ticket=a, other=b)


def test_merge_and_link_from_the_ticket_page(pair, client_as, make_ticket):
    survivor, duplicate = pair
    client = client_as(roles.CONSULTANT)
    other = make_ticket(subject="Otro")
    response = client.post(
        f"/tickets/{duplicate.number}/relacionar/", {"number": f"#{other.number}"}, follow=True
    )
    assert "relacionado" in response.content.decode()
    missing = client.post(f"/tickets/{duplicate.number}/relacionar/", {"number": "2026-9"})
    assert missing.status_code == 302
    refused = client.post(f"/tickets/{duplicate.number}/fusionar/", {"into": survivor.number})
    assert refused["Location"].endswith("#merge")
    assert Ticket.objects.get(pk=duplicate.pk).merged_into_id is None
    response = client.post(
        f"/tickets/{duplicate.number}/fusionar/",
        {"into": survivor.number, "reason": "Duplicado"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == f"/tickets/{survivor.number}/"
    assert "se fusionó con" in response.content.decode()


def test_portal_contacts_cannot_merge_or_link(pair, laura):
    survivor, duplicate = pair
    user = user_create(username="laura", password="una-clave-segura-123", role=roles.PORTAL)
    laura.user = user
    laura.save()
    client = Client()
    client.force_login(user)
    assert (
        client.post(
            f"/tickets/{duplicate.number}/fusionar/", {"into": survivor.number, "reason": "x"}
        ).status_code
        == 403
    )
    assert Ticket.objects.get(pk=duplicate.pk).merged_into_id is None


def api(user) -> Client:
    _token, clear = token_create(user=user, name="t")
    return Client(HTTP_AUTHORIZATION=f"Bearer {clear}")


def test_merge_and_links_over_the_api(pair, make_user, make_ticket):
    survivor, duplicate = pair
    client = api(make_user(roles.CONSULTANT))
    other = make_ticket()
    added = client.post(
        f"/api/v1/tickets/{survivor.number}/links",
        data=json.dumps({"number": other.number}),
        content_type="application/json",
    )
    assert added.status_code == 201 and [x["number"] for x in added.json()] == [other.number]
    listed = client.get(f"/api/v1/tickets/{other.number}/links").json()
    assert [x["number"] for x in listed] == [survivor.number]
    assert (
        client.delete(f"/api/v1/tickets/{other.number}/links/{survivor.number}").status_code == 204
    )
    refused = client.post(
        f"/api/v1/tickets/{duplicate.number}/merge",
        data=json.dumps({"into": duplicate.number, "reason": "x"}),
        content_type="application/json",
    )
    assert refused.status_code == 422
    merged = client.post(
        f"/api/v1/tickets/{duplicate.number}/merge",
        data=json.dumps({"into": survivor.number, "reason": "Duplicado"}),
        content_type="application/json",
    )
    assert merged.status_code == 200 and merged.json()["number"] == survivor.number
    old = client.get(f"/api/v1/tickets/{duplicate.number}").json()
    assert old["merged_into"] == survivor.number and old["status"] == "closed"
    missing = client.post(
        f"/api/v1/tickets/{survivor.number}/links",
        data=json.dumps({"number": "abc"}),
        content_type="application/json",
    )
    assert missing.status_code == 422


def test_the_list_marks_a_merged_ticket(pair, actor, client_as):
    survivor, duplicate = pair
    ticket_merge(actor=actor, source=duplicate, target=survivor, reason="Duplicado")
    page = client_as(roles.CONSULTANT).get("/tickets/", {"vista": "todos"}).content.decode()
    assert f"fusionado con #{survivor.number}" in page


def test_related_tickets_are_read_by_index(make_ticket, actor):
    """Related tickets come from the link table's indexes and the tickets' primary key, never from
    a filter over every ticket (bench/tickets_pages.py ticket pages at 1,000,000 tickets)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cfdidesk.desk.tickets.selectors import linked_tickets

    a, b, c = make_ticket(), make_ticket(), make_ticket()
    ticket_link(actor=actor, ticket=a, other=b)
    ticket_link(actor=actor, ticket=c, other=a)
    with CaptureQueriesContext(connection) as captured:
        assert [t.pk for t in linked_tickets(a)] == [b.pk, c.pk]
    assert len(captured.captured_queries) == 2
    for query in captured.captured_queries:
        assert " OR " not in query["sql"] or "desk_ticketlink" in query["sql"].split("FROM")[1]
