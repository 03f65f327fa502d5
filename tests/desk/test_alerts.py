"""Staff alerts: e-mails and webhooks, queued in bulk, POSTed to a real HTTP server, signed, retried."""

import datetime as dt
import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from cfdidesk.accounts import roles
from cfdidesk.desk.models import (
    AlertWebhook,
    EscalationStep,
    OutboundEmail,
    Team,
    TicketEvent,
    WebhookDelivery,
)
from cfdidesk.desk.notify.services.alerts import Alert, staff_alert, staff_alert_many
from cfdidesk.desk.notify.services.delivery import webhook_deliveries_retry
from cfdidesk.desk.oncall.services.escalation import ticket_escalate

MX = ZoneInfo("America/Mexico_City")


class Receiver:
    """A real HTTP server on loopback that records each POST and answers with the next status."""

    def __init__(self):
        self.requests: list[dict] = []
        self.statuses: list[int] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                # self.headers matches names case-insensitively, as HTTP does (urllib sends "X-cfdidesk-signature").
                receiver.requests.append({"path": self.path, "headers": self.headers, "body": body})
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def json(self, i=-1) -> dict:
        return json.loads(self.requests[i]["body"])


@pytest.fixture
def receiver():
    r = Receiver()
    r.thread.start()
    yield r
    r.server.shutdown()
    r.server.server_close()


@pytest.fixture
def team(db):
    return Team.objects.create(name="Timbrado")


@pytest.fixture
def ana(make_user):
    return make_user(
        roles.SUPERVISOR, first_name="Ana", last_name="López", email="ana@mesa.example"
    )


@pytest.fixture
def carla(make_user):
    return make_user(
        roles.CONSULTANT, first_name="Carla", last_name="Ruiz", email="carla@mesa.example"
    )


# ---------------------------------------------------------------- queueing


def test_alert_staff_writes_the_timeline_and_queues_one_email_per_person(
    make_ticket, ana, carla, make_user
):
    no_email = make_user(roles.CONSULTANT, first_name="Sin correo")
    ticket = make_ticket(subject="Se cayó el timbrado")
    event = staff_alert(
        ticket=ticket,
        users=[ana, carla, ana, no_email],
        trigger="sla_at_risk",
        text="Quedan 30 minutos.",
    )
    assert event.kind == TicketEvent.Kind.ESCALATION and not event.is_public
    assert event.data["trigger"] == "sla_at_risk" and event.data["text"] == "Quedan 30 minutos."
    assert [p["name"] for p in event.data["to"]] == ["Ana López", "Carla Ruiz", "Sin correo"]
    emails = OutboundEmail.objects.filter(kind=OutboundEmail.Kind.ALERT)
    assert sorted(emails.values_list("to", flat=True)) == ["ana@mesa.example", "carla@mesa.example"]
    assert {e.event_id for e in emails} == {event.pk}
    with pytest.raises(ValueError):
        staff_alert(ticket=ticket, users=[ana], trigger="nope", text="")


def test_bulk_alerts_cost_the_same_queries_for_one_or_many(
    make_ticket, ana, carla, django_assert_max_num_queries
):
    AlertWebhook.objects.create(name="SMS", url="https://sms.example/hook")
    AlertWebhook.objects.create(name="Chat", url="https://chat.example/hook")
    tickets = [make_ticket(subject=f"Reporte {i}") for i in range(30)]
    with django_assert_max_num_queries(5):
        staff_alert_many(alerts=[(tickets[0], [ana], "sla_breached", "Vencido")])
    with django_assert_max_num_queries(5):
        events = staff_alert_many(
            alerts=[Alert(t, [ana, carla], "sla_breached", f"Vencido {t.number}") for t in tickets]
        )
    assert len(events) == 30 and all(e.pk for e in events)
    assert OutboundEmail.objects.filter(kind=OutboundEmail.Kind.ALERT).count() == 1 + 60
    assert WebhookDelivery.objects.count() == 2 * (1 + 60)
    payload = (
        WebhookDelivery.objects.filter(ticket=tickets[5], webhook__name="SMS")
        .order_by("id")
        .first()
        .payload
    )
    assert (
        payload["company"] == tickets[5].company.legal_name
        and payload["text"] == f"Vencido {tickets[5].number}"
    )
    assert staff_alert_many(alerts=[]) == []


# ---------------------------------------------------------------- webhooks against a real server


