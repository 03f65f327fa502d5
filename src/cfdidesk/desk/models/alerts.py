"""Where staff alerts are POSTed besides e-mail, and what became of each POST."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cfdidesk.core.delivery import Delivery, DeliveryState

from .tickets import Ticket


def _http_only():
    from django.core.validators import URLValidator

    return URLValidator(
        schemes=["http", "https"], message=_("Escribe una dirección http:// o https:// completa.")
    )


class AlertWebhook(models.Model):
    """Where staff alerts are also POSTed as JSON (an SMS gateway, a chat channel): set by an administrator."""

    name = models.CharField(_("nombre"), max_length=80, unique=True)
    url = models.URLField(_("dirección"), max_length=500, validators=[_http_only()])
    # Kept readable: it signs every delivery (X-CFDIDesk-Signature), so it cannot be a one-way hash.
    secret = models.CharField(
        _("secreto"),
        max_length=200,
        blank=True,
        help_text=_(
            "Opcional. Si lo pones, cada envío lleva la firma HMAC-SHA256 del cuerpo en X-CFDIDesk-Signature."
        ),
    )
    is_active = models.BooleanField(_("activo"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("webhook de avisos")
        verbose_name_plural = _("webhooks de avisos")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(url__startswith="http://") | Q(url__startswith="https://"),
                name="alert_webhook_http_url",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class WebhookDelivery(Delivery):
    """One POST of one alert to one webhook; sent by the worker, retried, its fate shown in the
    admin. State, attempts and errors: core.delivery."""

    State = DeliveryState

    webhook = models.ForeignKey(
        AlertWebhook, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("webhook")
    )
    ticket = models.ForeignKey(
        Ticket,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("ticket"),
    )
    event = models.CharField(_("evento"), max_length=30)
    payload = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("envío de webhook")
        verbose_name_plural = _("envíos de webhooks")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.event} → {self.webhook_id}"
