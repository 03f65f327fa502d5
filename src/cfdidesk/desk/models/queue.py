"""The staff queue's own data: each user's saved views of the ticket list, and who is on which
ticket right now (the collision notice)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .tickets import Ticket


class SavedView(models.Model):
    """A named list: its filters, sort and visible columns; the owner may share it with the team."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    name = models.CharField(_("nombre"), max_length=60)
    filters = models.JSONField(default=dict, blank=True)
    sort = models.CharField(max_length=20, blank=True)
    columns = models.JSONField(default=list, blank=True)
    shared = models.BooleanField(_("compartida con el equipo"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("vista guardada")
        verbose_name_plural = _("vistas guardadas")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="saved_view_unique_name"),
        ]
        indexes = [
            models.Index(
                fields=["shared"], name="saved_view_shared", condition=models.Q(shared=True)
            )
        ]

    def __str__(self) -> str:
        return self.name


class TicketPresence(models.Model):
    """The last time a staff user had a ticket open (and was typing on it): one row per pair,
    written by an upsert every few seconds while the page is open."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="+", db_index=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    seen_at = models.DateTimeField()
    typing_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ticket", "user"], name="ticket_presence_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id}: {self.user_id}"
