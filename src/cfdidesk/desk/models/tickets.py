"""Tickets, their timeline and attachments, and the catalogs that describe them."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.lookups import IsNull
from django.utils.translation import gettext_lazy as _

from cfdidesk.customers.models import Company, Contact


class Team(models.Model):
    name = models.CharField(_("nombre"), max_length=80, unique=True)
    is_active = models.BooleanField(_("activo"), default=True)

    class Meta:
        verbose_name = _("equipo")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Kind(models.TextChoices):
    INCIDENT = "incident", _("Incidente")
    REQUEST = "request", _("Solicitud de servicio")


class Category(models.Model):
    """Support types of seed 000 and request reasons of seed 001; administrators edit them."""

    name = models.CharField(_("nombre"), max_length=120)
    kind = models.CharField(_("tipo"), max_length=10, choices=Kind.choices)
    is_active = models.BooleanField(_("activa"), default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("categoría")
        ordering = ["kind", "position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "name"], name="category_unique_name_per_kind")
        ]

    def __str__(self) -> str:
        return self.name


class Channel(models.TextChoices):
    PHONE = "phone", _("Teléfono")
    EMAIL = "email", _("Correo")
    PORTAL = "portal", _("Portal")
    REMOTE = "remote", _("Sesión remota")
    ONSITE = "onsite", _("Presencial")
    API = "api", _("API")


class Priority(models.IntegerChoices):
    # Lower sorts first: critical = the customer's operation is down or blocked.
    CRITICAL = 1, _("Crítica")
    HIGH = 2, _("Alta")
    NORMAL = 3, _("Normal")
    LOW = 4, _("Baja")


class Status(models.TextChoices):
    NEW = "new", _("Nuevo")
    OPEN = "open", _("Abierto")
    WAITING_CUSTOMER = "waiting_customer", _("Esperando al cliente")
    WAITING_THIRD_PARTY = "waiting_third_party", _("Esperando a un tercero")
    RESOLVED = "resolved", _("Resuelto")
    CLOSED = "closed", _("Cerrado")


OPEN_STATUSES = (Status.NEW, Status.OPEN, Status.WAITING_CUSTOMER, Status.WAITING_THIRD_PARTY)
# The open tickets, for every query: `is_open IN (true)` rather than filter(is_open=True), which
# Django writes as a bare `WHERE is_open`: SQLite seeks an index only on an explicit comparison,
# and all our indexes for open tickets start there.
OPEN = Q(is_open__in=[True])
# The SLA clock runs while the ticket is open and not waiting on the customer (see service.sla).
_SLA_RUNNING = Q(status__in=(Status.NEW, Status.OPEN, Status.WAITING_THIRD_PARTY))

# The attention protocol of seed 000, in order.
PROTOCOL_STEPS = [
    ("listen", _("Escuchar al cliente")),
    ("identify", _("Identificar el problema")),
    ("offer", _("Ofrecer una solución")),
    ("process", _("Seguir el proceso")),
    ("follow_up", _("Dar seguimiento")),
    ("document", _("Documentar")),
]


class TicketCounter(models.Model):
    """The last number given in a year; incremented under a row lock in the ticket's transaction."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class Ticket(models.Model):
    number = models.CharField(_("número"), max_length=12, unique=True)
    # company, category, team and assignee are indexed by the composite indexes below (which start with them).
    company = models.ForeignKey(
        Company,
        on_delete=models.PROTECT,
        related_name="tickets",
        verbose_name=_("cliente"),
        db_index=False,
    )
    contact = models.ForeignKey(
        Contact,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
        verbose_name=_("contacto"),
    )
    subject = models.CharField(_("asunto"), max_length=200)
    description = models.TextField(_("descripción"), blank=True)
    channel = models.CharField(
        _("canal"), max_length=10, choices=Channel.choices, default=Channel.PHONE
    )
    kind = models.CharField(_("tipo"), max_length=10, choices=Kind.choices, default=Kind.INCIDENT)
    category = models.ForeignKey(
        Category,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("categoría"),
        db_index=False,
    )
    priority = models.PositiveSmallIntegerField(
        _("prioridad"), choices=Priority.choices, default=Priority.NORMAL
    )
    affects_operation = models.BooleanField(_("afecta la operación"), default=False)
    team = models.ForeignKey(
        Team,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("equipo"),
        db_index=False,
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("consultor"),
        db_index=False,
    )
    status = models.CharField(
        _("estado"), max_length=20, choices=Status.choices, default=Status.NEW
    )
    # Stored by the database from status: the staff views are slices of the open tickets, and one
    # boolean leading each index lets both databases walk the index in page order.
    is_open = models.GeneratedField(
        expression=Q(status__in=OPEN_STATUSES), output_field=models.BooleanField(), db_persist=True
    )
    upset_customer = models.BooleanField(_("cliente molesto"), default=False)
    protocol_done = models.JSONField(default=list, blank=True)
    # Intake checklist of seed 001 ("antes de llamar a soporte").
    verified_product = models.BooleanField(
        _("verificó que el problema es de nuestro producto"), default=False
    )
    reproduced = models.BooleanField(_("pudo reproducir el problema"), default=False)
    exact_messages = models.TextField(_("mensajes exactos"), blank=True)
    steps_before = models.TextField(_("pasos previos al problema"), blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    first_response_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    # The latest survey rating (1-5), kept here so the list shows it without a query per row.
    rating = models.PositiveSmallIntegerField(null=True, blank=True)

    # SLA: written only by desk.services.sla from the policy that applies (service.SlaPolicy).
    # The clock the due times are counted in: a business calendar (id) or around the clock.
    sla_calendar_id = models.PositiveIntegerField(null=True, blank=True)
    sla_around_the_clock = models.BooleanField(default=False)
    # Time the clock has been stopped (waiting on the customer, resolved), in the clock's measure,
    # and since when it is stopped now (None while it runs).
    sla_stopped = models.DurationField(default=timedelta(0))
    sla_stopped_at = models.DateTimeField(null=True, blank=True)
    sla_first_response_due = models.DateTimeField(null=True, blank=True)
    sla_first_response_risk = models.DateTimeField(null=True, blank=True)
    sla_resolution_due = models.DateTimeField(null=True, blank=True)
    sla_resolution_risk = models.DateTimeField(null=True, blank=True)
    # Whether each target was met, set when the response or resolution happens (compliance reports).
    sla_first_response_met = models.BooleanField(null=True, blank=True)
    sla_resolution_met = models.BooleanField(null=True, blank=True)
    # The target running now, for the lists and the sweep: the first response until there is one,
    # then the resolution; NULL while the clock is stopped or the ticket is not open.
    sla_due = models.GeneratedField(
        expression=models.Case(
            models.When(
                _SLA_RUNNING & Q(first_response_at__isnull=True), then=F("sla_first_response_due")
            ),
            models.When(_SLA_RUNNING, then=F("sla_resolution_due")),
            default=None,
        ),
        output_field=models.DateTimeField(null=True),
        db_persist=True,
    )
    sla_risk = models.GeneratedField(
        expression=models.Case(
            models.When(
                _SLA_RUNNING & Q(first_response_at__isnull=True), then=F("sla_first_response_risk")
            ),
            models.When(_SLA_RUNNING, then=F("sla_resolution_risk")),
            default=None,
        ),
        output_field=models.DateTimeField(null=True),
        db_persist=True,
    )
    # The due instant each automatic alert was sent for: one alert per target, across restarts and workers.
    sla_risk_alerted = models.DateTimeField(null=True, blank=True)
    sla_breach_alerted = models.DateTimeField(null=True, blank=True)
    # 0: with the consultant; 1, 2…: the EscalationStep of the ticket's team it has reached.
    escalation_level = models.PositiveSmallIntegerField(_("nivel de escalamiento"), default=0)
    # Set by tickets.services.merge: this ticket was closed into that one, which carries on.
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_tickets",
        verbose_name=_("fusionado con"),
        db_index=False,
    )
    tags = models.ManyToManyField(
        "Tag", through="TicketTag", related_name="tickets", blank=True, verbose_name=_("etiquetas")
    )

    class Meta:
        verbose_name = _("ticket")
        # One index per list view and sort (selectors.ticket_list): each page is read in index order,
        # so a page costs the same at 1,000 or 1,000,000 tickets. Ascending indexes serve both directions.
        indexes = [
            models.Index(fields=["is_open", "created_at", "id"], name="ticket_open_created"),
            models.Index(
                fields=["is_open", "assignee", "created_at", "id"], name="ticket_open_assignee"
            ),
            models.Index(
                fields=["is_open", "priority", "created_at", "id"], name="ticket_open_priority"
            ),
            models.Index(fields=["is_open", "team", "created_at", "id"], name="ticket_open_team"),
            models.Index(fields=["is_open", "updated_at", "id"], name="ticket_open_updated"),
            # The default queue (what needs attention): running SLA target first, soonest due
            # first, then priority and age. `sla_due IS NULL` leads so both databases read the
            # page in index order (SQLite sorts NULLs first, PostgreSQL last).
            models.Index(
                F("is_open"),
                IsNull(F("sla_due"), True),
                F("sla_due"),
                F("priority"),
                F("created_at"),
                F("id"),
                name="ticket_open_attention",
            ),
            models.Index(fields=["created_at", "id"], name="ticket_created"),
            models.Index(fields=["status", "created_at", "id"], name="ticket_status"),
            models.Index(fields=["assignee", "created_at", "id"], name="ticket_assignee"),
            models.Index(fields=["company", "created_at", "id"], name="ticket_company"),
            # A company's open tickets, newest first, and how many (the customer 360 page).
            models.Index(
                fields=["company", "created_at", "id"],
                name="ticket_company_open",
                condition=Q(is_open=True),
            ),
            models.Index(fields=["team", "created_at", "id"], name="ticket_team"),
            models.Index(fields=["category", "created_at", "id"], name="ticket_category"),
            models.Index(fields=["priority", "created_at", "id"], name="ticket_priority"),
            models.Index(fields=["updated_at", "id"], name="ticket_updated"),
            # Only running targets are indexed: the SLA filters, sort and sweep read just those.
            models.Index(
                fields=["sla_due", "id"], name="ticket_sla_due", condition=Q(sla_due__isnull=False)
            ),
            models.Index(
                fields=["sla_risk", "id"],
                name="ticket_sla_risk",
                condition=Q(sla_risk__isnull=False),
            ),
            # Compliance over the last 30 days reads these ranges.
            models.Index(
                fields=["first_response_at", "sla_first_response_met"], name="ticket_first_response"
            ),
            models.Index(fields=["resolved_at", "sla_resolution_met"], name="ticket_resolved"),
            models.Index(
                fields=["merged_into"],
                name="ticket_merged_into",
                condition=Q(merged_into__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.number} {self.subject}"

    def save(self, *args, **kwargs):
        updating = not self._state.adding
        super().save(*args, **kwargs)
        if updating:
            # The database recomputes is_open on UPDATE without returning it (it does on INSERT):
            # forget the stale value so the next read fetches it.
            self.__dict__.pop("is_open", None)


class TicketReference(models.Model):
    """A movement id, series-folio or UUID the ticket is about; searchable."""

    class Kind(models.TextChoices):
        MOVEMENT = "movement", _("Movimiento")
        FOLIO = "folio", _("Serie-folio")
        UUID = "uuid", _("UUID")
        OTHER = "other", _("Otra")

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="references")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.OTHER)
    value = models.CharField(max_length=80, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["ticket", "kind", "value"], name="ticket_reference_unique"
            )
        ]

    def __str__(self) -> str:
        return self.value


