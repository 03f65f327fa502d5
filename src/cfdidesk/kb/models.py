from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

TITLE_MAX = 200
BODY_MAX = 100_000
SLUG_MAX = 220


class ArticleCategory(models.Model):
    name = models.CharField(_("nombre"), max_length=120, unique=True)
    position = models.PositiveSmallIntegerField(_("posición"), default=0)

    class Meta:
        verbose_name = _("categoría de artículos")
        verbose_name_plural = _("categorías de artículos")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class Visibility(models.TextChoices):
    INTERNAL = "internal", _("Interno")
    PUBLIC = "public", _("Público")


class State(models.TextChoices):
    DRAFT = "draft", _("Borrador")
    PUBLISHED = "published", _("Publicado")


class Article(models.Model):
    """A knowledge-base article: Markdown source plus its sanitised HTML, written by services only."""

    title = models.CharField(_("título"), max_length=TITLE_MAX)
    # Follows the title until the first publication, then never changes (links stay valid).
    slug = models.SlugField(_("dirección"), max_length=SLUG_MAX, unique=True)
    body = models.TextField(_("contenido"), blank=True)
    # Derived from `body` by rendering.render_markdown on every write.
    body_html = models.TextField(editable=False, default="")
    summary = models.CharField(max_length=300, editable=False, default="")
    # Lower-case, accent-free copies for search (customers.rules.search_key).
    search_title = models.CharField(max_length=TITLE_MAX, editable=False, default="")
    search_text = models.TextField(editable=False, default="")
    category = models.ForeignKey(
        ArticleCategory,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="articles",
        verbose_name=_("categoría"),
    )
    visibility = models.CharField(
        _("visibilidad"), max_length=10, choices=Visibility.choices, default=Visibility.INTERNAL
    )
    state = models.CharField(_("estado"), max_length=10, choices=State.choices, default=State.DRAFT)
    source_ticket = models.ForeignKey(
        "desk.Ticket",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("ticket de origen"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("autor"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The first publication; kept when the article goes back to draft.
    published_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("artículo")
        ordering = ["-updated_at", "-id"]
        indexes = [
            models.Index(fields=["-updated_at", "-id"], name="kb_article_recent"),
            models.Index(
                fields=["state", "visibility", "-updated_at"], name="kb_article_state_visibility"
            ),
            models.Index(fields=["category", "-updated_at"], name="kb_article_category"),
        ]
        constraints = [
            # A ticket is documented once: asking again opens the same article (NULLs never collide).
            models.UniqueConstraint(fields=["source_ticket"], name="kb_article_one_per_ticket"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_public(self) -> bool:
        return self.visibility == Visibility.PUBLIC

    @property
    def is_published(self) -> bool:
        return self.state == State.PUBLISHED

    @property
    def is_visible_to_customers(self) -> bool:
        return self.is_public and self.is_published
