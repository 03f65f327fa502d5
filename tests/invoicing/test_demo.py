import pytest

from cfdidesk.invoicing.demo import load_demo
from cfdidesk.invoicing.models import Document, State

from .conftest import full_sat_xsd_valid

pytestmark = pytest.mark.django_db


def test_demo_has_documents_in_every_state_and_loads_once(actor):
    environment = load_demo(actor=actor)
    counts = {}
    for state in Document.objects.filter(environment=environment).values_list("state", flat=True):
        counts[state] = counts.get(state, 0) + 1
    assert set(counts) == set(State.values), counts
    assert (
        counts[State.STAMPED] == 8
        and counts[State.NO_CREDITS] == 2
        and counts[State.WAITING_FOR_INPUT] == 2
    )
    assert not environment.generator_running
    payment = Document.objects.get(environment=environment, document_type="P")
    assert payment.state == State.STAMPED
    for document in Document.objects.filter(
        environment=environment, state=State.STAMPED
    ).select_related("xml"):
        full_sat_xsd_valid(document.xml.stamped_xml)
    assert load_demo(actor=actor).pk == environment.pk
    assert Document.objects.count() == 20
