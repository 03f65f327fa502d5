from django.test import Client

from cfdidesk.desk.models import Status, SurveyResponse
from cfdidesk.desk.notify.links import survey_token
from cfdidesk.desk.tickets.services.transitions import ticket_transition


def resolved(actor, make_ticket):
    ticket = make_ticket()
    return ticket_transition(actor=actor, ticket=ticket, to=Status.RESOLVED)


def test_survey_needs_no_login_and_records_the_rating(actor, make_ticket, admin_client):
    ticket = resolved(actor, make_ticket)
    url = f"/encuesta/{survey_token(ticket)}/"
    client = Client()
    assert "¿Quedó resuelto" in client.get(url).content.decode()
    page = client.post(
        url, {"solved": "yes", "rating": "5", "comment": "Muy rápido"}
    ).content.decode()
    assert "Gracias" in page
    ticket.refresh_from_db()
    assert ticket.rating == 5 and ticket.status == Status.RESOLVED
    assert "★★★★★" in admin_client.get(f"/tickets/{ticket.number}/").content.decode()
    assert "★ 5/5" in admin_client.get("/tickets/", {"vista": "todos"}).content.decode()


def test_not_solved_reopens_the_ticket(actor, make_ticket):
    ticket = resolved(actor, make_ticket)
    Client().post(
        f"/encuesta/{survey_token(ticket)}/",
        {"solved": "no", "rating": "2", "comment": "Sigue fallando"},
    )
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN and ticket.rating == 2
    assert ticket.events.filter(kind="status", body__contains="no quedó resuelto").exists()


def test_a_survey_is_answered_once(actor, make_ticket):
    ticket = resolved(actor, make_ticket)
    url = f"/encuesta/{survey_token(ticket)}/"
    Client().post(url, {"solved": "yes", "rating": "4"})
    Client().post(url, {"solved": "no", "rating": "1"})
    assert SurveyResponse.objects.count() == 1


def test_bad_rating_and_forged_links_are_refused(actor, make_ticket):
    ticket = resolved(actor, make_ticket)
    url = f"/encuesta/{survey_token(ticket)}/"
    page = Client().post(url, {"solved": "yes", "rating": "9"}).content.decode()
    assert "del 1 al 5" in page and not SurveyResponse.objects.exists()
    response = Client().get(f"/encuesta/{survey_token(ticket)[:-3]}xyz/")
    assert response.status_code == 404 and "no es válido" in response.content.decode()
