import pytest
from django.test import Client

from cfdidesk.accounts import roles
from cfdidesk.desk.tickets.services.conversation import ticket_reply
from cfdidesk.desk.tickets.services.transitions import ticket_transition
from cfdidesk.kb.models import Article, State, Visibility


def html(response) -> str:
    return response.content.decode()


@pytest.fixture
def published_public(make_article, category):
    return make_article(
        "Cómo verificar si una factura está timbrada",
        body="Si el archivo empieza con `PRE`, no está timbrada.",
        visibility=Visibility.PUBLIC,
        published=True,
        category=category,
    )


@pytest.mark.parametrize(
    "path",
    [
        "/conocimiento/",
        "/conocimiento/nuevo/",
        "/conocimiento/{slug}/",
        "/conocimiento/{slug}/editar/",
    ],
)
def test_portal_contact_is_refused_on_staff_pages(client_as, published_public, path):
    response = client_as(roles.PORTAL).get(path.format(slug=published_public.slug))
    assert response.status_code == 403


@pytest.mark.parametrize(
    "path",
    [
        "/conocimiento/{slug}/publicar/",
        "/conocimiento/{slug}/despublicar/",
        "/conocimiento/{slug}/eliminar/",
        "/conocimiento/vista-previa/",
    ],
)
def test_portal_contact_cannot_post_staff_actions(client_as, published_public, path):
    assert client_as(roles.PORTAL).post(path.format(slug=published_public.slug)).status_code == 403
    assert Article.objects.get().state == State.PUBLISHED


def test_anonymous_users_are_sent_to_login(published_public):
    for path in (
        "/conocimiento/",
        "/conocimiento/publico/",
        f"/conocimiento/publico/{published_public.slug}/",
    ):
        response = Client().get(path)
        assert response.status_code == 302 and "/cuenta/" in response["Location"]


@pytest.mark.parametrize("role", [roles.CONSULTANT, roles.BILLING, roles.SUPERVISOR])
def test_staff_roles_reach_the_staff_pages(client_as, published_public, role):
    client = client_as(role)
    assert client.get("/conocimiento/").status_code == 200
    assert client.get(f"/conocimiento/{published_public.slug}/").status_code == 200


def test_navigation_shows_the_knowledge_base_to_staff_only(client_as):
    assert 'href="/conocimiento/"' in html(client_as(roles.CONSULTANT).get("/"))
    assert 'href="/conocimiento/"' not in html(client_as(roles.PORTAL).get("/"))


def test_public_pages_for_portal_contacts(client_as, make_article, published_public):
    internal = make_article(
        "Procedimiento interno de reproceso", body="UPDATE preStatus", published=True
    )
    draft = make_article("Borrador público", body="Aún no", visibility=Visibility.PUBLIC)
    client = client_as(roles.PORTAL)
    page = html(client.get("/conocimiento/publico/"))
    assert published_public.title in page and internal.title not in page and draft.title not in page
    page = html(client.get(f"/conocimiento/publico/{published_public.slug}/"))
    assert "<code>PRE</code>" in page and published_public.title in page
    assert client.get(f"/conocimiento/publico/{internal.slug}/").status_code == 404
    assert client.get(f"/conocimiento/publico/{draft.slug}/").status_code == 404
    assert client.get("/conocimiento/publico/no-existe/").status_code == 404


def test_public_page_is_also_404_for_staff_when_not_public(admin_client, make_article):
    internal = make_article("Interno", body="x", published=True)
    assert admin_client.get(f"/conocimiento/publico/{internal.slug}/").status_code == 404


def test_public_search(client_as, make_article):
    make_article(
        "Qué datos enviar al solicitar timbres",
        body="RFC y nombre comercial",
        visibility=Visibility.PUBLIC,
        published=True,
    )
    make_article(
        "Cómo verificar si una factura está timbrada",
        body="PRE",
        visibility=Visibility.PUBLIC,
        published=True,
    )
    client = client_as(roles.PORTAL)
    page = html(client.get("/conocimiento/publico/", {"q": "nombre comercial"}))
    assert "solicitar timbres" in page and "verificar si una factura" not in page
    partial = html(
        client.get(
            "/conocimiento/publico/",
            {"q": "timbrada"},
            HTTP_HX_REQUEST="true",
            HTTP_HX_TARGET="public-results",
        )
    )
    assert "verificar si una factura" in partial and "<html" not in partial


