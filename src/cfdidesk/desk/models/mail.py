"""E-mail in and out of the helpdesk: what was sent about a ticket, and what reached the helpdesk address."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from cfdidesk.core.delivery import Delivery, DeliveryState

from .tickets import Ticket, TicketEvent


class OutboundEmail(Delivery):
    """An e-mail about a ticket (to the customer, or an alert to staff); sent by the worker,
    retried, its fate shown on the ticket. State, attempts and errors: core.delivery."""

    class Kind(models.TextChoices):
        OPENED = "opened", _("Ticket abierto")
        REPLY = "reply", _("Respuesta")
        RESOLVED = "resolved", _("Ticket resuelto")
        SURVEY = "survey", _("Encuesta de satisfacción")
        ALERT = "alert", _("Aviso al equipo")

    State = DeliveryState

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="outbound_emails")
    event = models.ForeignKey(
        TicketEvent, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    to = models.CharField(max_length=254)
    language = models.CharField(max_length=10, default="es-mx")
    message_id = models.CharField(max_length=200, unique=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} → {self.to}"


class InboundEmail(models.Model):
    """Every message that reached the helpdesk address, kept even when it made no ticket."""

    class Outcome(models.TextChoices):
        CREATED = "created", _("Abrió un ticket")
        APPENDED = "appended", _("Se agregó a un ticket")
        UNMATCHED = "unmatched", _("Remitente desconocido: espera que se le asigne un cliente")
        # A reply to a ticket from someone who is not of the ticket's company nor staff: kept for
        # support to judge, it changes no ticket and nobody is e-mailed.
        SUSPICIOUS = "suspicious", _("Posible suplantación")
        IGNORED_AUTOMATIC = "automatic", _("Ignorado: respuesta automática o rebote")
        DUPLICATE = "duplicate", _("Ignorado: ya recibido")
        REJECTED = "rejected", _("Rechazado")

    received_at = models.DateTimeField(auto_now_add=True)
    message_id = models.CharField(max_length=250, blank=True, db_index=True)
    from_address = models.CharField(max_length=254, blank=True)
    subject = models.CharField(max_length=250, blank=True)
    size = models.PositiveIntegerField(default=0)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    reason = models.TextField(blank=True)
    unknown_sender = models.BooleanField(default=False)
    ticket = models.ForeignKey(
        Ticket, null=True, blank=True, on_delete=models.SET_NULL, related_name="inbound_emails"
    )
    # The ticket a suspicious reply claimed to answer (by its number or our Message-ID).
    claimed_ticket = models.ForeignKey(
        Ticket, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The message as it arrived, so nothing is lost even when it made no ticket.
    raw = models.FileField(upload_to="inbound/%Y/%m/", blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"{self.from_address}: {self.subject}"
