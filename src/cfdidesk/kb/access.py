"""The one place that decides who may reach an article."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from cfdidesk.accounts.roles import has_capability

from .models import Article, State, Visibility


def get_article_for(user, slug: str, *, capability: str = "kb.view") -> Article:
    """Staff with the capability reach every article; any other signed-in user reading (kb.view)
    reaches only published public articles (404 otherwise); everyone else is refused."""
    article = (
        Article.objects.select_related("category", "author", "source_ticket")
        .filter(slug=slug)
        .first()
    )
    if has_capability(user, capability):
        if article is None:
            raise Http404
        return article
    if (
        capability != "kb.view"
        or not getattr(user, "is_authenticated", False)
        or not user.is_active
    ):
        raise PermissionDenied
    if article is None or not article.is_visible_to_customers:
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
