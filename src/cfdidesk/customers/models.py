from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import Exact
from django.utils.translation import gettext_lazy as _

from cfdidesk.sat import catalogs
from cfdidesk.sat.rfc import GENERIC_RFCS, PERSON_FISICA, PERSON_MORAL

PERSON_TYPE_CHOICES = [(PERSON_MORAL, _("Persona moral")), (PERSON_FISICA, _("Persona física"))]


class Company(models.Model):
    """A customer company (cliente), the receptor of its CFDI."""

    legal_name = models.CharField(_("razón social"), max_length=254)
    trade_name = models.CharField(_("nombre comercial"), max_length=254, blank=True)
    rfc = models.CharField(_("RFC"), max_length=13, db_index=True)
    # Derived from the RFC by the database so it can never disagree with it.
    person_type = models.GeneratedField(
        expression=models.Case(
            models.When(Exact(Length("rfc"), 12), then=models.Value(PERSON_MORAL)),
            default=models.Value(PERSON_FISICA),
        ),
        output_field=models.CharField(max_length=6, choices=PERSON_TYPE_CHOICES),
        db_persist=True,
        verbose_name=_("tipo de persona"),
    )
    tax_regime = models.CharField(_("régimen fiscal"), max_length=3)
    cfdi_use = models.CharField(_("uso del CFDI"), max_length=4)
    email = models.CharField(_("correo electrónico"), max_length=254)
    email_2 = models.CharField(_("correo adicional 1"), max_length=254, blank=True)
    email_3 = models.CharField(_("correo adicional 2"), max_length=254, blank=True)
    postal_code = models.CharField(_("código postal"), max_length=5, db_index=True)
    phone = models.CharField(_("teléfono"), max_length=40, blank=True)
    notes = models.TextField(_("notas"), blank=True)

    ship_street = models.CharField(_("calle"), max_length=200, blank=True)
    ship_exterior_number = models.CharField(_("número exterior"), max_length=30, blank=True)
    ship_interior_number = models.CharField(_("número interior"), max_length=30, blank=True)
    ship_neighbourhood = models.CharField(_("colonia"), max_length=120, blank=True)
    ship_municipality = models.CharField(_("municipio o alcaldía"), max_length=120, blank=True)
    ship_state = models.CharField(_("entidad federativa"), max_length=120, blank=True)
    ship_postal_code = models.CharField(_("código postal de envío"), max_length=5, blank=True)
    ship_country = models.CharField(_("país"), max_length=80, blank=True)

    # Lower-case, accent-free legal and trade names, for search.
    search_name = models.CharField(max_length=510, editable=False, default="")
    is_active = models.BooleanField(_("activo"), default=True)
    archived_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    # The bulk load that created it: its history without one audit row per imported company.
    import_job = models.ForeignKey(
        "ImportJob",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("cliente")
        verbose_name_plural = _("clientes")
        constraints = [
            models.UniqueConstraint(
                fields=["rfc"],
                condition=~Q(rfc__in=sorted(GENERIC_RFCS)),
                name="company_rfc_unique_except_generic",
            ),
        ]
        # Each index is one more write per imported row, so only what a search or sort uses: e-mails
        # are searched by prefix or whole (pattern_ops serves both on PostgreSQL; SQLite ignores the
        # opclass), names are sorted, never searched by prefix (search_name serves the search).
        indexes = [
            models.Index(fields=["legal_name", "id"], name="company_legal_name"),
            *(
                models.Index(fields=[f], name=f"company_{f}", opclasses=["varchar_pattern_ops"])
                for f in ("email", "email_2", "email_3")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.legal_name} ({self.rfc})"

    @property
    def person_type_label(self) -> str:
        return str(dict(PERSON_TYPE_CHOICES).get(self.person_type, ""))

    @property
    def tax_regime_label(self) -> str:
        regime = catalogs.tax_regimes().get(self.tax_regime)
        return regime.label if regime else self.tax_regime

    @property
    def cfdi_use_label(self) -> str:
        use = catalogs.cfdi_uses().get(self.cfdi_use)
        return use.label if use else self.cfdi_use

    @property
    def emails(self) -> list[str]:
        return [e for e in (self.email, self.email_2, self.email_3) if e]

    @property
    def has_shipping_address(self) -> bool:
        return any(getattr(self, f) for f in SHIPPING_FIELDS)


SHIPPING_FIELDS = [
    "ship_street",
    "ship_exterior_number",
    "ship_interior_number",
    "ship_neighbourhood",
    "ship_municipality",
    "ship_state",
    "ship_postal_code",
    "ship_country",
]
# The fields a user edits; the services, forms, API and CSV all take this list.
EDITABLE_FIELDS = [
    "legal_name",
    "trade_name",
    "rfc",
    "tax_regime",
    "cfdi_use",
    "email",
    "email_2",
    "email_3",
    "postal_code",
    "phone",
    *SHIPPING_FIELDS,
    "notes",
]


class Contact(models.Model):
    """A person at a customer company."""

    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("cliente")
    )
    name = models.CharField(_("nombre"), max_length=200)
    email = models.CharField(_("correo electrónico"), max_length=254, blank=True, db_index=True)
    phone = models.CharField(_("teléfono"), max_length=40, blank=True)
    position = models.CharField(_("puesto"), max_length=120, blank=True)
    language = models.CharField(
        _("idioma"), max_length=10, choices=settings.LANGUAGES, default="es-mx"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contact",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("contacto")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def portal_state(self) -> str:
        """ "none" (no account), "invited" (waits to choose a password), "active" or "revoked"."""
        user = self.user
        if user is None:
            return "none"
        if not user.is_active:
            return "revoked"
        if user.last_login is None and not user.has_usable_password():
            return "invited"
        return "active"


class ImportJob(models.Model):
    """A bulk load of companies from a CSV file ("Carga masiva de clientes")."""

    class State(models.TextChoices):
        QUEUED = "queued", _("En cola")
        VALIDATING = "validating", _("Validando")
        AWAITING_CONFIRMATION = "awaiting_confirmation", _("Espera confirmación")
        WRITING = "writing", _("Guardando")
        DONE = "done", _("Terminado")
        FAILED = "failed", _("Fallido")
        CANCELLED = "cancelled", _("Cancelado")

    class Mode(models.TextChoices):
        CREATE = "create", _("Solo crear clientes nuevos")
        UPSERT = "upsert", _("Crear nuevos y actualizar los existentes (por RFC)")

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    file = models.FileField(upload_to="imports/%Y/%m/")
    original_name = models.CharField(max_length=255)
    size_bytes = models.PositiveBigIntegerField(default=0)
    encoding = models.CharField(max_length=20, blank=True)
    delimiter = models.CharField(max_length=1, default=",")
    mode = models.CharField(max_length=10, choices=Mode.choices, default=Mode.CREATE)
    auto_confirm = models.BooleanField(default=False)
    state = models.CharField(
        max_length=24, choices=State.choices, default=State.QUEUED, db_index=True
    )
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    valid_rows = models.PositiveIntegerField(default=0)
    invalid_rows = models.PositiveIntegerField(default=0)
    warning_rows = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)
    message = models.TextField(blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("carga masiva")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.get_state_display()})"

    @property
    def progress_percent(self) -> int:
        if self.state in (self.State.DONE, self.State.AWAITING_CONFIRMATION):
            return 100
        if not self.total_rows:
            return 0
        return min(100, int(self.processed_rows * 100 / self.total_rows))

    @property
    def is_running(self) -> bool:
        return self.state in (self.State.QUEUED, self.State.VALIDATING, self.State.WRITING)


class ImportRowIssue(models.Model):
    """An error (row not imported) or a warning (row imported) found in one CSV row."""

    class Severity(models.TextChoices):
        ERROR = "error", _("Error")
        WARNING = "warning", _("Aviso")

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="issues")
    row_number = models.PositiveIntegerField()
    column = models.CharField(max_length=60, blank=True)
    message = models.TextField()
    severity = models.CharField(max_length=8, choices=Severity.choices, default=Severity.ERROR)

    class Meta:
        ordering = ["row_number", "id"]
        indexes = [models.Index(fields=["job", "severity", "row_number"])]

    def __str__(self) -> str:
        return f"{self.row_number}: {self.message}"
