import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cfdidesk.accounts import roles
from cfdidesk.desk.models import Priority, Status, Ticket
from cfdidesk.desk.tickets.services.tickets import ticket_update


def html(response) -> str:
    return response.content.decode()


def test_create_form_opens_a_ticket_with_number_references_and_attachments(admin_client, company):
    response = admin_client.post(
        "/tickets/nuevo/",
        {
            "company": f"{company.legal_name} — {company.rfc} (#{company.pk})",
            "subject": "Error de structure validation",
            "description": "El movto 4411 no timbra",
            "channel": "phone",
            "kind": "incident",
            "priority": "3",
            "references": "4411, A-123\n6F9619FF-8B86-D011-B42D-00CF4FC964FF",
            "verified_product": "on",
            "exact_messages": "CFDI40147",
            "attachments": [SimpleUploadedFile("error.xml", b"<?xml version='1.0'?><x/>")],
        },
    )
    ticket = Ticket.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/tickets/{ticket.number}/"
    assert sorted(ticket.references.values_list("kind", "value")) == [
        ("folio", "A-123"),
        ("movement", "4411"),
        ("uuid", "6F9619FF-8B86-D011-B42D-00CF4FC964FF"),
    ]
    page = html(admin_client.get(response["Location"]))
    assert ticket.number in page and "error.xml" in page and "CFDI40147" in page


def test_create_form_errors_are_spanish_and_save_nothing(admin_client):
    page = html(
        admin_client.post(
            "/tickets/nuevo/",
            {
                "company": "Nadie",
                "subject": "",
                "channel": "phone",
                "kind": "incident",
                "priority": "3",
            },
        )
    )
    assert "No encontramos ese cliente" in page
    assert not Ticket.objects.exists()


def test_company_suggestions_find_by_name_or_rfc(admin_client, company):
    page = html(admin_client.get("/tickets/buscar-cliente/", {"company": company.rfc[:5]}))
    assert f"(#{company.pk})" in page


def test_list_ready_views_filters_and_search(admin_client, make_ticket, make_user, actor):
    consultant = make_user(roles.CONSULTANT, first_name="Carla")
    critical = make_ticket(subject="Sistema caído", affects_operation=True)
    mine = make_ticket(subject="Uso G01 pendiente", references=[("movement", "998877")])
    ticket_update(actor=actor, ticket=mine, data={"assignee": consultant})
    page = html(admin_client.get("/tickets/", {"vista": "criticos"}))
    assert "Sistema caído" in page and "Uso G01 pendiente" not in page
    page = html(admin_client.get("/tickets/", {"vista": "sin-asignar"}))
    assert "Sistema caído" in page and "Uso G01 pendiente" not in page
    page = html(admin_client.get("/tickets/", {"q": "998877", "vista": "todos"}))
    assert "Uso G01 pendiente" in page and "Sistema caído" not in page
    page = html(admin_client.get("/tickets/", {"q": critical.number}))
    assert "Sistema caído" in page and "Uso G01 pendiente" not in page
    page = html(admin_client.get("/tickets/", {"assignee": consultant.pk}))
    assert "Uso G01 pendiente" in page and "Sistema caído" not in page
    page = html(admin_client.get("/tickets/", {"priority": Priority.CRITICAL}))
    assert "Sistema caído" in page and "Uso G01 pendiente" not in page


def test_my_tickets(client_as, make_ticket, actor, make_user):
    consultant = make_user(roles.CONSULTANT, username="carla")
    from django.test import Client

    ticket_update(actor=actor, ticket=make_ticket(subject="Mío"), data={"assignee": consultant})
    make_ticket(subject="De otro")
    client = Client()
    client.force_login(consultant)
    page = html(client.get("/tickets/", {"vista": "mios"}))
    assert "Mío" in page and "De otro" not in page


def test_list_query_count_is_constant(admin_client, make_ticket, django_assert_max_num_queries):
    make_ticket()
    with django_assert_max_num_queries(12) as few:
        admin_client.get("/tickets/")
    for _ in range(30):
        make_ticket()
    with django_assert_max_num_queries(len(few.captured_queries)):
        admin_client.get("/tickets/")


