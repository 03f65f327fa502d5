"""Races on PostgreSQL: concurrent generators, intakes and credit loads."""

import pytest

from cfdidesk.invoicing import services
from cfdidesk.invoicing.models import (
    Document,
    FolioCounter,
    InvoicingEnvironment,
    Movement,
    StampBalance,
    State,
)
from cfdidesk.invoicing.services.pipeline import pipeline_batch_run, pipeline_run
from tests.races import needs_postgres, run_together

from .conftest import movement

pytestmark = pytest.mark.django_db(transaction=True)


def test_concurrent_generators_never_stamp_twice_nor_skip_a_folio(make_environment):
    needs_postgres()
    environment = make_environment(running=False, credits=150)
    for start in range(0, 160, 40):
        services.movements_receive(
            environment=environment,
            payloads=[movement(f"MOV-{n:03d}") for n in range(start, start + 40)],
        )
    # The intake's task (immediate in tests) already mapped and validated them; the generator is paused.
    assert Document.objects.filter(state=State.WAITING_FOR_INPUT).count() == 160
    InvoicingEnvironment.objects.filter(pk=environment.pk).update(generator_running=True)

    waiting = Document.objects.filter(environment=environment, state=State.WAITING_FOR_INPUT)

    def worker(i):
        # Like several `cfdidesk worker` processes: keep taking batches until nothing waits;
        # a worker that finds the environment locked by another simply tries again.
        taken = 0
        while waiting.exists():
            taken += pipeline_batch_run(environment_id=environment.pk, batch_size=7).done
        return taken

    outcomes = run_together(6, worker)
    assert [kind for kind, _ in outcomes] == ["ok"] * 6, outcomes
    # (In practice the batches interleave: e.g. 0, 28, 35, 34, 35 and 28 documents per worker.)

    stamped = list(
        Document.objects.filter(state=State.STAMPED).order_by("id").values_list("folio", "uuid")
    )
    assert [folio for folio, _ in stamped] == list(
        range(1, 151)
    )  # arrival order, no gap, no repeat
    assert len({uuid for _, uuid in stamped}) == 150
    assert Document.objects.filter(state=State.NO_CREDITS).count() == 10
    assert FolioCounter.objects.get(environment=environment).last == 150
    balance = StampBalance.objects.get(rfc=environment.emitter_rfc)
    assert (balance.available, balance.used) == (0, 150)
    assert sum(result for _, result in outcomes) == 160  # each document was taken exactly once


def test_the_same_movement_sent_at_once_is_accepted_once(make_environment):
    needs_postgres()
    environment = make_environment(running=False)

    def send(i):
        return services.movements_receive(
            environment=environment, payloads=[movement("MOV-1"), movement(f"OWN-{i}")]
        ).accepted

    outcomes = run_together(8, send)
    assert [kind for kind, _ in outcomes] == ["ok"] * 8, outcomes
    assert Movement.objects.filter(movement_id="MOV-1").count() == 1
    assert Document.objects.count() == 9
    assert sum(result for _, result in outcomes) == 9


def test_two_environments_of_one_rfc_share_credits_without_overdrawing(
    make_environment, actor, emitter_company
):
    needs_postgres()
    first = make_environment(running=False, credits=30)
    second = make_environment(running=False, credits=None, name="Sucursal")
    for environment in (first, second):
        services.movements_receive(
            environment=environment, payloads=[movement(f"{environment.pk}-{n}") for n in range(25)]
        )
    InvoicingEnvironment.objects.update(generator_running=True)
    outcomes = run_together(
        2, lambda i: pipeline_run(environment_id=(first, second)[i].pk, batch_size=5)
    )
    assert [kind for kind, _ in outcomes] == ["ok"] * 2, outcomes
    assert Document.objects.filter(state=State.STAMPED).count() == 30
    assert Document.objects.filter(state=State.NO_CREDITS).count() == 20
    assert StampBalance.objects.get(rfc=first.emitter_rfc).available == 0
