import json

import pytest
from django.test import Client

from cfdidesk.accounts import roles
from cfdidesk.accounts.services import token_create
from cfdidesk.kb.models import Article, State, Visibility
from cfdidesk.kb.services import article_draft_from_ticket


@pytest.fixture
def api_as(make_user):
    def make(role=roles.ADMINISTRATOR):
        _token, clear = token_create(user=make_user(role), name="pruebas")
        return Client(HTTP_AUTHORIZATION=f"Bearer {clear}")

    return make


@pytest.fixture
def api(api_as):
    return api_as()


def send(client, url, data, method="post"):
    return getattr(client, method)(url, data=json.dumps(data), content_type="application/json")


def test_crud_over_the_api(api, category):
    created = send(
        api,
        "/api/v1/kb/articles",
        {
            "title": "Qué datos enviar al solicitar timbres",
            "body": "- Cantidad\n- RFC",
            "category_id": category.pk,
            "visibility": "public",
        },
    )
    assert created.status_code == 201, created.content
    article = created.json()
    assert (
        article["slug"] == "que-datos-enviar-al-solicitar-timbres" and article["state"] == "draft"
    )
    assert article["html"] == "<ul>\n<li>Cantidad</li>\n<li>RFC</li>\n</ul>"
    assert (
        article["category"] == {"id": category.pk, "name": "Timbrado"} and article["version"] == 1
    )
    assert article["author"].startswith("administrator")
    url = f"/api/v1/kb/articles/{article['slug']}"

    patched = send(
        api, url, {"body": "- Cantidad\n- RFC\n- Nombre comercial", "version": 1}, "patch"
    )
    assert (
        patched.status_code == 200
        and patched.json()["version"] == 2
        and "Nombre comercial" in patched.json()["html"]
    )
    stale = send(api, url, {"body": "otra cosa", "version": 1}, "patch")
    assert stale.status_code == 422 and "Otra persona" in stale.json()["errors"]["__all__"][0]

    published = send(api, url, {"state": "published"}, "patch")
    assert (
        published.status_code == 200
        and published.json()["state"] == "published"
        and published.json()["published_at"]
    )
    assert api.get(url).json()["state"] == "published"

    assert api.delete(url).status_code == 204
    assert api.get(url).status_code == 404 and not Article.objects.exists()


def test_create_published_at_once(api):
    created = send(
        api, "/api/v1/kb/articles", {"title": "Listo", "body": "Texto", "state": "published"}
    )
    assert created.status_code == 201 and created.json()["state"] == "published"


def test_invalid_input_gets_spanish_field_errors_and_saves_nothing(api):
    response = send(
        api, "/api/v1/kb/articles", {"title": "", "body": "x" * 100_001, "visibility": "secreto"}
    )
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert (
        "título" in errors["title"][0]
        and "demasiado largo" in errors["body"][0]
        and "Visibilidad" in errors["visibility"][0]
    )
    assert send(api, "/api/v1/kb/articles", {"title": "x", "category_id": 999}).status_code == 422
    assert (
        send(
            api, "/api/v1/kb/articles", {"title": "x", "body": "y", "state": "archivado"}
        ).status_code
        == 422
    )
    assert not Article.objects.exists()


def test_publishing_an_empty_article_is_refused_and_nothing_is_created(api):
    response = send(api, "/api/v1/kb/articles", {"title": "Vacío", "state": "published"})
    assert (
        response.status_code == 422
        and "antes de publicarlo" in response.json()["errors"]["body"][0]
    )
    assert not Article.objects.exists()


def test_list_search_filters_and_pages(api, make_article):
    make_article("Cambiar el uso del CFDI", body="Detén el generador", published=True)
    make_article("Solicitar timbres", body="RFC y cantidad", visibility=Visibility.PUBLIC)
    body = api.get("/api/v1/kb/articles", {"search": "generador"}).json()
    assert [a["title"] for a in body["items"]] == ["Cambiar el uso del CFDI"] and body[
        "has_next"
    ] is False
    assert "<p>Detén el generador</p>" == body["items"][0]["html"]
    assert [
        a["title"] for a in api.get("/api/v1/kb/articles", {"visibility": "public"}).json()["items"]
    ] == ["Solicitar timbres"]
    assert [
        a["title"] for a in api.get("/api/v1/kb/articles", {"state": "published"}).json()["items"]
    ] == ["Cambiar el uso del CFDI"]
    first = api.get("/api/v1/kb/articles", {"page_size": 1}).json()
    assert len(first["items"]) == 1 and first["has_next"] is True
    assert api.get("/api/v1/kb/articles", {"state": "otro"}).status_code == 422


def test_portal_token_sees_only_published_public_articles(api_as, make_article, make_ticket, actor):
    public = make_article(
        "Cómo verificar si una factura está timbrada",
        body="PRE",
        visibility=Visibility.PUBLIC,
        published=True,
    )
    make_article("Procedimiento interno", body="UPDATE preStatus", published=True)
    draft = make_article("Borrador público", body="Aún no", visibility=Visibility.PUBLIC)
    from_ticket = article_draft_from_ticket(actor=actor, ticket=make_ticket())
    portal = api_as(roles.PORTAL)

    items = portal.get("/api/v1/kb/articles", {"visibility": "internal", "state": "draft"}).json()[
        "items"
    ]
    assert [a["slug"] for a in items] == [public.slug]
    assert items[0]["author"] is None and items[0]["source_ticket"] is None
    assert portal.get(f"/api/v1/kb/articles/{public.slug}").json()["html"] == "<p>PRE</p>"
    assert portal.get(f"/api/v1/kb/articles/{draft.slug}").status_code == 404
    assert portal.get("/api/v1/kb/articles/procedimiento-interno").status_code == 404
    assert portal.get(f"/api/v1/kb/articles/{from_ticket.slug}").status_code == 404

    assert send(portal, "/api/v1/kb/articles", {"title": "Mío", "body": "x"}).status_code == 403
    assert (
        send(portal, f"/api/v1/kb/articles/{public.slug}", {"state": "draft"}, "patch").status_code
        == 403
    )
    assert portal.delete(f"/api/v1/kb/articles/{public.slug}").status_code == 403
    assert Article.objects.get(pk=public.pk).state == State.PUBLISHED


def test_staff_see_the_source_ticket(api, make_ticket, actor):
    ticket = make_ticket()
    article = article_draft_from_ticket(actor=actor, ticket=ticket)
    assert api.get(f"/api/v1/kb/articles/{article.slug}").json()["source_ticket"] == ticket.number


def test_without_a_token_the_api_answers_401():
    assert Client().get("/api/v1/kb/articles").status_code == 401


def test_categories(api, category):
    assert api.get("/api/v1/kb/categories").json() == [{"id": category.pk, "name": "Timbrado"}]


def test_the_schema_lists_the_endpoints_under_conocimiento(api):
    schema = api.get("/api/v1/openapi.json").json()
    assert schema["paths"]["/api/v1/kb/articles/{slug}"]["patch"]["tags"] == ["Conocimiento"]
