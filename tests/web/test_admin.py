import pytest

from cfdidesk.accounts import roles
from cfdidesk.desk.models import CannedReply, Category


def test_administrator_edits_categories_and_canned_replies(client_as):
    client = client_as(roles.ADMINISTRATOR)
    assert client.get("/administracion/").status_code == 200
    response = client.post(
        "/administracion/desk/category/add/",
        {"name": "Error de addenda", "kind": "incident", "position": 9, "is_active": "on"},
    )
    assert response.status_code == 302 and Category.objects.filter(name="Error de addenda").exists()
    client.post(
        "/administracion/desk/cannedreply/add/",
        {"title": "Saludo", "body": "Hola {cliente}", "is_active": "on"},
    )
    assert CannedReply.objects.filter(title="Saludo").exists()


@pytest.mark.parametrize("role", [roles.CONSULTANT, roles.SUPERVISOR, roles.BILLING, roles.PORTAL])
def test_other_roles_cannot_enter(client_as, role):
    client = client_as(role)
    assert (
        client.get("/administracion/").status_code == 302
    )  # sent to the admin log-in, which refuses them
    response = client.post(
        "/administracion/desk/category/add/", {"name": "X", "kind": "incident", "position": 1}
    )
    assert response.status_code == 302 and not Category.objects.filter(name="X").exists()
