"""The invoicing pipeline's data: environments, movements, documents and their history.

Workflows live in services/; here only data, choices and the invariants the database can hold.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cfdidesk.sat import catalogs


class DocumentType(models.TextChoices):
    """SAT's c_TipoDeComprobante codes the pipeline issues."""

    INCOME = "I", _("Ingreso")
    CREDIT_NOTE = "E", _("Egreso (nota de crédito)")
    PAYMENT = "P", _("Pago")
    PAYROLL = "N", _("Nómina")


class State(models.TextChoices):
    RECEIVED = "received", _("Recibido")
    MAPPING_ERROR = "mapping_error", _("Error de mapping")
    PRE = "pre", _("PRE (sin validar)")
    VALIDATION_ERROR = "validation_error", _("Error de structure validation")
    WAITING_FOR_INPUT = "waiting_for_input", _("En espera del generador")
    STAMPED = "stamped", _("Timbrado")
    GENERATOR_ERROR = "generator_error", _("Error del generador")
    CANCELLED = "cancelled", _("Cancelado")
    NO_CREDITS = "no_credits", _("Sin timbres")


SERIES_FIELDS = {
    DocumentType.INCOME: "series_income",
    DocumentType.CREDIT_NOTE: "series_credit_note",
    DocumentType.PAYMENT: "series_payment",
    DocumentType.PAYROLL: "series_payroll",
}


class InvoicingEnvironment(models.Model):
    """A customer's invoicing set-up: the emitter, its CSD, its series and its generator.

    The CSD's private key and password are stored encrypted (crypto.py) and never leave the
    services: no form, page, API answer or log shows them.
    """

    company = models.ForeignKey(
        "customers.Company",
        on_delete=models.PROTECT,
        related_name="invoicing_environments",
        verbose_name=_("cliente"),
    )
    name = models.CharField(_("nombre"), max_length=120)
    emitter_rfc = models.CharField(_("RFC del emisor"), max_length=13, db_index=True)
    emitter_name = models.CharField(_("razón social del emisor"), max_length=300)
    tax_regime = models.CharField(_("régimen fiscal del emisor"), max_length=3)
    postal_code = models.CharField(_("lugar de expedición (código postal)"), max_length=5)
    series_income = models.CharField(_("serie de ingresos"), max_length=25, blank=True, default="A")
    series_credit_note = models.CharField(
        _("serie de notas de crédito"), max_length=25, blank=True, default="NC"
    )
    series_payment = models.CharField(_("serie de pagos"), max_length=25, blank=True, default="P")
    series_payroll = models.CharField(
        _("serie de nómina"), max_length=25, blank=True, default="NOM"
    )
    adapter = models.CharField(_("adaptador de timbrado"), max_length=40, default="sandbox")

    generator_running = models.BooleanField(_("generador encendido"), default=False)
    generator_changed_at = models.DateTimeField(null=True, blank=True, editable=False)
    generator_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    certificate = models.BinaryField(null=True, blank=True, editable=False)  # DER, public
    certificate_number = models.CharField(
        _("número de certificado"), max_length=20, blank=True, editable=False
    )
    certificate_valid_from = models.DateTimeField(null=True, blank=True, editable=False)
    certificate_valid_until = models.DateTimeField(null=True, blank=True, editable=False)
    key_encrypted = models.BinaryField(null=True, blank=True, editable=False)
    password_encrypted = models.BinaryField(null=True, blank=True, editable=False)
    csd_loaded_at = models.DateTimeField(null=True, blank=True, editable=False)
    csd_loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    is_active = models.BooleanField(_("activo"), default=True)
    # Bumped whenever the CSD changes, so workers drop the signer they keep in memory.
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("ambiente de facturación")
        verbose_name_plural = _("ambientes de facturación")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.emitter_rfc})"

    @property
    def has_csd(self) -> bool:
        return bool(self.certificate_number and self.key_encrypted)

    def series_for(self, document_type: str) -> str:
        return getattr(self, SERIES_FIELDS[document_type])

    @property
    def tax_regime_label(self) -> str:
        regime = catalogs.tax_regimes().get(self.tax_regime)
        return regime.label if regime else self.tax_regime


class GeneratorEvent(models.Model):
    """Who paused or resumed an environment's generator, when and why."""

    class Action(models.TextChoices):
        PAUSE = "pause", _("Pausado")
        RESUME = "resume", _("Encendido")

    environment = models.ForeignKey(
        InvoicingEnvironment, on_delete=models.CASCADE, related_name="generator_events"
    )
    action = models.CharField(max_length=10, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.created_at:%Y-%m-%d %H:%M}"


