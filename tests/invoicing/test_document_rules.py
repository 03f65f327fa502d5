"""One rule each: what a document allows (the transitions table) and which XML a download gives,
asked the same way by the services, the page, its template and the API."""

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.test import Client

from cfdidesk.accounts import roles
from cfdidesk.accounts.services import token_create
from cfdidesk.invoicing import services
from cfdidesk.invoicing.models import Document, State
from cfdidesk.invoicing.services.pipeline import pipeline_run

from .conftest import movement

pytestmark = pytest.mark.django_db


class _Undo(Exception):
    pass


def _accepted(service, document, actor) -> bool:
    """Whether the service accepts the document now; nothing it did is kept."""
    try:
        with transaction.atomic():
            service(actor=actor, document=document, reason="prueba")
            raise _Undo
    except _Undo:
        return True
    except ValidationError:
        return False


@pytest.mark.parametrize("state", State.values)
@pytest.mark.parametrize("input_flag", [True, False])
def test_the_actions_shown_are_those_the_services_accept(actor, environment, state, input_flag):
    document = Document.objects.create(
        environment=environment,
        movement_id=f"M-{state}",
        document_type="I",
        series="A",
        state=state,
        input_flag=input_flag,
    )
    actions = services.document_actions(document=document)
    assert actions.hold == _accepted(services.document_hold, document, actor)
    assert actions.cancel == _accepted(services.document_cancel, document, actor)
    # Reprocessing a document still "received" only sets its flag again: not offered as an action.
    reprocess = _accepted(services.document_reprocess, document, actor)
    assert actions.reprocess == (reprocess and state != State.RECEIVED)


def _api_client(make_user):
    _token, raw = token_create(user=make_user(roles.CONSULTANT), name="test")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_page_and_api_offer_the_same_actions(client_as, make_user, environment):
    services.movements_receive(
        environment=environment, payloads=[movement("MOV-1"), movement("BAD-1", payment_form="99")]
    )
    pipeline_run(environment_id=environment.pk)
    page_client, api = client_as(roles.CONSULTANT), _api_client(make_user)
    buttons = {"reprocess": "reprocesar/", "hold": "retener/", "cancel": "cancelar/"}
    for document in Document.objects.all():
        actions = services.document_actions(document=document)
        expected = [name for name in ("reprocess", "hold", "cancel") if getattr(actions, name)]
        assert api.get(f"/api/v1/documents/{document.pk}").json()["actions"] == expected
        page = page_client.get(f"/facturacion/documentos/{document.pk}/").content.decode()
        shown = [name for name, url in buttons.items() if f"/{document.pk}/{url}" in page]
        assert shown == expected
    bad = Document.objects.get(movement_id="BAD-1")
    assert services.document_actions(document=bad).reprocess


def test_page_and_api_download_the_same_xml_with_the_same_name(client_as, make_user, environment):
    services.movements_receive(environment=environment, payloads=[movement("MOV-1")])
    pipeline_run(environment_id=environment.pk)
    document = Document.objects.get(movement_id="MOV-1")
    page_client, api = client_as(roles.CONSULTANT), _api_client(make_user)
    for page_query, api_query, name in (
        ("", "", "A1.xml"),
        ("?tipo=pre", "?kind=pre", "PRE_A1.xml"),
    ):
        page = page_client.get(f"/facturacion/documentos/{document.pk}/xml/{page_query}")
        answer = api.get(f"/api/v1/documents/{document.pk}/xml{api_query}")
        assert page["Content-Disposition"] == answer["Content-Disposition"]
        assert page["Content-Disposition"] == f'attachment; filename="{name}"'
        assert page.content == answer.content
