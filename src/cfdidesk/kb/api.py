from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from cfdidesk.accounts.roles import has_capability
from cfdidesk.core.pagination import page_of

from . import selectors, services
from .access import get_article_for, get_article_for_edit
from .models import Article, ArticleCategory, State, Visibility

router = Router(tags=["Conocimiento"])


class CategoryOut(Schema):
    id: int
    name: str


class ArticleOut(Schema):
    id: int
    slug: str
    title: str
    body: str = Field(..., description="Texto en Markdown")
    html: str = Field(
        ..., description="El texto convertido a HTML seguro (lista de etiquetas permitidas)"
    )
    summary: str
    category: CategoryOut | None
    visibility: str = Field(
        ..., description="internal (solo el equipo) o public (también clientes)"
    )
    state: str = Field(..., description="draft o published")
    source_ticket: str | None = Field(
        None, description="Número del ticket documentado (solo para el equipo)"
    )
    author: str | None = Field(None, description="Usuario que lo escribió (solo para el equipo)")
    created_at: datetime
    updated_at: datetime
    published_at: datetime | None
    version: int


class ArticlePage(Schema):
    items: list[ArticleOut]
    page: int
    has_next: bool


class ArticleIn(Schema):
    title: str
    body: str = ""
    category_id: int | None = None
    visibility: str = Field(Visibility.INTERNAL.value, description="internal o public")
    state: str = Field(State.DRAFT.value, description="draft o published")


class ArticlePatch(Schema):
    title: str | None = None
    body: str | None = None
    category_id: int | None = None
    visibility: str | None = None
    state: str | None = Field(None, description="draft o published: publica o regresa a borrador")
    version: int | None = Field(
        None, description="Versión leída; si otro usuario guardó después, la petición se rechaza"
    )


def _require(request, capability: str) -> None:
    if not has_capability(request.user, capability):
        raise PermissionDenied


def _category(category_id: int | None) -> ArticleCategory | None:
    if category_id is None:
        return None
    category = ArticleCategory.objects.filter(pk=category_id).first()
    if category is None:
        raise ValidationError(
            {"category_id": [_("No existe la categoría %(id)s.") % {"id": category_id}]}
        )
    return category


def _check_choice(name: str, value: str | None, choices) -> None:
    if value and value not in choices.values:
        raise ValidationError(
            {
                name: [
                    _("Valor desconocido: «%(v)s». Usa: %(ok)s.")
                    % {"v": value, "ok": ", ".join(choices.values)}
                ]
            }
        )


def _out(article: Article, user) -> dict:
    staff = has_capability(user, "kb.view")
    author = article.author if staff else None
    return {
        "id": article.pk,
        "slug": article.slug,
        "title": article.title,
        "body": article.body,
        "html": article.body_html,
        "summary": article.summary,
        "category": {"id": article.category.pk, "name": article.category.name}
        if article.category
        else None,
        "visibility": article.visibility,
        "state": article.state,
        # Which ticket (of which customer) and who wrote it is the team's business only.
        "source_ticket": article.source_ticket.number
        if staff and article.source_ticket_id
        else None,
        "author": (author.get_username() if author else None),
        "created_at": article.created_at,
        "updated_at": article.updated_at,
        "published_at": article.published_at,
        "version": article.version,
    }


def _transition(request, article: Article, state: str | None) -> Article:
    if state == State.PUBLISHED:
        return services.article_publish(actor=request.user, article=article)
    if state == State.DRAFT:
        return services.article_unpublish(actor=request.user, article=article)
    return article


def _reload(article: Article) -> Article:
    return Article.objects.select_related("category", "author", "source_ticket").get(pk=article.pk)


@router.get("/articles", response=ArticlePage, summary="Buscar y listar artículos")
def list_articles(
    request,
    search: str = "",
    category: int | None = None,
    visibility: str = "",
    state: str = "",
    page: int = 1,
    page_size: int = 50,
):
    """El equipo ve todos; un contacto del portal, solo los artículos públicos publicados."""
    _check_choice("visibility", visibility, Visibility)
    _check_choice("state", state, State)
    articles = selectors.visible_articles(
        request.user,
        query=search[:100],
        category=category,
        visibility=visibility or None,
        state=state or None,
    ).select_related("source_ticket")
    result = page_of(articles, number=page, size=max(1, min(page_size, 100)))
    return {
        "items": [_out(a, request.user) for a in result.items],
        "page": result.number,
        "has_next": result.has_next,
    }


@router.post("/articles", response={201: ArticleOut}, summary="Crear un artículo")
def create_article(request, payload: ArticleIn):
    _require(request, "kb.edit")
    _check_choice("state", payload.state, State)
    with transaction.atomic():
        article = services.article_create(
            actor=request.user,
            title=payload.title,
            body=payload.body,
            category=_category(payload.category_id),
            visibility=payload.visibility,
        )
        article = _transition(request, article, payload.state)
    return Status(201, _out(_reload(article), request.user))


@router.get("/articles/{slug}", response=ArticleOut, summary="Un artículo")
def get_article(request, slug: str):
    return _out(get_article_for(request.user, slug), request.user)


@router.patch(
    "/articles/{slug}",
    response=ArticleOut,
    summary="Modificar, publicar o regresar a borrador un artículo",
)
def update_article(request, slug: str, payload: ArticlePatch):
    article = get_article_for_edit(request.user, slug)
    data = payload.dict(exclude_unset=True)
    version = data.pop("version", None)
    state = data.pop("state", None)
    _check_choice("state", state, State)
    if "category_id" in data:
        data["category"] = _category(data.pop("category_id"))
    with transaction.atomic():
        if data:
            article = services.article_update(
                actor=request.user, article=article, data=data, version=version
            )
        elif version is not None and version != article.version:
            raise ValidationError({"__all__": [services.stale_message()]})
        article = _transition(request, article, state)
    return _out(_reload(article), request.user)


@router.delete("/articles/{slug}", response={204: None}, summary="Eliminar un artículo")
def delete_article(request, slug: str):
    services.article_delete(actor=request.user, article=get_article_for_edit(request.user, slug))
    return Status(204, None)


@router.get("/categories", response=list[CategoryOut], summary="Categorías de artículos")
def list_categories(request):
    return list(selectors.categories())