class PayloadField(models.JSONField):
    """A JSONField that keeps bulk inserts on PostgreSQL as VALUES rows.

    Django 5.2 bulk-inserts through UNNEST(arrays) when it can; psycopg then escapes every quote
    of every JSON document inside a text array in Python, which made storing a batch of
    movements several times slower than the plain VALUES insert a custom placeholder selects.
    """

    def get_placeholder(self, value, compiler, connection):
        return "%s"


class XmlField(models.TextField):
    """XML text, bulk-inserted as VALUES rows on PostgreSQL for the same reason as PayloadField
    (an XML is full of quotes that psycopg would escape one by one inside a text array)."""

    def get_placeholder(self, value, compiler, connection):
        return "%s"


class Movement(models.Model):
    """A source movement ("movto") exactly as the customer's system sent it, normalised."""

    class Source(models.TextChoices):
        API = "api", _("API")
        FILE = "file", _("Archivo")
        DEMO = "demo", _("Demostración")

    environment = models.ForeignKey(
        InvoicingEnvironment, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    movement_id = models.CharField(_("movimiento"), max_length=100)
    payload = PayloadField()
    # sha256 of the canonical payload: the same id with the same content is "ya recibido".
    content_hash = models.CharField(max_length=64)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.API)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["environment", "movement_id"], name="inv_movement_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.movement_id


class Document(models.Model):
    """One CFDI of an environment, from pre-document to stamped. Arrival order is the id.

    `input_flag` is the seed's preStatus input = 1: the pipeline takes flagged documents, in
    arrival order; setting it again (document_reprocess) rebuilds the document from its movement.
    The XML lives in DocumentXml so list queries read narrow rows.
    """

    environment = models.ForeignKey(
        InvoicingEnvironment, on_delete=models.CASCADE, related_name="documents", db_index=False
    )
    # The movement it was built from (None for a CFDI imported as XML); `movement_id` is its id as text.
    source_movement = models.OneToOneField(
        Movement, null=True, blank=True, on_delete=models.PROTECT, related_name="document"
    )
    movement_id = models.CharField(_("movimiento"), max_length=100, blank=True)
    document_type = models.CharField(_("tipo"), max_length=1, choices=DocumentType.choices)
    series = models.CharField(_("serie"), max_length=25, blank=True)
    folio = models.PositiveBigIntegerField(_("folio"), null=True, blank=True)
    state = models.CharField(
        _("estado"), max_length=20, choices=State.choices, default=State.RECEIVED
    )
    input_flag = models.BooleanField(_("input = 1"), default=True)
    receptor_rfc = models.CharField(_("RFC del receptor"), max_length=13, blank=True)
    receptor_name = models.CharField(_("receptor"), max_length=300, blank=True)
    currency = models.CharField(_("moneda"), max_length=3, blank=True)
    total = models.DecimalField(_("total"), max_digits=24, decimal_places=6, null=True, blank=True)
    uuid = models.CharField(_("UUID"), max_length=36, null=True, blank=True, unique=True)
    file_name = models.CharField(_("archivo"), max_length=120, blank=True)
    # [{"kind": "mapping" | "validation" | "generator", "field": "...", "message": "..."}]
    errors = models.JSONField(default=list, blank=True)
    issued_at = models.DateTimeField(_("fecha de emisión"), null=True, blank=True)
    stamped_at = models.DateTimeField(_("fecha de timbrado"), null=True, blank=True)
    created_at = models.DateTimeField(_("recibido"), default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("documento")
        constraints = [
            # No folio is used twice in a series and type: the database holds it, not only the generator.
            models.UniqueConstraint(
                fields=["environment", "series", "document_type", "folio"],
                condition=Q(folio__isnull=False),
                name="inv_document_folio_unique",
            ),
        ]
        # Every list is per environment, newest first (id), with at most one filter served by its
        # own index; search by movement, series-folio, UUID or file name is an index lookup.
        indexes = [
            models.Index(fields=["environment", "id"], name="inv_doc_env"),
            models.Index(fields=["environment", "state", "id"], name="inv_doc_state"),
            models.Index(fields=["environment", "document_type", "id"], name="inv_doc_type"),
            models.Index(fields=["environment", "series", "id"], name="inv_doc_series"),
            models.Index(fields=["environment", "receptor_rfc", "id"], name="inv_doc_receptor"),
            # The date filter lists newest first by arrival time: (created_at, id) in one index.
            models.Index(fields=["environment", "created_at", "id"], name="inv_doc_created_id"),
            # Search by series-folio whatever the type (the unique constraint has the type in between).
            models.Index(fields=["environment", "series", "folio"], name="inv_doc_series_folio"),
            models.Index(fields=["environment", "movement_id"], name="inv_doc_movement"),
            models.Index(fields=["environment", "file_name"], name="inv_doc_file"),
            # What the pipeline still has to take: small, whatever the size of the table.
            models.Index(
                fields=["environment", "id"], condition=Q(input_flag=True), name="inv_doc_pending"
            ),
        ]

    def __str__(self) -> str:
        return self.file_name or self.movement_id

    @property
    def series_folio(self) -> str:
        if self.folio is None:
            return ""
        return f"{self.series}-{self.folio}" if self.series else str(self.folio)

    @property
    def is_stamped(self) -> bool:
        return self.state == State.STAMPED


class StateCount(models.Model):
    """Documents of an environment per state, kept by services.transitions.transitions_save.

    Every change of state writes a DocumentTransition row; the same function that saves those
    rows moves these counters, in the same transaction, so the environment page reads nine
    numbers instead of grouping a million documents.
    """

    environment = models.ForeignKey(
        InvoicingEnvironment, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    state = models.CharField(max_length=20, choices=State.choices)
    count = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["environment", "state"], name="inv_state_count_unique")
        ]

    def __str__(self) -> str:
        return f"{self.state}: {self.count}"


