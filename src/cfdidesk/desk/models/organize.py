"""What organises tickets beyond their fields: tags, links between related tickets, and macros
(a canned reply that also sets fields)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .tickets import Priority, Status, Team, Ticket


class Tag(models.Model):
    """A free label; `key` (lower case, without accents) keeps "Timbrado" and "timbrado" one tag."""

    name = models.CharField(_("nombre"), max_length=40)
    key = models.CharField(max_length=40, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("etiqueta")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TicketTag(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="+")
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="+", db_index=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tag", "ticket"], name="ticket_tag_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id}: {self.tag_id}"


class TicketLink(models.Model):
    """Two related tickets, stored once (lower id first) and listed on both."""

    low = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="+", db_index=False)
    high = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["low", "high"], name="ticket_link_unique"),
            models.CheckConstraint(condition=Q(low__lt=F("high")), name="ticket_link_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.low_id} ↔ {self.high_id}"


class Macro(models.Model):
    """One click on the ticket page: a public reply ({cliente}, {ticket} and {consultor} filled in
    as in canned replies) and new values for status, priority, team and tags."""

    name = models.CharField(_("nombre"), max_length=120, unique=True)
    body = models.TextField(
        _("respuesta al cliente"),
        blank=True,
        help_text=_("Opcional. Puedes usar {cliente}, {ticket} y {consultor}."),
    )
    status = models.CharField(
        _("cambiar el estado a"), max_length=20, choices=Status.choices, blank=True
    )
    priority = models.PositiveSmallIntegerField(
        _("cambiar la prioridad a"), choices=Priority.choices, null=True, blank=True
    )
    team = models.ForeignKey(
        Team,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("pasar al equipo"),
    )
    tags = models.ManyToManyField(
        Tag, blank=True, related_name="+", verbose_name=_("agregar las etiquetas")
    )
    is_active = models.BooleanField(_("activa"), default=True)

    class Meta:
        verbose_name = _("macro")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
