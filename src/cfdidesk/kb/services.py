"""Every write to the knowledge base goes through these functions; each is one transaction with its audit entry."""

from __future__ import annotations

import secrets
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from cfdidesk.audit.services import audit_record
from cfdidesk.core.actors import actor_or_none
from cfdidesk.core.audit_actions import AuditAction
from cfdidesk.customers.rules import search_key
from cfdidesk.desk.models import Ticket, TicketEvent

from .models import BODY_MAX, SLUG_MAX, TITLE_MAX, Article, ArticleCategory, State, Visibility
from .rendering import plain_summary, render_markdown

EDITABLE_FIELDS = ("title", "body", "category", "visibility")
# Paths under /conocimiento/ that an article must not take as its slug.
RESERVED_SLUGS = frozenset({"nuevo", "publico", "desde-ticket", "vista-previa"})
SLUG_ATTEMPTS = 10


def stale_message() -> str:
    return _(
        "Otra persona modificó este artículo mientras lo editabas. "
        "Recarga la página para ver sus cambios y vuelve a aplicar los tuyos."
    )


def _clean(values: dict) -> dict:
    """Normalise and check the editable fields present in `values`; raises ValidationError in Spanish."""
    errors: dict[str, list[str]] = {}
    if "title" in values:
        title = " ".join((values["title"] or "").split())
        if not title:
            errors["title"] = [_("Escribe el título del artículo.")]
        elif len(title) > TITLE_MAX:
            errors["title"] = [
                _("El título admite como máximo %(max)d caracteres; tiene %(n)d.")
                % {"max": TITLE_MAX, "n": len(title)}
            ]
        values["title"] = title
    if "body" in values:
        body = (
            (values["body"] or "").replace("\r\n", "\n").replace("\r", "\n").rstrip().lstrip("\n")
        )
        if len(body) > BODY_MAX:
            errors["body"] = [
                _("El contenido es demasiado largo: máximo %(max)d caracteres; tiene %(n)d.")
                % {"max": BODY_MAX, "n": len(body)}
            ]
        values["body"] = body
    if "visibility" in values and values["visibility"] not in Visibility.values:
        errors["visibility"] = [_("Visibilidad desconocida: elige «Interno» o «Público».")]
    category = values.get("category")
    if category is not None and not isinstance(category, ArticleCategory):
        errors["category"] = [_("Categoría desconocida.")]
    if errors:
        raise ValidationError(errors)
    return values


def _derived(title: str, body: str) -> dict:
    """The columns computed from title and body: sanitised HTML, summary and search keys."""
    rendered = render_markdown(body)
    return {
        "body_html": str(rendered),
        "summary": plain_summary(rendered),
        "search_title": search_key(title)[:TITLE_MAX],
        "search_text": search_key(title, body),
    }


def _slug_base(title: str) -> str:
    return slugify(title)[: SLUG_MAX - 10].strip("-") or "articulo"


def _free_slug(title: str, *, exclude_pk: int | None = None) -> str:
    base = _slug_base(title)
    others = Article.objects.filter(slug__startswith=base)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    taken = set(others.values_list("slug", flat=True))
    taken |= RESERVED_SLUGS
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def _with_free_slug(
    title: str, write: Callable[[str], None], *, exclude_pk: int | None = None
) -> str:
    """Call write(slug) with a slug nobody has; tries again when a concurrent writer took it first.

    The unique index decides; each attempt runs in its own savepoint so a lost race leaves the
    caller's transaction usable. An IntegrityError that is not about the slug is re-raised.
    """
    for attempt in range(SLUG_ATTEMPTS):
        slug = _free_slug(title, exclude_pk=exclude_pk)
        if attempt == SLUG_ATTEMPTS - 1:
            slug = f"{slug[: SLUG_MAX - 7]}-{secrets.token_hex(3)}"
        try:
            with transaction.atomic():
                write(slug)
            return slug
        except IntegrityError:
            clash = Article.objects.filter(slug=slug)
            if exclude_pk is not None:
                clash = clash.exclude(pk=exclude_pk)
            if not clash.exists():
                raise
    raise IntegrityError(f"no free slug for {title!r}")


def _audit_values(values: dict) -> dict:
    out = {k: v for k, v in values.items() if k in ("title", "visibility")}
    if "category" in values:
        out["category"] = values["category"].name if values["category"] else None
    if "body" in values:
        out["body_chars"] = len(values["body"])
    return out


def _insert(article: Article, title: str) -> Article:
    def write(slug: str) -> None:
        article.slug = slug
        article.save(force_insert=True)

    _with_free_slug(title, write)
    return article


@transaction.atomic
def article_create(
    *,
    actor,
    title: str,
    body: str = "",
    category: ArticleCategory | None = None,
    visibility: str = Visibility.INTERNAL,
) -> Article:
    """A new article, always as a draft; publish it with article_publish."""
    values = _clean({"title": title, "body": body, "category": category, "visibility": visibility})
    article = Article(
        **values,
        **_derived(values["title"], values["body"]),
        author=actor_or_none(actor),
        state=State.DRAFT,
    )
    _insert(article, values["title"])
    audit_record(
        actor=actor,
        action=AuditAction.KB_ARTICLE_CREATE,
        target=article,
        changes=_audit_values(values),
    )
    return article


