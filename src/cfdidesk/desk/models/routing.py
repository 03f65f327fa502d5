"""Routing rules: which team (and category) a new ticket gets, edited by administrators."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from cfdidesk.customers.models import Company

from .tickets import Category, Channel, Kind, Team


class RoutingRule(models.Model):
    """Conditions (all that are set must hold; none set: every ticket) and what the rule gives.

    Active rules are tried in `position` order when a ticket is opened; the first that matches wins.
    """

    name = models.CharField(_("nombre"), max_length=120)
    position = models.PositiveSmallIntegerField(_("posición"), default=0)
    is_active = models.BooleanField(_("activa"), default=True)
    # Conditions: empty means any.
    channel = models.CharField(_("canal"), max_length=10, choices=Channel.choices, blank=True)
    kind = models.CharField(_("tipo"), max_length=10, choices=Kind.choices, blank=True)
    category = models.ForeignKey(
        Category,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("categoría"),
    )
    # A rule about one company means nothing once the company is gone.
    company = models.ForeignKey(
        Company,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("cliente"),
    )
    keywords = models.CharField(
        _("palabras clave en el asunto"),
        max_length=500,
        blank=True,
        help_text=_(
            "Separadas por comas; basta una. No distingue mayúsculas ni acentos: «timbre» encuentra «TIMBRÉ»."
        ),
    )
    # What it gives.
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="+", verbose_name=_("asignar al equipo")
    )
    set_category = models.ForeignKey(
        Category,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("poner la categoría"),
        help_text=_("Solo si el ticket no trae categoría y es del mismo tipo."),
    )

    class Meta:
        verbose_name = _("regla de enrutamiento")
        verbose_name_plural = _("reglas de enrutamiento")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def has_conditions(self) -> bool:
        return bool(
            self.channel
            or self.kind
            or self.category_id
            or self.company_id
            or self.keywords.strip(" ,")
        )