def test_list_search_filters_and_htmx_partial(admin_client, make_article, category):
    make_article("Cambiar el uso del CFDI", body="Detén el generador con Ctrl + C", published=True)
    make_article(
        "Qué datos enviar al solicitar timbres",
        body="RFC",
        visibility=Visibility.PUBLIC,
        category=category,
    )
    page = html(admin_client.get("/conocimiento/", {"q": "generador"}))
    assert "Cambiar el uso del CFDI" in page and "solicitar timbres" not in page
    page = html(admin_client.get("/conocimiento/", {"visibilidad": "public"}))
    assert "solicitar timbres" in page and "Cambiar el uso" not in page
    page = html(admin_client.get("/conocimiento/", {"estado": "published"}))
    assert "Cambiar el uso" in page and "solicitar timbres" not in page
    page = html(admin_client.get("/conocimiento/", {"categoria": category.pk}))
    assert "solicitar timbres" in page and "Cambiar el uso" not in page
    partial = html(
        admin_client.get(
            "/conocimiento/",
            {"q": "timbres"},
            HTTP_HX_REQUEST="true",
            HTTP_HX_TARGET="article-results",
        )
    )
    assert "solicitar timbres" in partial and "<html" not in partial
    page = html(admin_client.get("/conocimiento/", {"q": "inexistente"}))
    assert "Ningún artículo coincide con «inexistente»" in page


def test_list_query_count_is_constant(
    admin_client, make_article, category, django_assert_max_num_queries
):
    for i in range(2):
        make_article(f"Artículo {i}", body="x", category=category)
    with django_assert_max_num_queries(12) as few:
        admin_client.get("/conocimiento/")
    for i in range(2, 30):
        make_article(
            f"Artículo {i}",
            body="x",
            category=category,
            visibility=Visibility.PUBLIC,
            published=i % 2 == 0,
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = html(admin_client.get("/conocimiento/"))
    assert page.count('class="cell-main"') == 25


def test_public_list_query_count_is_constant(
    client_as, make_article, django_assert_max_num_queries
):
    client = client_as(roles.PORTAL)
    for i in range(2):
        make_article(f"Artículo {i}", body="x", visibility=Visibility.PUBLIC, published=True)
    with django_assert_max_num_queries(12) as few:
        client.get("/conocimiento/publico/")
    for i in range(2, 30):
        make_article(f"Artículo {i}", body="x", visibility=Visibility.PUBLIC, published=True)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/conocimiento/publico/")


def test_create_edit_publish_unpublish_delete_through_the_pages(admin_client, client_as, category):
    response = admin_client.post(
        "/conocimiento/nuevo/",
        {
            "title": "Qué datos enviar al solicitar timbres",
            "body": "- Cantidad\n- RFC",
            "category": category.pk,
            "visibility": "public",
        },
    )
    article = Article.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/conocimiento/{article.slug}/"
    page = html(admin_client.get(response["Location"]))
    assert (
        "<li>Cantidad</li>" in page
        and 'data-state="draft"' in page
        and 'data-visibility="public"' in page
    )

    edit = html(admin_client.get(f"/conocimiento/{article.slug}/editar/"))
    assert 'name="version" value="1"' in edit and "- Cantidad" in edit
    response = admin_client.post(
        f"/conocimiento/{article.slug}/editar/",
        {
            "title": "Datos para solicitar timbres",
            "body": "- Cantidad\n- RFC\n- Nombre comercial",
            "category": category.pk,
            "visibility": "public",
            "version": 1,
        },
    )
    article.refresh_from_db()
    assert (
        response["Location"] == "/conocimiento/datos-para-solicitar-timbres/"
        and article.version == 2
    )

    admin_client.post(f"/conocimiento/{article.slug}/publicar/")
    article.refresh_from_db()
    assert article.state == State.PUBLISHED
    portal = client_as(roles.PORTAL)
    assert "<li>Nombre comercial</li>" in html(portal.get(f"/conocimiento/publico/{article.slug}/"))
    admin_client.post(f"/conocimiento/{article.slug}/despublicar/")
    article.refresh_from_db()
    assert article.state == State.DRAFT
    assert portal.get(f"/conocimiento/publico/{article.slug}/").status_code == 404

    assert admin_client.get(f"/conocimiento/{article.slug}/eliminar/").status_code == 405
    response = admin_client.post(f"/conocimiento/{article.slug}/eliminar/")
    assert response["Location"] == "/conocimiento/" and not Article.objects.exists()


def test_form_errors_are_spanish_and_save_nothing(admin_client):
    page = html(
        admin_client.post(
            "/conocimiento/nuevo/", {"title": "", "body": "x", "visibility": "internal"}
        )
    )
    assert "Escribe el título del artículo." in page and not Article.objects.exists()


def test_stale_edit_is_refused_on_the_page(admin_client, make_article, actor):
    from cfdidesk.kb.services import article_update

    article = make_article("Timbres", body="Uno")
    article_update(actor=actor, article=article, data={"body": "Otro usuario"})
    page = html(
        admin_client.post(
            f"/conocimiento/{article.slug}/editar/",
            {"title": "Timbres", "body": "Mío", "visibility": "internal", "version": 1},
        )
    )
    assert "Otra persona modificó este artículo" in page
    article.refresh_from_db()
    assert article.body == "Otro usuario"


def test_publishing_an_empty_article_shows_why(admin_client, make_article):
    article = make_article("Vacío", body="")
    response = admin_client.post(f"/conocimiento/{article.slug}/publicar/", follow=True)
    assert "antes de publicarlo" in html(response)


def test_actions_need_post_and_csrf(make_user, make_article):
    article = make_article("Timbres", body="Uno")
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user(roles.ADMINISTRATOR))
    assert client.get(f"/conocimiento/{article.slug}/publicar/").status_code == 405
    assert client.post(f"/conocimiento/{article.slug}/publicar/").status_code == 403
    article.refresh_from_db()
    assert article.state == State.DRAFT


