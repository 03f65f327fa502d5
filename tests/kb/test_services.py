import pytest
from django.core.exceptions import ValidationError

from cfdidesk.audit.models import AuditEntry
from cfdidesk.desk.models import Category, Kind
from cfdidesk.desk.tickets.services.conversation import ticket_note, ticket_reply
from cfdidesk.desk.tickets.services.transitions import ticket_transition
from cfdidesk.kb.models import BODY_MAX, Article, ArticleCategory, State, Visibility
from cfdidesk.kb.services import (
    article_create,
    article_delete,
    article_draft_from_ticket,
    article_publish,
    article_unpublish,
    article_update,
)


def test_create_makes_an_internal_draft_with_rendered_html_and_audit(actor, category):
    article = article_create(
        actor=actor,
        title="  Cómo verificar   si una factura está timbrada ",
        body="Empieza con **PRE**.",
        category=category,
    )
    assert article.title == "Cómo verificar si una factura está timbrada"
    assert article.slug == "como-verificar-si-una-factura-esta-timbrada"
    assert (
        article.state == State.DRAFT
        and article.visibility == Visibility.INTERNAL
        and article.version == 1
    )
    assert article.body_html == "<p>Empieza con <strong>PRE</strong>.</p>"
    assert article.summary == "Empieza con PRE." and article.author == actor
    assert AuditEntry.objects.filter(action="kb.article.create", target_id=str(article.pk)).exists()


def test_slugs_are_unique_and_avoid_reserved_paths(actor):
    first = article_create(actor=actor, title="Timbres")
    second = article_create(actor=actor, title="¡Timbres!")
    third = article_create(actor=actor, title="TIMBRES")
    assert [first.slug, second.slug, third.slug] == ["timbres", "timbres-2", "timbres-3"]
    assert article_create(actor=actor, title="Nuevo").slug == "nuevo-2"
    assert article_create(actor=actor, title="¿¿??").slug == "articulo"


@pytest.mark.parametrize(
    "kwargs, field, fragment",
    [
        ({"title": "   "}, "title", "Escribe el título"),
        ({"title": "x" * 201}, "title", "como máximo 200"),
        ({"body": "x" * (BODY_MAX + 1)}, "body", "demasiado largo"),
        ({"visibility": "secreto"}, "visibility", "Visibilidad desconocida"),
        ({"category": "Timbrado"}, "category", "Categoría desconocida"),
    ],
)
def test_invalid_input_is_refused_in_spanish(actor, kwargs, field, fragment):
    kwargs.setdefault("title", "Un título")
    with pytest.raises(ValidationError) as exc:
        article_create(actor=actor, **kwargs)
    assert fragment in exc.value.message_dict[field][0]
    assert not Article.objects.exists()


def test_a_title_of_exactly_200_and_a_body_of_exactly_100k_are_fine(actor):
    article = article_create(actor=actor, title="t" * 200, body="x" * BODY_MAX)
    assert len(article.title) == 200 and len(article.body) == BODY_MAX


def test_update_changes_fields_bumps_version_and_records_what_changed(actor, category):
    article = article_create(actor=actor, title="Timbres", body="Uno")
    updated = article_update(
        actor=actor,
        article=article,
        data={"body": "Dos", "category": category, "visibility": Visibility.PUBLIC},
        version=1,
    )
    assert (
        updated.version == 2 and updated.body_html == "<p>Dos</p>" and updated.category == category
    )
    entry = AuditEntry.objects.get(action="kb.article.update")
    assert entry.changes == {
        "body_chars": [3, 3],
        "category": [None, "Timbrado"],
        "visibility": ["internal", "public"],
    }


def test_update_without_changes_writes_nothing(actor):
    article = article_create(actor=actor, title="Timbres", body="Uno")
    assert (
        article_update(
            actor=actor, article=article, data={"title": "Timbres ", "body": "Uno\n"}
        ).version
        == 1
    )
    assert not AuditEntry.objects.filter(action="kb.article.update").exists()


def test_stale_version_is_refused(actor):
    article = article_create(actor=actor, title="Timbres", body="Uno")
    article_update(actor=actor, article=article, data={"body": "Dos"}, version=1)
    with pytest.raises(ValidationError) as exc:
        article_update(actor=actor, article=article, data={"body": "Tres"}, version=1)
    assert "Otra persona modificó este artículo" in exc.value.message_dict["__all__"][0]
    article.refresh_from_db()
    assert article.body == "Dos" and article.version == 2


def test_state_is_not_editable_through_update(actor):
    article = article_create(actor=actor, title="Timbres", body="Uno")
    with pytest.raises(ValidationError):
        article_update(actor=actor, article=article, data={"state": State.PUBLISHED})


def test_slug_follows_the_title_until_the_first_publication(actor):
    article = article_create(actor=actor, title="No timbra la factura A-123", body="Uno")
    article = article_update(
        actor=actor, article=article, data={"title": "Reprocesar un movimiento"}
    )
    assert article.slug == "reprocesar-un-movimiento"
    article = article_publish(actor=actor, article=article)
    article = article_unpublish(actor=actor, article=article)
    article = article_update(actor=actor, article=article, data={"title": "Reprocesar movimientos"})
    assert article.slug == "reprocesar-un-movimiento" and article.title == "Reprocesar movimientos"


