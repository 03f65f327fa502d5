"""Folio counters per (environment, series, type): locked by whoever hands out or imports folios."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from ..models import FolioCounter, InvoicingEnvironment


def folio_counter_lock(
    *, environment: InvoicingEnvironment, series: str, document_type: str
) -> FolioCounter:
    """The folio counter of (environment, series, type), row-locked; created at 0 if missing."""
    lookup = {"environment": environment, "series": series, "document_type": document_type}
    counter = FolioCounter.objects.select_for_update().filter(**lookup).first()
    if counter is None:
        try:
            with transaction.atomic():
                counter = FolioCounter.objects.create(**lookup)
        except IntegrityError:  # created meanwhile by another writer
            counter = FolioCounter.objects.select_for_update().get(**lookup)
    return counter


class Folios:
    """The environment's folio counters, locked for the batch and written once at its end."""

    def __init__(self, environment: InvoicingEnvironment):
        self.environment = environment
        self.counters: dict[tuple[str, str], FolioCounter] = {}
        self.starts: dict[tuple[str, str], int] = {}  # each counter's value when it was locked

    def _counter(self, series: str, document_type: str) -> FolioCounter:
        key = (series, document_type)
        counter = self.counters.get(key)
        if counter is None:
            counter = folio_counter_lock(
                environment=self.environment, series=series, document_type=document_type
            )
            self.starts[key] = counter.last
            self.counters[key] = counter
        return counter

    def take(self, series: str, document_type: str) -> int:
        counter = self._counter(series, document_type)
        counter.last += 1
        return counter.last

    def give_back(self, series: str, document_type: str, folio: int) -> None:
        counter = self._counter(series, document_type)
        if counter.last == folio:
            counter.last -= 1

    def save(self) -> None:
        for key, counter in self.counters.items():
            if counter.last != self.starts[key]:
                FolioCounter.objects.filter(pk=counter.pk).update(last=counter.last)
