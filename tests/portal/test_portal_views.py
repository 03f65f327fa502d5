"""The customer portal: a contact opens, follows and answers their own company's tickets, and nothing else."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from cfdidesk.accounts import roles
from cfdidesk.desk.models import Channel, Kind, Priority, Status, Ticket, TicketEvent
from cfdidesk.desk.tickets.services.conversation import ticket_note, ticket_reply
from cfdidesk.desk.tickets.services.transitions import ticket_transition

from .conftest import PASSWORD

XML = b"<?xml version='1.0' encoding='UTF-8'?><cfdi:Comprobante/>"


def html(response) -> str:
    return response.content.decode()


def new_ticket_data(**overrides) -> dict:
    data = {
        "subject": "No timbra la factura A-123",
        "description": "Desde las 9:00 el generador no timbra.",
        "kind": "incident",
        "verified_product": "on",
        "reproduced": "on",
        "exact_messages": "CFDI40147 - El UUID ya fue timbrado",
        "steps_before": "Cambié la serie A y reinicié el servicio.",
        "references": "4411, A-123\n6f9619ff-8b86-d011-b42d-00cf4fc964ff",
    }
    data.update(overrides)
    return data


# --- opening a ticket ---------------------------------------------------------------------------


def test_the_form_shows_the_intake_checklist_and_the_operation_explanation(portal_client):
    page = html(portal_client.get("/portal/nuevo/"))
    assert 'data-testid="intake-checklist"' in page
    assert "no en la red, el sistema operativo, la energía o el software de otro proveedor" in page
    assert "Intenté reproducir el problema" in page
    assert (
        "Mensajes exactos que aparecen" in page
        and "Pasos que diste antes de ver el problema" in page
    )
    assert "sistema caído o bloqueo operativo" in page
    assert 'type="file" name="attachments"' in page and "multiple" in page
    assert 'href="/conocimiento/publico/"' in page


def test_contact_opens_a_ticket_with_checklist_references_and_attachment_and_sees_its_number(
    portal_client, contact
):
    response = portal_client.post(
        "/portal/nuevo/",
        new_ticket_data(
            attachments=[
                SimpleUploadedFile("error.xml", XML),
                SimpleUploadedFile("pantalla.png", b"\x89PNG\r\n\x1a\nxx"),
            ]
        ),
    )
    ticket = Ticket.objects.get()
    assert (
        response.status_code == 302 and response["Location"] == f"/portal/tickets/{ticket.number}/"
    )
    assert ticket.company == contact.company and ticket.contact == contact
    assert ticket.channel == Channel.PORTAL and ticket.kind == Kind.INCIDENT
    assert ticket.created_by == contact.user
    assert ticket.verified_product and ticket.reproduced
    assert ticket.exact_messages.startswith("CFDI40147") and "serie A" in ticket.steps_before
    assert sorted(ticket.references.values_list("kind", "value")) == [
        ("folio", "A-123"),
        ("movement", "4411"),
        ("uuid", "6F9619FF-8B86-D011-B42D-00CF4FC964FF"),
    ]
    assert sorted(ticket.attachments.values_list("filename", flat=True)) == [
        "error.xml",
        "pantalla.png",
    ]

    page = html(portal_client.get(response["Location"]))
    assert f"Tu número de ticket es #{ticket.number}" in page
    assert 'data-testid="new-ticket-number"' in page
    assert "error.xml" in page and "CFDI40147" in page and "Desde las 9:00" in page
    # The banner is shown once, not on every later visit.
    assert "Tu número de ticket es" not in html(portal_client.get(response["Location"]))


def test_affects_operation_makes_the_ticket_critical(portal_client):
    portal_client.post("/portal/nuevo/", new_ticket_data(affects_operation="on", kind="request"))
    ticket = Ticket.objects.get()
    assert (
        ticket.affects_operation
        and ticket.priority == Priority.CRITICAL
        and ticket.kind == Kind.REQUEST
    )


def test_form_errors_are_spanish_and_save_nothing(portal_client):
    response = portal_client.post(
        "/portal/nuevo/", {"subject": "", "description": "", "kind": "incident"}
    )
    page = html(response)
    assert response.status_code == 422
    assert "Escribe el asunto" in page and "Cuéntanos qué pasa." in page
    assert not Ticket.objects.exists()


def test_a_refused_attachment_is_shown_on_the_form_and_saves_nothing(portal_client):
    response = portal_client.post(
        "/portal/nuevo/", new_ticket_data(attachments=[SimpleUploadedFile("virus.exe", b"MZ..")])
    )
    page = html(response)
    assert response.status_code == 422
    assert "virus.exe" in page and "solo se aceptan archivos" in page
    assert 'id="field-attachments"' in page
    assert not Ticket.objects.exists()


# --- the list -----------------------------------------------------------------------------------


def test_home_lists_only_the_company_tickets_newest_first_with_filters(
    portal_client, contact, make_ticket, make_contact_user, other_company, actor
):
    colleague = make_contact_user(contact.company, name="Mario Ruiz", email="mario@esperanza.mx")
    first = make_ticket(subject="Primero del cliente", contact=contact)
    second = make_ticket(subject="Reporte de un compañero", contact=colleague)
    make_ticket(subject="Ticket de otra empresa", company=other_company)
    ticket_transition(actor=actor, ticket=first, to=Status.RESOLVED)

    page = html(portal_client.get("/portal/"))
    assert "Ticket de otra empresa" not in page
    assert page.index(second.number) < page.index(first.number)  # newest first
    assert "Reportó Mario Ruiz" in page
    assert 'data-status="resolved"' in page and 'data-status="new"' in page
    assert 'href="/conocimiento/publico/"' in page

    open_page = html(portal_client.get("/portal/", {"estado": "abiertos"}))
    assert "Reporte de un compañero" in open_page and "Primero del cliente" not in open_page
    closed_page = html(portal_client.get("/portal/", {"estado": "cerrados"}))
    assert "Primero del cliente" in closed_page and "Reporte de un compañero" not in closed_page


def test_home_is_paginated(portal_client, contact, make_ticket):
    for i in range(25):
        make_ticket(subject=f"Reporte número {i:02d}", contact=contact)
    first_page = html(portal_client.get("/portal/"))
    assert "Reporte número 24" in first_page and "Reporte número 04" not in first_page
    assert "pagina=2" in first_page
    second_page = html(portal_client.get("/portal/", {"pagina": 2}))
    assert "Reporte número 04" in second_page and "Reporte número 24" not in second_page


def test_home_query_count_is_constant(
    portal_client, contact, make_ticket, django_assert_max_num_queries
):
    for _ in range(2):
        make_ticket(contact=contact)
    with django_assert_max_num_queries(8) as few:
        assert portal_client.get("/portal/").status_code == 200
    for _ in range(28):
        make_ticket(contact=contact)
    with django_assert_max_num_queries(len(few)) as many:
        assert portal_client.get("/portal/").status_code == 200
    assert len(many) == len(few)


def test_portal_user_is_sent_from_home_to_the_portal(portal_client):
    response = portal_client.get("/")
    assert response.status_code == 302 and response["Location"] == "/portal/"


def test_navigation_shows_portal_entries_to_contacts_only(portal_client, admin_client):
    page = html(portal_client.get("/portal/"))
    assert 'href="/portal/"' in page and "Reportar un problema" in page
    assert 'href="/tickets/"' not in page and 'href="/clientes/"' not in page
    staff_page = html(admin_client.get("/tickets/"))
    assert 'href="/portal/nuevo/"' not in staff_page


# --- one ticket ---------------------------------------------------------------------------------


def test_detail_shows_public_conversation_and_never_internal_notes(
    portal_client, contact, make_ticket, actor
):
    ticket = make_ticket(contact=contact, description="La factura A-123 no timbra.")
    ticket_note(
        actor=actor,
        ticket=ticket,
        body="NOTA-SECRETA: el cliente debe dos meses",
        attachments=[("interno.txt", b"solo para soporte")],
    )
    ticket_reply(
        actor=actor,
        ticket=ticket,
        body="Ya reprocesamos el movimiento, ¿puede confirmar?",
        attachments=[("acuse.xml", XML)],
    )
    ticket_transition(
        actor=actor, ticket=ticket, to=Status.RESOLVED, reason="RAZON-INTERNA: cerrado por cobranza"
    )

    page = html(portal_client.get(f"/portal/tickets/{ticket.number}/"))
    assert "La factura A-123 no timbra." in page
    assert "Ya reprocesamos el movimiento" in page and "acuse.xml" in page
    assert "El estado pasó de «Abierto» a «Resuelto»" in page
    assert "NOTA-SECRETA" not in page and "interno.txt" not in page
    assert "RAZON-INTERNA" not in page
    assert "Nota interna" not in page
    assert "Este ticket está resuelto." in page and "se reabre" in page


def test_detail_query_count_does_not_grow_with_the_conversation(
    portal_client, contact, make_ticket, actor, django_assert_max_num_queries
):
    ticket = make_ticket(contact=contact, attachments=[("error.xml", XML)])
    ticket_reply(actor=actor, ticket=ticket, body="Primera respuesta", attachments=[("a.xml", XML)])
    url = f"/portal/tickets/{ticket.number}/"
    with django_assert_max_num_queries(12) as few:
        assert portal_client.get(url).status_code == 200
    for i in range(10):
        ticket_reply(
            actor=actor, ticket=ticket, body=f"Respuesta {i}", attachments=[(f"r{i}.xml", XML)]
        )
        ticket_note(actor=actor, ticket=ticket, body=f"Nota {i}")
        ticket_transition(actor=actor, ticket=ticket, to=Status.RESOLVED)
        ticket_transition(actor=actor, ticket=ticket, to=Status.OPEN)
    with django_assert_max_num_queries(len(few)):
        assert portal_client.get(url).status_code == 200


def test_reply_is_recorded_and_reopens_a_resolved_ticket(
    portal_client, contact, make_ticket, actor
):
    ticket = make_ticket(contact=contact)
    ticket_transition(actor=actor, ticket=ticket, to=Status.RESOLVED)
    response = portal_client.post(
        f"/portal/tickets/{ticket.number}/responder/",
        {
            "body": "Sigue fallando con el folio A-124.",
            "attachments": [SimpleUploadedFile("log.txt", b"ERROR 500")],
        },
    )
    assert (
        response.status_code == 302
        and response["Location"] == f"/portal/tickets/{ticket.number}/#ultimo"
    )
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN and ticket.resolved_at is None
    reply = ticket.events.get(kind=TicketEvent.Kind.CUSTOMER_REPLY)
    assert reply.actor == contact.user and reply.is_public and reply.data["contact"] == contact.name
    assert reply.attachments.get().filename == "log.txt"
    page = html(portal_client.get(f"/portal/tickets/{ticket.number}/"))
    assert "el ticket se reabrió" in page
    assert "Sigue fallando con el folio A-124." in page and "log.txt" in page


def test_reply_on_a_closed_ticket_reopens_it(portal_client, contact, make_ticket, actor):
    ticket = make_ticket(contact=contact)
    ticket_transition(actor=actor, ticket=ticket, to=Status.RESOLVED)
    ticket_transition(actor=actor, ticket=ticket, to=Status.CLOSED)
    assert "Este ticket está cerrado." in html(
        portal_client.get(f"/portal/tickets/{ticket.number}/")
    )
    portal_client.post(f"/portal/tickets/{ticket.number}/responder/", {"body": "Volvió a pasar."})
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN


def test_empty_reply_is_refused_in_spanish(portal_client, contact, make_ticket):
    ticket = make_ticket(contact=contact)
    response = portal_client.post(f"/portal/tickets/{ticket.number}/responder/", {"body": "  "})
    assert response.status_code == 422 and "Escribe el mensaje." in html(response)
    assert not ticket.events.filter(kind=TicketEvent.Kind.CUSTOMER_REPLY).exists()


def test_attachments_download_through_the_portal_but_never_internal_ones(
    portal_client, contact, make_ticket, actor
):
    ticket = make_ticket(contact=contact, attachments=[("error.xml", XML)])
    public = ticket.attachments.get()
    note = ticket_note(
        actor=actor, ticket=ticket, body="interno", attachments=[("interno.txt", b"secreto")]
    )
    internal = note.attachments.get()
    response = portal_client.get(f"/portal/tickets/{ticket.number}/adjuntos/{public.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == XML
    assert 'attachment; filename="error.xml"' in response["Content-Disposition"]
    assert (
        portal_client.get(f"/portal/tickets/{ticket.number}/adjuntos/{internal.pk}/").status_code
        == 404
    )


# --- access -------------------------------------------------------------------------------------


def test_another_company_tickets_and_attachments_are_404(
    portal_client, make_ticket, other_company, make_contact_user
):
    foreign = make_ticket(
        company=other_company, subject="Secreto de El Martillo", attachments=[("factura.xml", XML)]
    )
    attachment = foreign.attachments.get()
    assert portal_client.get(f"/portal/tickets/{foreign.number}/").status_code == 404
    assert (
        portal_client.get(f"/portal/tickets/{foreign.number}/adjuntos/{attachment.pk}/").status_code
        == 404
    )
    response = portal_client.post(f"/portal/tickets/{foreign.number}/responder/", {"body": "hola"})
    assert response.status_code == 404
    assert not foreign.events.filter(kind=TicketEvent.Kind.CUSTOMER_REPLY).exists()
    assert portal_client.get("/portal/tickets/2026-999999/").status_code == 404
    # Tickets opened by the other company's own contacts are just as unreachable.
    theirs = make_ticket(
        contact=make_contact_user(other_company, name="Pedro Gil", email="pedro@martillo.mx")
    )
    assert portal_client.get(f"/portal/tickets/{theirs.number}/").status_code == 404
    assert theirs.number not in html(portal_client.get("/portal/"))


def test_attachment_of_another_ticket_under_own_number_is_404(
    portal_client, contact, make_ticket, other_company
):
    own = make_ticket(contact=contact)
    foreign = make_ticket(company=other_company, attachments=[("factura.xml", XML)])
    assert (
        portal_client.get(
            f"/portal/tickets/{own.number}/adjuntos/{foreign.attachments.get().pk}/"
        ).status_code
        == 404
    )


@pytest.mark.parametrize("role", sorted(roles.STAFF_ROLES))
def test_staff_get_403_on_portal_pages(client_as, role, make_ticket):
    ticket = make_ticket()
    client = client_as(role)
    for url in ("/portal/", "/portal/nuevo/", f"/portal/tickets/{ticket.number}/"):
        assert client.get(url).status_code == 403, url
    assert (
        client.post(f"/portal/tickets/{ticket.number}/responder/", {"body": "x"}).status_code == 403
    )


def test_superuser_gets_403_on_portal_pages(db):
    from django.contrib.auth import get_user_model

    client = Client()
    client.force_login(
        get_user_model().objects.create_superuser("root", "root@example.com", PASSWORD)
    )
    assert client.get("/portal/").status_code == 403


def test_anonymous_is_sent_to_login(db):
    response = Client().get("/portal/nuevo/")
    assert response.status_code == 302 and response["Location"].startswith(
        "/cuenta/entrar/?next=/portal/nuevo/"
    )


def test_portal_user_without_contact_gets_a_clear_page(make_user):
    client = Client()
    client.force_login(make_user(roles.PORTAL))
    for url in ("/portal/", "/portal/nuevo/", "/portal/tickets/2026-000001/"):
        response = client.get(url)
        assert response.status_code == 403
        assert "Tu usuario no está vinculado a un cliente" in html(response)


def test_contact_signing_in_with_password_lands_on_the_portal(contact):
    client = Client()
    response = client.post(
        "/cuenta/entrar/", {"username": contact.user.username, "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/portal/"
    assert "Mis tickets" in html(response)
