import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from .business_time import DEFAULT_TIME_ZONE
from .rules import (
    DEFAULT_TAKEN,
    WEEKDAYS,
    check_closure,
    check_interval,
    check_policy,
    validate_time_zone,
)


class BusinessCalendar(models.Model):
    """When the provider attends: weekly intervals, Mexican official holidays and its own closures."""

    name = models.CharField(_("nombre"), max_length=120, unique=True)
    time_zone = models.CharField(
        _("zona horaria"),
        max_length=64,
        default=DEFAULT_TIME_ZONE,
        validators=[validate_time_zone],
        help_text=_("Nombre de zona IANA, como America/Mexico_City o America/Tijuana."),
    )
    is_default = models.BooleanField(
        _("predeterminado"),
        default=False,
        help_text=_("El calendario que se usa cuando no se elige otro. Solo puede haber uno."),
    )
    use_mexican_holidays = models.BooleanField(
        _("cerrar en días de descanso obligatorio"),
        default=True,
        help_text=_("Los días de descanso obligatorio de la Ley Federal del Trabajo (art. 74)."),
    )
    # A fresh value after every change to the calendar, its intervals or closures: compiled copies
    # in each process are checked against it (selectors.load_calendar). Never written by hand.
    revision = models.UUIDField(default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("calendario de atención")
        verbose_name_plural = _("calendarios de atención")
        ordering = ["-is_default", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=models.Q(is_default=True),
                name="service_one_default_calendar",
                violation_error_message=DEFAULT_TAKEN,
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CalendarInterval(models.Model):
    """An open interval on one weekday, in the calendar's local time; a day may have several."""

    calendar = models.ForeignKey(
        BusinessCalendar, on_delete=models.CASCADE, related_name="intervals"
    )
    weekday = models.PositiveSmallIntegerField(_("día"), choices=WEEKDAYS)
    start = models.TimeField(_("desde"))
    end = models.TimeField(_("hasta"), help_text=_("00:00 significa medianoche, al final del día."))

    class Meta:
        verbose_name = _("horario")
        verbose_name_plural = _("horarios")
        ordering = ["weekday", "start"]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start:%H:%M}–{self.end:%H:%M}"

    def clean(self):
        if self.weekday is not None and self.start is not None and self.end is not None:
            check_interval(self.weekday, self.start, self.end)


class CalendarClosure(models.Model):
    """Dates the provider is closed on top of the official holidays (inclusive range)."""

    calendar = models.ForeignKey(
        BusinessCalendar, on_delete=models.CASCADE, related_name="closures"
    )
    start_date = models.DateField(_("desde"))
    end_date = models.DateField(_("hasta (incluido)"))
    reason = models.CharField(_("motivo"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("cierre")
        verbose_name_plural = _("cierres")
        ordering = ["start_date"]

    def __str__(self) -> str:
        return f"{self.start_date:%d/%m/%Y}–{self.end_date:%d/%m/%Y} {self.reason}".strip()

    def clean(self):
        if self.start_date is not None and self.end_date is not None:
            check_closure(self.start_date, self.end_date)


class SlaPolicy(models.Model):
    """Targets for one priority: first response and resolution, in business time or around the clock.

    A policy with a company applies to that company's tickets only and wins over the general one
    (company empty) of the same priority. Priorities are desk's (1 critical … 4 low), kept here as
    numbers so that this app needs nothing from desk.
    """

    PRIORITIES = [(1, _("Crítica")), (2, _("Alta")), (3, _("Normal")), (4, _("Baja"))]

    priority = models.PositiveSmallIntegerField(_("prioridad"), choices=PRIORITIES)
    company = models.ForeignKey(
        "customers.Company",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("cliente"),
        help_text=_("Vacío: la política general de esa prioridad."),
    )
    first_response = models.DurationField(
        _("primera respuesta"), help_text=_("Por ejemplo 4:00:00 para cuatro horas.")
    )
    resolution = models.DurationField(_("resolución"))
    around_the_clock = models.BooleanField(
        _("24×7"),
        default=False,
        help_text=_("Cuenta todas las horas. Si no, solo las horas del calendario de atención."),
    )
    calendar = models.ForeignKey(
        BusinessCalendar,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("calendario"),
        help_text=_("Vacío: el calendario predeterminado."),
    )
    at_risk_percent = models.PositiveSmallIntegerField(
        _("en riesgo a partir de (%)"),
        default=75,
        help_text=_(
            "Porcentaje del plazo consumido a partir del cual el ticket se marca en riesgo y se escala."
        ),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("política de SLA")
        verbose_name_plural = _("políticas de SLA")
        ordering = ["company_id", "priority"]
        constraints = [
            models.UniqueConstraint(
                fields=["priority"],
                condition=models.Q(company__isnull=True),
                name="sla_one_general_per_priority",
                violation_error_message=_("Ya hay una política general para esa prioridad."),
            ),
            models.UniqueConstraint(
                fields=["priority", "company"],
                condition=models.Q(company__isnull=False),
                name="sla_one_per_company_priority",
                violation_error_message=_("Ese cliente ya tiene una política para esa prioridad."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_priority_display()}{f' · {self.company}' if self.company_id else ''}"

    def clean(self):
        check_policy(
            first_response=self.first_response,
            resolution=self.resolution,
            at_risk_percent=self.at_risk_percent,
        )