@transaction.atomic
def article_update(*, actor, article: Article, data: dict, version: int | None = None) -> Article:
    """Change title, body, category or visibility. With `version`, refuses if someone saved since it was read.

    The slug follows the title until the first publication; after that links stay valid forever.
    """
    unknown = set(data) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(
            {
                "__all__": [
                    _("Campos que no se pueden cambiar: %(f)s.") % {"f": ", ".join(sorted(unknown))}
                ]
            }
        )
    values = _clean(dict(data))
    current = Article.objects.select_for_update().filter(pk=article.pk).first()
    if current is None:
        raise ValidationError({"__all__": [_("Este artículo ya no existe: alguien lo eliminó.")]})
    if version is not None and version != current.version:
        raise ValidationError({"__all__": [stale_message()]})
    before = {name: getattr(current, name) for name in values}
    changed = {name: value for name, value in values.items() if before[name] != value}
    if not changed:
        return current
    title = changed.get("title", current.title)
    updates = dict(changed)
    if "title" in changed or "body" in changed:
        updates.update(_derived(title, changed.get("body", current.body)))
    now = timezone.now()

    def write(slug: str) -> None:
        Article.objects.filter(pk=current.pk).update(
            **updates, slug=slug, version=F("version") + 1, updated_at=now
        )

    if "title" in changed and current.published_at is None:
        _with_free_slug(title, write, exclude_pk=current.pk)
    else:
        write(current.slug)
    old, new = _audit_values({k: before[k] for k in changed}), _audit_values(changed)
    audit_record(
        actor=actor,
        action=AuditAction.KB_ARTICLE_UPDATE,
        target=current,
        changes={k: [old[k], new[k]] for k in new},
    )
    current.refresh_from_db()
    return current


@transaction.atomic
def article_publish(*, actor, article: Article) -> Article:
    """Draft → published. Publishing a published article changes nothing."""
    current = Article.objects.select_for_update().get(pk=article.pk)
    if current.state == State.PUBLISHED:
        return current
    if not current.body.strip():
        raise ValidationError(
            {"body": [_("Escribe el contenido del artículo antes de publicarlo.")]}
        )
    now = timezone.now()
    Article.objects.filter(pk=current.pk).update(
        state=State.PUBLISHED,
        published_at=current.published_at or now,
        version=F("version") + 1,
        updated_at=now,
    )
    audit_record(
        actor=actor,
        action=AuditAction.KB_ARTICLE_PUBLISH,
        target=current,
        changes={"visibility": current.visibility},
    )
    current.refresh_from_db()
    return current


@transaction.atomic
def article_unpublish(*, actor, article: Article) -> Article:
    """Published → draft: customers and the API stop seeing it; the slug stays."""
    current = Article.objects.select_for_update().get(pk=article.pk)
    if current.state == State.DRAFT:
        return current
    now = timezone.now()
    Article.objects.filter(pk=current.pk).update(
        state=State.DRAFT, version=F("version") + 1, updated_at=now
    )
    audit_record(actor=actor, action=AuditAction.KB_ARTICLE_UNPUBLISH, target=current)
    current.refresh_from_db()
    return current


@transaction.atomic
def article_delete(*, actor, article: Article) -> None:
    audit_record(
        actor=actor,
        action=AuditAction.KB_ARTICLE_DELETE,
        target=article,
        changes={"title": article.title, "slug": article.slug},
    )
    Article.objects.filter(pk=article.pk).delete()


TRUNCATED_NOTE = "\n\n_(…)_"


def _cut(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[: max(0, limit - len(TRUNCATED_NOTE))].rstrip() + TRUNCATED_NOTE


def _draft_body(ticket: Ticket) -> str:
    """Problem, solution and references of a ticket as Markdown, within the body limit."""
    replies = (
        ticket.events.filter(kind=TicketEvent.Kind.REPLY, is_public=True)
        .order_by("created_at", "id")
        .values_list("body", flat=True)
    )
    references = [
        f"- {ref.get_kind_display()}: `{ref.value}`" for ref in ticket.references.order_by("id")
    ]
    problem = (ticket.description or "").strip() or _(
        "_El ticket no tiene descripción: describe aquí el problema._"
    )
    solution = "\n\n".join(r.strip() for r in replies if r.strip()) or _(
        "_El ticket no tiene respuestas al cliente: describe aquí cómo se resolvió._"
    )
    refs = "\n".join(references) or _("_El ticket no tiene referencias._")
    headings = (_("## Problema"), _("## Solución"), _("## Referencias"))
    refs = _cut(refs, 10_000)
    problem = _cut(problem, 30_000)
    room = BODY_MAX - len(refs) - len(problem) - sum(len(h) for h in headings) - 20
    solution = _cut(solution, room)
    return "\n\n".join([headings[0], problem, headings[1], solution, headings[2], refs])


@transaction.atomic
def article_draft_from_ticket(*, actor, ticket: Ticket) -> Article:
    """An internal draft documenting a resolved ticket. Asking again for the same ticket returns its article."""
    existing = Article.objects.filter(source_ticket=ticket).first()
    if existing is not None:
        return existing
    category = None
    if ticket.category is not None:
        category = ArticleCategory.objects.filter(name=ticket.category.name).first()
    values = _clean(
        {
            "title": ticket.subject or _("Ticket %(n)s") % {"n": ticket.number},
            "body": _draft_body(ticket),
            "category": category,
            "visibility": Visibility.INTERNAL,
        }
    )
    article = Article(
        **values,
        **_derived(values["title"], values["body"]),
        author=actor_or_none(actor),
        state=State.DRAFT,
        source_ticket=ticket,
    )
    try:
        _insert(article, values["title"])
    except IntegrityError:
        # Someone documented the same ticket a moment ago: theirs is the one.
        existing = Article.objects.filter(source_ticket=ticket).first()
        if existing is None:
            raise
        return existing
    audit_record(
        actor=actor,
        action=AuditAction.KB_ARTICLE_CREATE,
        target=article,
        changes={**_audit_values(values), "ticket": ticket.number},
    )
    return article
