from django.test import Client

from cfdidesk.accounts import roles
from cfdidesk.kb.demo import load_demo_articles
from cfdidesk.kb.models import Article, State, Visibility


def test_demo_articles_are_realistic_published_and_loaded_once(actor, make_user):
    articles = load_demo_articles(actor)
    assert len(articles) == 4 and all(a.state == State.PUBLISHED for a in articles)
    public = {a.title: a for a in articles if a.visibility == Visibility.PUBLIC}
    internal = [a for a in articles if a.visibility == Visibility.INTERNAL]
    assert set(public) == {
        "Cómo verificar si una factura está timbrada",
        "Qué datos enviar al solicitar timbres",
    }
    assert "<code>PRE</code>" in public["Cómo verificar si una factura está timbrada"].body_html
    stamps = public["Qué datos enviar al solicitar timbres"].body
    assert (
        "Cantidad de timbres" in stamps
        and "RFC a facturar" in stamps
        and "Nombre comercial" in stamps
    )
    assert "dos días hábiles" in stamps
    assert len(internal) == 2
    assert any("UPDATE preStatus SET input = 1" in a.body for a in internal)
    assert any("Ctrl + C" in a.body and "G03" in a.body for a in internal)

    assert len(load_demo_articles(actor)) == 4 and Article.objects.count() == 4

    portal = Client()
    portal.force_login(make_user(roles.PORTAL))
    page = portal.get("/conocimiento/publico/").content.decode()
    assert "Qué datos enviar al solicitar timbres" in page and "structure validation" not in page