class DocumentXml(models.Model):
    """The heavy part of a document: its pre-document and its stamped XML (UTF-8 text)."""

    document = models.OneToOneField(
        Document, primary_key=True, on_delete=models.CASCADE, related_name="xml"
    )
    pre_xml = XmlField(blank=True)
    stamped_xml = XmlField(blank=True)

    def __str__(self) -> str:
        return f"XML {self.document_id}"


class DocumentTransition(models.Model):
    """A document's history: every change of state, who (None: the pipeline), when and why."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="transitions")
    from_state = models.CharField(max_length=20, blank=True)
    to_state = models.CharField(max_length=20)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.from_state or '-'} → {self.to_state}"

    @property
    def from_label(self) -> str:
        return State(self.from_state).label if self.from_state else ""

    @property
    def to_label(self) -> str:
        return State(self.to_state).label


class LogLine(models.Model):
    """The environment's debug log, line by line; searched by movement id (seed: "control f con movto")."""

    class Stage(models.TextChoices):
        INTAKE = "intake", _("Recepción")
        MAPPING = "mapping", _("Mapping")
        VALIDATION = "validation", _("Structure validation")
        GENERATOR = "generator", _("Generador")
        ENVIRONMENT = "environment", _("Ambiente")

    class Level(models.TextChoices):
        INFO = "info", _("Información")
        WARNING = "warning", _("Aviso")
        ERROR = "error", _("Error")

    environment = models.ForeignKey(
        InvoicingEnvironment, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    movement_id = models.CharField(max_length=100, blank=True)
    stage = models.CharField(max_length=12, choices=Stage.choices)
    level = models.CharField(max_length=7, choices=Level.choices, default=Level.INFO)
    message = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["environment", "movement_id", "id"], name="inv_log_movement"),
            models.Index(fields=["environment", "id"], name="inv_log_env"),
        ]

    def __str__(self) -> str:
        return self.message[:80]


class FolioCounter(models.Model):
    """The last folio used per environment, series and document type."""

    environment = models.ForeignKey(
        InvoicingEnvironment,
        on_delete=models.CASCADE,
        related_name="folio_counters",
        db_index=False,
    )
    series = models.CharField(max_length=25, blank=True)
    document_type = models.CharField(max_length=1, choices=DocumentType.choices)
    last = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["environment", "series", "document_type"], name="inv_folio_counter_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.series or '-'}/{self.document_type}: {self.last}"


class StampBalance(models.Model):
    """Stamp credits of an emitter RFC: each stamp consumes one."""

    rfc = models.CharField(_("RFC"), max_length=13, unique=True)
    available = models.BigIntegerField(_("timbres disponibles"), default=0)
    used = models.BigIntegerField(_("timbres usados"), default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("saldo de timbres")
        verbose_name_plural = _("saldos de timbres")
        constraints = [
            models.CheckConstraint(condition=Q(available__gte=0), name="inv_balance_not_negative")
        ]

    def __str__(self) -> str:
        return f"{self.rfc}: {self.available}"


class CreditLoad(models.Model):
    """Stamp credits loaded for an RFC (the purchase workflow that leads here comes later)."""

    rfc = models.CharField(_("RFC"), max_length=13, db_index=True)
    quantity = models.PositiveIntegerField(_("timbres"))
    note = models.CharField(_("nota"), max_length=300, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("carga de timbres")
        verbose_name_plural = _("cargas de timbres")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.rfc} +{self.quantity}"