def test_live_preview_is_sanitised(admin_client):
    response = admin_client.post(
        "/conocimiento/vista-previa/", {"body": "## Paso 1\n\n<script>alert(1)</script>**ok**"}
    )
    page = html(response)
    assert (
        response.status_code == 200 and "<h2>Paso 1</h2>" in page and "<strong>ok</strong>" in page
    )
    assert "<script" not in page and "<html" not in page


def test_stored_html_is_what_the_page_shows_and_is_safe(admin_client, make_article):
    article = make_article("XSS", body='<img src=x onerror="alert(1)"> [x](javascript:alert(2))')
    page = html(admin_client.get(f"/conocimiento/{article.slug}/"))
    assert "onerror" not in page and "javascript:alert" not in page


def test_document_the_solution_from_a_resolved_ticket(admin_client, make_ticket, actor):
    ticket = make_ticket(
        subject="Cambio de uso G01 a G03",
        description="El cliente pide G03.",
        references=[("folio", "A-77")],
    )
    ticket_reply(
        actor=actor, ticket=ticket, body="Detuvimos el generador, cambiamos el uso y ya timbró."
    )
    ticket_transition(actor=actor, ticket=ticket, to="resolved")

    detail = html(admin_client.get(f"/tickets/{ticket.number}/"))
    assert (
        f'href="/conocimiento/desde-ticket/{ticket.number}/"' in detail
        and "Documentar la solución" in detail
    )

    confirm = html(admin_client.get(f"/conocimiento/desde-ticket/{ticket.number}/"))
    assert "Crear el borrador" in confirm and "A-77" in confirm and not Article.objects.exists()

    response = admin_client.post(f"/conocimiento/desde-ticket/{ticket.number}/")
    article = Article.objects.get()
    assert response["Location"] == f"/conocimiento/{article.slug}/editar/"
    assert "ya timbró" in article.body and article.source_ticket == ticket

    again = admin_client.post(f"/conocimiento/desde-ticket/{ticket.number}/")
    assert again["Location"] == response["Location"] and Article.objects.count() == 1
    assert "ya está documentado" in html(
        admin_client.get(f"/conocimiento/desde-ticket/{ticket.number}/")
    )

    page = html(admin_client.get(f"/conocimiento/{article.slug}/"))
    assert f'href="/tickets/{ticket.number}/"' in page


def test_open_tickets_do_not_offer_documentation(admin_client, make_ticket):
    ticket = make_ticket()
    assert "Documentar la solución" not in html(admin_client.get(f"/tickets/{ticket.number}/"))


def test_document_from_ticket_access(client_as, make_ticket):
    ticket = make_ticket()
    assert (
        client_as(roles.PORTAL).get(f"/conocimiento/desde-ticket/{ticket.number}/").status_code
        == 403
    )
    assert (
        client_as(roles.PORTAL).post(f"/conocimiento/desde-ticket/{ticket.number}/").status_code
        == 403
    )
    assert (
        client_as(roles.CONSULTANT).get("/conocimiento/desde-ticket/2000-000999/").status_code
        == 404
    )
    assert not Article.objects.exists()


def test_unknown_article_is_404(admin_client):
    assert admin_client.get("/conocimiento/no-existe/").status_code == 404
    assert admin_client.get("/conocimiento/no-existe/editar/").status_code == 404
