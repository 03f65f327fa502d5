from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from ...models import TicketCounter


def ticket_number_take() -> str:
    """The next consecutive number of this year, e.g. 2026-000123.

    Must run inside the ticket's transaction: the UPDATE holds the counter row's lock until
    commit, so concurrent creations queue on it and a rolled-back ticket gives its number back.
    """
    year = timezone.localtime().year
    if not TicketCounter.objects.filter(year=year).update(last=F("last") + 1):
        try:
            with transaction.atomic():
                TicketCounter.objects.create(year=year, last=1)
        except IntegrityError:  # another transaction created this year's row first
            TicketCounter.objects.filter(year=year).update(last=F("last") + 1)
    last = TicketCounter.objects.values_list("last", flat=True).get(year=year)
    return f"{year}-{last:06d}"
