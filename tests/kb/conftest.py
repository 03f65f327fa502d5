import pytest

from cfdidesk.desk.tickets.services.tickets import ticket_create
from cfdidesk.kb.models import ArticleCategory, Visibility
from cfdidesk.kb.services import article_create, article_publish


@pytest.fixture
def company(make_company):
    return make_company()


@pytest.fixture
def make_ticket(actor, company):
    def make(**kwargs):
        kwargs.setdefault("subject", "No timbra la factura A-123")
        kwargs.setdefault("company", company)
        return ticket_create(actor=actor, **kwargs)

    return make


@pytest.fixture
def category(db):
    return ArticleCategory.objects.create(name="Timbrado", position=1)


@pytest.fixture
def make_article(actor):
    """make_article(title, body=..., visibility=..., published=True/False, category=...)."""

    def make(
        title="Cómo verificar si una factura está timbrada",
        *,
        body="El archivo empieza con **PRE**.",
        visibility=Visibility.INTERNAL,
        published=False,
        category=None,
    ):
        article = article_create(
            actor=actor, title=title, body=body, visibility=visibility, category=category
        )
        if published:
            article = article_publish(actor=actor, article=article)
        return article

    return make
