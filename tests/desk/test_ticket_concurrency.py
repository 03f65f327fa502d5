import pytest

from cfdidesk.desk.models import Ticket
from cfdidesk.desk.tickets.services.tickets import ticket_create
from tests.races import needs_postgres, run_together

pytestmark = pytest.mark.django_db(transaction=True)


def test_many_tickets_created_at_the_same_moment_get_unique_consecutive_numbers(
    make_company, actor
):
    needs_postgres()
    company = make_company()

    def create(i):
        for _ in range(5):
            ticket_create(actor=actor, company=company, subject=f"Reporte {i}")

    outcomes = run_together(10, create)
    assert [kind for kind, _ in outcomes] == ["ok"] * 10, outcomes
    sequence = sorted(int(n.split("-")[1]) for n in Ticket.objects.values_list("number", flat=True))
    assert sequence == list(range(1, 51))


def test_two_tickets_merged_into_each_other_at_once_end_with_one_survivor(make_company, actor):
    """Both rows are locked in id order: one merge wins, the other is refused, never both."""
    from cfdidesk.desk.tickets.services.merge import ticket_link, ticket_merge

    needs_postgres()
    company = make_company()
    a = ticket_create(actor=actor, company=company, subject="Uno")
    b = ticket_create(actor=actor, company=company, subject="Dos")
    pairs = [(a, b), (b, a)] * 3

    def merge(i):
        source, target = pairs[i]
        return ticket_merge(actor=actor, source=source, target=target, reason="Duplicado").pk

    outcomes = run_together(len(pairs), merge)
    assert sorted(kind for kind, _ in outcomes) == ["ok"] + ["refused"] * 5, outcomes
    merged = Ticket.objects.filter(merged_into__isnull=False)
    assert merged.count() == 1 and merged.get().merged_into.merged_into_id is None

    def link(i):
        return ticket_link(actor=actor, ticket=[a, b][i % 2], other=[b, a][i % 2]).pk

    outcomes = run_together(4, link)
    assert sorted(kind for kind, _ in outcomes) == ["ok", "refused", "refused", "refused"], outcomes
