"""The on-call roster and each team's escalation chain."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .tickets import Team


class OnCallShift(models.Model):
    """A consultant on duty for a team from one instant to another (the on-call roster)."""

    team = models.ForeignKey(
        Team, on_delete=models.CASCADE, related_name="shifts", verbose_name=_("equipo")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("consultor de guardia"),
    )
    starts_at = models.DateTimeField(_("desde"))
    ends_at = models.DateTimeField(_("hasta"))
    note = models.CharField(_("nota"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("turno de guardia")
        verbose_name_plural = _("guardias")
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["team", "ends_at", "starts_at"], name="oncall_team_time")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="oncall_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.team}: {self.user} {self.starts_at:%Y-%m-%d %H:%M} – {self.ends_at:%Y-%m-%d %H:%M}"


class EscalationStep(models.Model):
    """One level of a team's escalation chain above the consultant: 1 supervisor, 2 manager, …"""

    team = models.ForeignKey(
        Team, on_delete=models.CASCADE, related_name="escalation_steps", verbose_name=_("equipo")
    )
    level = models.PositiveSmallIntegerField(_("nivel"))
    title = models.CharField(_("puesto"), max_length=80)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("responsable"),
    )

    class Meta:
        verbose_name = _("nivel de escalamiento")
        verbose_name_plural = _("cadena de escalamiento")
        ordering = ["team", "level"]
        constraints = [
            models.UniqueConstraint(fields=["team", "level"], name="escalation_step_unique_level"),
            models.CheckConstraint(
                condition=Q(level__gte=1), name="escalation_step_level_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.team} {self.level}: {self.title}"