def test_detail_query_count_is_constant(
    admin_client, make_ticket, actor, django_assert_max_num_queries
):
    from cfdidesk.desk.tickets.services.conversation import ticket_note

    ticket = make_ticket()
    with django_assert_max_num_queries(20) as few:
        admin_client.get(f"/tickets/{ticket.number}/")
    for i in range(30):
        ticket_note(actor=actor, ticket=ticket, body=f"nota {i}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        admin_client.get(f"/tickets/{ticket.number}/")


def test_reply_note_and_status_from_the_ticket_page(admin_client, make_ticket):
    ticket = make_ticket()
    admin_client.post(
        f"/tickets/{ticket.number}/responder/",
        {"body": "Le escribo por el folio A-123", "then": "waiting_customer"},
    )
    admin_client.post(
        f"/tickets/{ticket.number}/nota/", {"body": "<script>alert(1)</script> revisar debug"}
    )
    admin_client.post(f"/tickets/{ticket.number}/estado/", {"to": "resolved"})
    ticket.refresh_from_db()
    assert ticket.status == Status.RESOLVED
    page = html(admin_client.get(f"/tickets/{ticket.number}/"))
    assert (
        "Le escribo por el folio A-123" in page
        and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
        and "<script>alert(1)" not in page
    )
    assert page.index("Le escribo") < page.index("revisar debug")


def test_empty_reply_shows_an_error_and_changes_nothing(admin_client, make_ticket):
    ticket = make_ticket()
    response = admin_client.post(f"/tickets/{ticket.number}/responder/", {"body": " "})
    assert response.status_code == 422 and "Escribe el mensaje" in html(response)
    assert not ticket.events.filter(kind="reply").exists()


def test_not_allowed_transition_is_told(admin_client, make_ticket):
    ticket = make_ticket()
    response = admin_client.post(f"/tickets/{ticket.number}/estado/", {"to": "closed"}, follow=True)
    assert "no puede pasar" in html(response)
    ticket.refresh_from_db()
    assert ticket.status == Status.NEW


def test_upset_customer_shows_the_guidance(admin_client, make_ticket, actor):
    ticket = make_ticket()
    assert "Cliente molesto: atiende" not in html(admin_client.get(f"/tickets/{ticket.number}/"))
    ticket_update(actor=actor, ticket=ticket, data={"upset_customer": True})
    assert "Cliente molesto: atiende" in html(admin_client.get(f"/tickets/{ticket.number}/"))


def test_protocol_toggle_with_htmx(admin_client, make_ticket):
    ticket = make_ticket()
    response = admin_client.post(
        f"/tickets/{ticket.number}/protocolo/",
        {"step": "listen", "done": "1"},
        HTTP_HX_REQUEST="true",
    )
    assert "(1/6)" in html(response)


def test_bulk_assign_from_the_list(admin_client, make_ticket, make_user):
    consultant = make_user(roles.CONSULTANT)
    tickets = [make_ticket(), make_ticket()]
    admin_client.post(
        "/tickets/acciones/",
        {"ticket": [t.pk for t in tickets], "action": "assign", "assignee": consultant.pk},
    )
    assert Ticket.objects.filter(assignee=consultant).count() == 2


@pytest.mark.parametrize(
    "role, status", [(roles.PORTAL, 403), (roles.CONSULTANT, 200), (roles.BILLING, 200)]
)
def test_ticket_pages_check_the_role(client_as, make_ticket, role, status):
    ticket = make_ticket()
    client = client_as(role)
    assert client.get("/tickets/").status_code == status
    assert client.get(f"/tickets/{ticket.number}/").status_code == status


def test_portal_contact_reaches_only_their_company(make_ticket, make_company, make_user, actor):
    from django.http import Http404
    from django.test import Client

    from cfdidesk.customers.services import contact_create
    from cfdidesk.desk.access import get_ticket_for

    ours = make_ticket()
    other_company = make_company(rfc="GODE561231GR8", tax_regime="612", legal_name="Otra")
    theirs = make_ticket(company=other_company)
    user = make_user(roles.PORTAL)
    contact = contact_create(actor=actor, company=ours.company, data={"name": "Laura"})
    contact.user = user
    contact.save()
    user.refresh_from_db()
    assert get_ticket_for(user, ours.number) == ours
    with pytest.raises(Http404):
        get_ticket_for(user, theirs.number)
    assert Client().get(f"/tickets/{ours.number}/").status_code == 302


def test_attachment_download_checks_access(admin_client, client_as, make_ticket):
    ticket = make_ticket(attachments=[("log.txt", b"error 301")])
    attachment = ticket.attachments.get()
    response = admin_client.get(f"/tickets/{ticket.number}/adjuntos/{attachment.pk}/")
    assert b"".join(response.streaming_content) == b"error 301"
    assert (
        client_as(roles.PORTAL)
        .get(f"/tickets/{ticket.number}/adjuntos/{attachment.pk}/")
        .status_code
        == 403
    )


def test_canned_reply_fills_placeholders(admin_client, make_ticket, actor):
    from cfdidesk.customers.services import contact_create
    from cfdidesk.desk.models import CannedReply

    ticket = make_ticket(
        contact=contact_create(actor=actor, company=make_ticket().company, data={"name": "Laura"})
    )
    reply = CannedReply.objects.create(
        title="Reproceso",
        body="Hola {cliente}: reprocesamos tu ticket {ticket}. Saludos, {consultor}. {otro}",
    )
    page = html(admin_client.get(f"/tickets/{ticket.number}/"))
    assert "Reproceso" in page
    text = html(
        admin_client.get(
            f"/tickets/{ticket.number}/plantilla/", {"canned": reply.pk}, HTTP_HX_REQUEST="true"
        )
    )
    assert f"Hola Laura: reprocesamos tu ticket #{ticket.number}." in text and "{otro}" in text
