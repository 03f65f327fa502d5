from cfdidesk.kb.models import Visibility
from cfdidesk.kb.selectors import article_search, search_terms, visible_articles
from cfdidesk.kb.services import article_update


def titles(qs):
    return [a.title for a in qs]


def test_terms_ignore_case_accents_and_repeats():
    assert search_terms("  Facturación  TIMBRADA facturacion ") == ["facturacion", "timbrada"]
    assert search_terms("") == []


def test_every_word_must_appear_in_title_or_body_ignoring_accents(make_article):
    make_article("Cómo verificar si una factura está timbrada", body="El nombre empieza con PRE.")
    make_article("Qué datos enviar al solicitar timbres", body="Cantidad, RFC y nombre comercial.")
    assert titles(article_search(query="esta timbrada")) == [
        "Cómo verificar si una factura está timbrada"
    ]
    assert titles(article_search(query="rfc COMERCIAL")) == [
        "Qué datos enviar al solicitar timbres"
    ]
    assert titles(article_search(query="pre rfc")) == []


def test_title_matches_come_first_then_recent(actor, make_article):
    in_title = make_article("Cambiar el uso del CFDI", body="Detén el generador.")
    in_body_old = make_article("Reprocesar un movimiento", body="Después revisa el uso del CFDI.")
    in_body_new = make_article("Solicitar timbres", body="Indica el uso del CFDI.")
    article_update(
        actor=actor, article=in_body_old, data={"body": "Después revisa el uso del CFDI otra vez."}
    )
    assert titles(article_search(query="uso cfdi")) == [
        in_title.title,
        in_body_old.title,
        in_body_new.title,
    ]
    assert titles(article_search()) == [in_body_old.title, in_body_new.title, in_title.title]


def test_filters(make_article, category):
    make_article("Interno borrador")
    make_article(
        "Público publicado", visibility=Visibility.PUBLIC, published=True, category=category
    )
    make_article("Público borrador", visibility=Visibility.PUBLIC)
    assert titles(article_search(visibility="public", published_only=True)) == ["Público publicado"]
    assert titles(article_search(state="draft", visibility="internal")) == ["Interno borrador"]
    assert titles(article_search(category=category.pk)) == ["Público publicado"]


def test_portal_users_only_see_published_public(make_article, make_user):
    from cfdidesk.accounts import roles

    make_article("Interno publicado", published=True)
    make_article("Público borrador", visibility=Visibility.PUBLIC)
    make_article("Público publicado", visibility=Visibility.PUBLIC, published=True)
    assert titles(
        visible_articles(make_user(roles.PORTAL), state="draft", visibility="internal")
    ) == ["Público publicado"]
    assert len(visible_articles(make_user(roles.CONSULTANT))) == 3
