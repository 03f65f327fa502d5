"""Races proven against the real database with threads (PostgreSQL; SQLite serialises writers)."""

import pytest

from cfdidesk.desk.tickets.services.tickets import ticket_create
from cfdidesk.kb.models import Article
from cfdidesk.kb.services import article_create, article_draft_from_ticket, article_update
from tests.races import needs_postgres, run_together

pytestmark = pytest.mark.django_db(transaction=True)


def test_eight_users_documenting_the_same_ticket_get_one_article(actor, make_company):
    needs_postgres()
    ticket = ticket_create(
        actor=actor, company=make_company(), subject="No timbra la factura A-123"
    )
    outcomes = run_together(8, lambda i: article_draft_from_ticket(actor=actor, ticket=ticket).pk)
    assert [kind for kind, _ in outcomes] == ["ok"] * 8, outcomes
    assert len({pk for _, pk in outcomes}) == 1 and Article.objects.count() == 1


def test_eight_articles_with_the_same_title_at_once_get_distinct_slugs(actor):
    needs_postgres()
    outcomes = run_together(
        8, lambda i: article_create(actor=actor, title="Timbres", body=str(i)).slug
    )
    assert [kind for kind, _ in outcomes] == ["ok"] * 8, outcomes
    slugs = [slug for _, slug in outcomes]
    assert (
        len(set(slugs)) == 8 and "timbres" in slugs and all(s.startswith("timbres") for s in slugs)
    )
    assert Article.objects.count() == 8


def test_two_users_saving_the_same_version_one_is_told(actor):
    needs_postgres()
    article = article_create(actor=actor, title="Timbres", body="Uno")
    outcomes = run_together(
        2,
        lambda i: (
            article_update(
                actor=actor,
                article=Article.objects.get(pk=article.pk),
                data={"body": f"v{i}"},
                version=1,
            ).version
        ),
    )
    assert sorted(kind for kind, _ in outcomes) == ["ok", "refused"]
    assert Article.objects.get(pk=article.pk).version == 2