def test_publish_and_unpublish(actor):
    article = article_create(actor=actor, title="Timbres", body="Uno")
    published = article_publish(actor=actor, article=article)
    assert (
        published.state == State.PUBLISHED
        and published.published_at is not None
        and published.version == 2
    )
    first_publication = published.published_at
    assert (
        article_publish(actor=actor, article=published).version == 2
    )  # already published: no change
    draft = article_unpublish(actor=actor, article=published)
    assert draft.state == State.DRAFT and draft.published_at == first_publication
    assert article_unpublish(actor=actor, article=draft).version == 3
    assert list(
        AuditEntry.objects.filter(target_type="kb.article", target_id=str(article.pk))
        .order_by("id")
        .values_list("action", flat=True)
    ) == ["kb.article.create", "kb.article.publish", "kb.article.unpublish"]


def test_an_empty_article_cannot_be_published(actor):
    article = article_create(actor=actor, title="Timbres")
    with pytest.raises(ValidationError) as exc:
        article_publish(actor=actor, article=article)
    assert "contenido" in exc.value.message_dict["body"][0]


def test_delete_erases_and_audits(actor):
    article = article_create(actor=actor, title="Timbres", body="Uno")
    article_delete(actor=actor, article=article)
    assert not Article.objects.exists()
    assert AuditEntry.objects.get(action="kb.article.delete").changes == {
        "title": "Timbres",
        "slug": "timbres",
    }


def test_draft_from_ticket_has_problem_solution_and_references(actor, make_ticket):
    ticket = make_ticket(
        subject="Error de structure validation en el movimiento 4411",
        description="El movimiento 4411 no timbra.\nMarca CFDI40147.",
        references=[("movement", "4411"), ("folio", "A-123")],
    )
    ticket_reply(actor=actor, ticket=ticket, body="Encontramos el error en el debug.")
    ticket_note(actor=actor, ticket=ticket, body="Nota interna: la clave del cliente es 1234")
    ticket_reply(actor=actor, ticket=ticket, body="Reprocesamos el movimiento y ya quedó timbrado.")
    ticket_transition(actor=actor, ticket=ticket, to="resolved")

    article = article_draft_from_ticket(actor=actor, ticket=ticket)

    assert article.title == "Error de structure validation en el movimiento 4411"
    assert article.state == State.DRAFT and article.visibility == Visibility.INTERNAL
    assert article.source_ticket == ticket and article.author == actor
    body = article.body
    assert (
        body.index("## Problema")
        < body.index("El movimiento 4411 no timbra.")
        < body.index("## Solución")
    )
    assert (
        body.index("## Solución")
        < body.index("Encontramos el error")
        < body.index("Reprocesamos el movimiento")
    )
    assert body.index("Reprocesamos el movimiento") < body.index("## Referencias")
    assert "- Movimiento: `4411`" in body and "- Serie-folio: `A-123`" in body
    assert "Nota interna" not in body and "1234" not in body  # internal notes stay in the ticket
    assert "<h2>Solución</h2>" in article.body_html
    entry = AuditEntry.objects.get(action="kb.article.create", target_id=str(article.pk))
    assert entry.changes["ticket"] == ticket.number


def test_draft_from_ticket_is_idempotent(actor, make_ticket):
    ticket = make_ticket()
    first = article_draft_from_ticket(actor=actor, ticket=ticket)
    article_update(actor=actor, article=first, data={"body": "Editado a mano"})
    second = article_draft_from_ticket(actor=actor, ticket=ticket)
    assert second.pk == first.pk and second.body == "Editado a mano"
    assert Article.objects.count() == 1
    assert AuditEntry.objects.filter(action="kb.article.create").count() == 1


def test_draft_from_a_bare_ticket_leaves_placeholders(actor, make_ticket):
    article = article_draft_from_ticket(actor=actor, ticket=make_ticket(subject="Sin datos"))
    assert "no tiene descripción" in article.body and "no tiene respuestas" in article.body
    assert "no tiene referencias" in article.body


def test_draft_from_ticket_uses_the_article_category_of_the_same_name(actor, make_ticket):
    desk_category = Category.objects.get(kind=Kind.INCIDENT, name="Error de mapping")
    kb_category = ArticleCategory.objects.create(name="Error de mapping")
    article = article_draft_from_ticket(actor=actor, ticket=make_ticket(category=desk_category))
    assert article.category == kb_category


def test_draft_from_a_huge_ticket_fits_the_body_limit(actor, make_ticket):
    ticket = make_ticket(description="d" * 50_000)
    for _ in range(3):
        ticket_reply(actor=actor, ticket=ticket, body="r" * 50_000)
    article = article_draft_from_ticket(actor=actor, ticket=ticket)
    assert len(article.body) <= BODY_MAX and "## Referencias" in article.body


def test_deleting_the_ticket_source_keeps_the_article(actor, make_ticket):
    ticket = make_ticket()
    article = article_draft_from_ticket(actor=actor, ticket=ticket)
    ticket.delete()
    article.refresh_from_db()
    assert article.source_ticket is None
