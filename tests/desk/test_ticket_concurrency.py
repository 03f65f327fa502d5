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