class TicketEvent(models.Model):
    """One entry of the ticket's timeline. Written by services only, never edited."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Apertura")
        REPLY = "reply", _("Respuesta al cliente")
        CUSTOMER_REPLY = "customer_reply", _("Respuesta del cliente")
        NOTE = "note", _("Nota interna")
        STATUS = "status", _("Cambio de estado")
        FIELDS = "fields", _("Cambio de datos")
        ATTACHMENT = "attachment", _("Adjunto")
        PROTOCOL = "protocol", _("Protocolo de atención")
        EMAIL = "email", _("Correo enviado")
        ESCALATION = "escalation", _("Escalamiento")
        ROUTING = "routing", _("Enrutamiento")
        MERGE = "merge", _("Fusión")
        LINK = "link", _("Tickets relacionados")
        TAGS = "tags", _("Etiquetas")
        MACRO = "macro", _("Macro")

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    created_at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    is_public = models.BooleanField(default=False)
    body = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["ticket", "created_at", "id"], name="ticket_event_timeline")
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.kind}"


def attachment_path(instance, filename: str) -> str:
    return f"tickets/{instance.ticket.number[:4]}/{instance.ticket.number}/{filename}"


class Attachment(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="attachments")
    event = models.ForeignKey(
        TicketEvent, null=True, blank=True, on_delete=models.SET_NULL, related_name="attachments"
    )
    file = models.FileField(upload_to=attachment_path, max_length=255)
    filename = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.filename


class CannedReply(models.Model):
    """A reply template; {cliente}, {ticket} and {consultor} are filled in when used."""

    title = models.CharField(_("título"), max_length=120, unique=True)
    body = models.TextField(_("texto"))
    is_active = models.BooleanField(_("activa"), default=True)

    class Meta:
        verbose_name = _("respuesta predefinida")
        verbose_name_plural = _("respuestas predefinidas")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class SurveyResponse(models.Model):
    """The customer's answer to the follow-up survey: one per ticket resolution."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="survey_responses")
    solved = models.BooleanField()
    rating = models.PositiveSmallIntegerField()
    comment = models.TextField(blank=True)
    answered_at = models.DateTimeField(auto_now_add=True)
    resolution = models.DateTimeField(
        help_text="resolved_at of the resolution this answer is about"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["ticket", "resolution"], name="one_survey_answer_per_resolution"
            ),
            models.CheckConstraint(
                condition=models.Q(rating__gte=1, rating__lte=5), name="survey_rating_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id}: {self.rating}"
