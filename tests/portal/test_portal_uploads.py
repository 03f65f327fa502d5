"""A file over the upload limit refuses the whole portal submission, saying the limit (issue 10)."""

from django.core.files.uploadedfile import SimpleUploadedFile

from cfdidesk.desk.models import Ticket

from .test_portal_views import new_ticket_data


def test_a_new_ticket_with_a_file_over_the_limit_is_refused_whole(portal_client, settings):
    settings.MAX_UPLOAD_BYTES = 2000
    response = portal_client.post(
        "/portal/nuevo/",
        new_ticket_data(attachments=[SimpleUploadedFile("bitacora.log", b"x" * 5000)]),
    )
    page = response.content.decode()
    assert response.status_code == 413
    assert "pesa más de 2.0" in page and "No se guardó nada" in page
    assert not Ticket.objects.exists()


def test_a_reply_with_a_file_over_the_limit_is_refused_whole(
    portal_client, contact, make_ticket, settings
):
    ticket = make_ticket(contact=contact)
    settings.MAX_UPLOAD_BYTES = 2000
    response = portal_client.post(
        f"/portal/tickets/{ticket.number}/responder/",
        {"body": "Va el log completo", "attachments": [SimpleUploadedFile("a.log", b"x" * 5000)]},
    )
    page = response.content.decode()
    assert response.status_code == 413 and "pesa más de 2.0" in page
    assert "Va el log completo" in page  # what they wrote is still in the box
    assert not ticket.events.filter(kind="customer_reply").exists()
