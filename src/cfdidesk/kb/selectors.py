"""Reads of the knowledge base: search with filters, what each user may see."""

from __future__ import annotations

from functools import reduce
from typing import Any

from django.db.models import Case, IntegerField, QuerySet, Value, When

from cfdidesk.accounts.roles import has_capability
from cfdidesk.customers.rules import search_key

from .models import Article, ArticleCategory, State, Visibility

MAX_TERMS = 8
# Columns a list does not need; the body can be 100,000 characters.
HEAVY_COLUMNS = ("body", "body_html", "search_text")

__all__ = [
    "article_of_ticket",
    "article_search",
    "categories",
    "search_terms",
    "visible_articles",
]


def search_terms(query: str) -> list[str]:
    """Lower-case, accent-free words of the query, without repeats."""
    terms: list[str] = []
    for word in search_key((query or "")[:200]).split():
        if word not in terms:
            terms.append(word)
    return terms[:MAX_TERMS]


def article_search(
    *,
    query: str = "",
    visibility: str | None = None,
    state: str | None = None,
    category: int | None = None,
    published_only: bool = False,
) -> QuerySet[Article]:
    """Articles whose title or body contain every word of the query (accents and case ignored).

    With a query, articles with more of the words in their title come first, then the most
    recently updated; without one, the most recently updated first.
    """
    qs = Article.objects.select_related("category", "author")
    if published_only:
        qs = qs.filter(state=State.PUBLISHED)
    elif state:
        qs = qs.filter(state=state)
    if visibility:
        qs = qs.filter(visibility=visibility)
    if category:
        qs = qs.filter(category_id=category)
    terms = search_terms(query)
    if not terms:
        return qs.order_by("-updated_at", "-id")
    for term in terms:
        qs = qs.filter(search_text__contains=term)
    # Any: adding Case expressions gives a CombinedExpression, summed again in turn.
    hits: list[Any] = [
        Case(
            When(search_title__contains=term, then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )
        for term in terms
    ]
    if len(terms) > 1:  # the whole phrase in the title counts once more
        phrase = " ".join(terms)
        hits.append(
            Case(
                When(search_title__contains=phrase, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
    return qs.annotate(title_hits=reduce(lambda a, b: a + b, hits)).order_by(
        "-title_hits", "-updated_at", "-id"
    )


def visible_articles(user, **filters) -> QuerySet[Article]:
    """Staff (kb.view) search everything; anyone else only published public articles."""
    if has_capability(user, "kb.view"):
        return article_search(**filters)
    filters.update(visibility=Visibility.PUBLIC, published_only=True)
    filters.pop("state", None)
    return article_search(**filters)


def categories() -> QuerySet[ArticleCategory]:
    return ArticleCategory.objects.order_by("position", "name")


def article_of_ticket(*, ticket) -> Article | None:
    """The article that documents a ticket, if one was drafted from it (just what a link needs)."""
    return (
        Article.objects.filter(source_ticket=ticket)
        .only("slug", "title", "state", "visibility")
        .first()
    )
