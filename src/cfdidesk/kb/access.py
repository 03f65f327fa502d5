"""The one place that decides who may reach an article: `get_article_for` to read it,
`get_article_for_edit` to change, publish or delete it, `get_public_article` for the public page."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from cfdidesk.accounts.roles import has_capability

from .models import Article, State, Visibility


def _article(slug: str) -> Article | None:
    return (
        Article.objects.select_related("category", "author", "source_ticket")
        .filter(slug=slug)
        .first()
    )


def get_article_for(user, slug: str) -> Article:
    """Staff (kb.view) reach every article; any other signed-in user reaches only published public
    articles (404 otherwise); everyone else is refused."""
    article = _article(slug)
    if has_capability(user, "kb.view"):
        if article is None:
            raise Http404
        return article
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        raise PermissionDenied
    if article is None or not article.is_visible_to_customers:
        raise Http404
    return article


def get_article_for_edit(user, slug: str) -> Article:
    """Staff who write the knowledge base (kb.edit) reach every article; everyone else is refused."""
    if not has_capability(user, "kb.edit"):
        raise PermissionDenied
    article = _article(slug)
    if article is None:
        raise Http404
    return article


def get_public_article(slug: str) -> Article:
    """The customer-facing page: published public articles only, for everybody (404 otherwise)."""
    article = (
        Article.objects.select_related("category")
        .filter(slug=slug, state=State.PUBLISHED, visibility=Visibility.PUBLIC)
        .first()
    )
    if article is None:
        raise Http404
    return article