def test_an_escalation_is_posted_signed_to_the_webhook(
    receiver, actor, make_ticket, team, ana, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://mesa.example"
    AlertWebhook.objects.create(name="SMS", url=receiver.url, secret="s3creto")
    EscalationStep.objects.create(team=team, level=1, title="Supervisora", user=ana)
    # Office hours (a Wednesday morning): off hours the ticket would also page the on-call consultant.
    with time_machine.travel(dt.datetime(2026, 11, 25, 11, 0, tzinfo=MX), tick=False):
        ticket = make_ticket(subject="No timbra", team=team, affects_operation=True)
        with django_capture_on_commit_callbacks(execute=True):
            ticket_escalate(actor=actor, ticket=ticket, reason="Sin respuesta del PAC")
    [request] = receiver.requests
    body = request["body"]
    expected = "sha256=" + hmac.new(b"s3creto", body, hashlib.sha256).hexdigest()
    assert request["headers"]["X-CFDIDesk-Signature"] == expected
    assert request["headers"]["X-CFDIDesk-Event"] == "escalation"
    assert request["headers"]["Content-Type"].startswith("application/json")
    payload = json.loads(body)
    assert payload == {
        "event": "escalation",
        "ticket": ticket.number,
        "subject": "No timbra",
        "priority": 1,
        "priority_label": "Crítica",
        "company": ticket.company.legal_name,
        "level": 1,
        "to": {"name": "Ana López", "email": "ana@mesa.example"},
        "text": f"{actor.username} escaló el ticket #{ticket.number} al nivel 1 (Supervisora). Motivo: Sin respuesta del PAC",
        "url": f"https://mesa.example/tickets/{ticket.number}/",
    }
    delivery = WebhookDelivery.objects.get()
    assert (
        delivery.state == WebhookDelivery.State.SENT and delivery.attempts == 1 and delivery.sent_at
    )


def test_a_webhook_without_secret_is_not_signed_and_inactive_ones_get_nothing(
    receiver, make_ticket, ana, django_capture_on_commit_callbacks
):
    AlertWebhook.objects.create(name="Chat", url=receiver.url)
    AlertWebhook.objects.create(name="Apagado", url=receiver.url + "/off", is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        staff_alert(ticket=make_ticket(), users=[], trigger="oncall_alert", text="Nadie de guardia")
    [request] = receiver.requests
    assert request["headers"]["X-CFDIDesk-Signature"] is None and request["path"] == "/hook"
    assert receiver.json()["to"] is None and receiver.json()["event"] == "oncall_alert"


def test_a_500_is_retried_and_then_delivered(
    receiver, make_ticket, ana, django_capture_on_commit_callbacks
):
    AlertWebhook.objects.create(name="SMS", url=receiver.url, secret="k")
    receiver.statuses = [500]
    with django_capture_on_commit_callbacks(execute=True):
        staff_alert(ticket=make_ticket(), users=[ana], trigger="sla_breached", text="Vencido")
    assert len(receiver.requests) == 2
    assert (
        receiver.requests[0]["body"] == receiver.requests[1]["body"]
    )  # the same delivery, the same signature
    assert (
        receiver.requests[0]["headers"]["X-CFDIDesk-Delivery"]
        == receiver.requests[1]["headers"]["X-CFDIDesk-Delivery"]
    )
    delivery = WebhookDelivery.objects.get()
    assert (
        delivery.state == WebhookDelivery.State.SENT
        and delivery.attempts == 2
        and delivery.last_error == ""
    )


def test_a_webhook_that_keeps_failing_is_shown_failed_in_the_admin_and_can_be_retried(
    receiver, make_ticket, ana, admin_client, django_capture_on_commit_callbacks
):
    AlertWebhook.objects.create(name="SMS", url=receiver.url)
    receiver.statuses = [500] * 5
    with django_capture_on_commit_callbacks(execute=True):
        staff_alert(ticket=make_ticket(), users=[ana], trigger="sla_breached", text="Vencido")
    delivery = WebhookDelivery.objects.get()
    assert len(receiver.requests) == 5
    assert (
        delivery.state == WebhookDelivery.State.FAILED
        and delivery.attempts == 5
        and "HTTP 500" in delivery.last_error
    )
    page = admin_client.get(
        "/administracion/desk/webhookdelivery/?state__exact=failed"
    ).content.decode()
    assert "HTTP 500" in page and "Falló" in page
    page = admin_client.get("/administracion/desk/alertwebhook/").content.decode()
    assert "SMS" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            "/administracion/desk/webhookdelivery/",
            {"action": "retry", "_selected_action": [delivery.pk]},
        )
    assert response.status_code == 302
    delivery.refresh_from_db()
    assert delivery.state == WebhookDelivery.State.SENT and len(receiver.requests) == 6
    assert webhook_deliveries_retry(delivery_ids=[delivery.pk]) == 0  # only failed ones go again


def test_a_dead_address_and_a_redirect_are_failures(
    make_ticket, ana, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_MAX_ATTEMPTS = 2
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    AlertWebhook.objects.create(name="Muerto", url=f"http://127.0.0.1:{port}/x")
    with django_capture_on_commit_callbacks(execute=True):
        staff_alert(ticket=make_ticket(), users=[ana], trigger="sla_breached", text="Vencido")
    delivery = WebhookDelivery.objects.get()
    assert (
        delivery.state == WebhookDelivery.State.FAILED
        and delivery.attempts == 2
        and delivery.last_error
    )


def test_redirects_are_not_followed(
    receiver, make_ticket, ana, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_MAX_ATTEMPTS = 1
    AlertWebhook.objects.create(name="Redirige", url=receiver.url)
    receiver.statuses = [302]
    with django_capture_on_commit_callbacks(execute=True):
        staff_alert(ticket=make_ticket(), users=[ana], trigger="sla_breached", text="Vencido")
    delivery = WebhookDelivery.objects.get()
    assert delivery.state == WebhookDelivery.State.FAILED and "302" in delivery.last_error
    assert len(receiver.requests) == 1


# ---------------------------------------------------------------- administration of webhooks


def test_only_http_and_https_urls_are_accepted(admin_client):
    url = "/administracion/desk/alertwebhook/add/"
    for bad in ("ftp://pagos.example/hook", "javascript:alert(1)", "file:///etc/passwd"):
        page = admin_client.post(
            url, {"name": "SMS", "url": bad, "is_active": "on"}
        ).content.decode()
        assert "errornote" in page, bad
    assert not AlertWebhook.objects.exists()
    with pytest.raises(ValidationError):
        AlertWebhook(name="x", url="ftp://x.example/").full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        AlertWebhook.objects.create(name="x", url="ftp://x.example/")


def test_the_secret_is_kept_but_never_shown_again(admin_client):
    url = "/administracion/desk/alertwebhook/add/"
    response = admin_client.post(
        url,
        {
            "name": "SMS",
            "url": "https://sms.example/hook",
            "secret": "muy-secreto",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    hook = AlertWebhook.objects.get()
    assert hook.secret == "muy-secreto"
    change = f"/administracion/desk/alertwebhook/{hook.pk}/change/"
    assert "muy-secreto" not in admin_client.get(change).content.decode()
    admin_client.post(
        change, {"name": "SMS", "url": "https://sms.example/hook2", "secret": "", "is_active": "on"}
    )
    hook.refresh_from_db()
    assert hook.secret == "muy-secreto" and hook.url.endswith("hook2")
    admin_client.post(
        change,
        {
            "name": "SMS",
            "url": "https://sms.example/hook2",
            "clear_secret": "on",
            "is_active": "on",
        },
    )
    hook.refresh_from_db()
    assert hook.secret == ""


@pytest.mark.parametrize("role", [roles.SUPERVISOR, roles.CONSULTANT])
def test_only_administrators_edit_webhooks(client_as, role):
    client = client_as(role)
    client.post(
        "/administracion/desk/alertwebhook/add/",
        {"name": "SMS", "url": "https://sms.example/", "is_active": "on"},
    )
    assert not AlertWebhook.objects.exists()


def test_admin_lists_render(admin_client, make_ticket, ana, team):
    from cfdidesk.desk.models import OnCallShift

    hook = AlertWebhook.objects.create(name="SMS", url="https://sms.example/hook")
    staff_alert(ticket=make_ticket(), users=[ana], trigger="sla_breached", text="Vencido")
    EscalationStep.objects.create(team=team, level=1, title="Supervisora", user=ana)
    OnCallShift.objects.create(
        team=team, user=ana, starts_at="2026-11-21T20:00Z", ends_at="2026-11-22T15:00Z"
    )
    delivery = WebhookDelivery.objects.get()
    for url in (
        "oncallshift/",
        "escalationstep/",
        "alertwebhook/",
        "webhookdelivery/",
        f"webhookdelivery/{delivery.pk}/change/",
        f"alertwebhook/{hook.pk}/change/",
        "oncallshift/add/",
        "escalationstep/add/",
    ):
        assert admin_client.get(f"/administracion/desk/{url}").status_code == 200, url
    assert (
        "Vencido"
        in admin_client.get(
            f"/administracion/desk/webhookdelivery/{delivery.pk}/change/"
        ).content.decode()
    )


def test_the_timeline_reads_alerts_from_the_sla_sweep(admin_client, make_ticket, ana, carla):
    ticket = make_ticket()
    staff_alert_many(
        alerts=[
            Alert(
                ticket,
                [carla, ana],
                "sla_at_risk",
                "Quedan 2 horas",
                level=1,
                data={"title": "Supervisora"},
            ),
            Alert(ticket, [carla], "sla_breached", "Venció el plazo", data={"title": ""}),
        ]
    )
    timeline = (
        admin_client.get(f"/tickets/{ticket.number}/")
        .content.decode()
        .split('data-testid="timeline"')[1]
    )
    assert (
        "Escalamiento automático por SLA en riesgo al nivel 1 (Supervisora): Carla Ruiz, Ana López."
        in timeline
    )
    assert "SLA incumplido: se avisó a Carla Ruiz." in timeline and "Venció el plazo" in timeline
