import threading

import pytest
from django.db import connection, connections

from cfdidesk.desk.models import Ticket
from cfdidesk.desk.services import ticket_create

pytestmark = pytest.mark.django_db(transaction=True)


def test_many_tickets_created_at_the_same_moment_get_unique_consecutive_numbers(make_company, actor):
    if connection.vendor != "postgresql":
        pytest.skip("needs several connections writing at once: PostgreSQL")
    company = make_company()
    barrier = threading.Barrier(10)
    errors = []

    def create(i):
        try:
            barrier.wait()
            for _ in range(5):
                ticket_create(actor=actor, company=company, subject=f"Reporte {i}")
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=create, args=(i,)) for i in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors
    sequence = sorted(int(n.split("-")[1]) for n in Ticket.objects.values_list("number", flat=True))
    assert sequence == list(range(1, 51))
