"""Models turned into the API's answers (the schemas in schemas.py)."""

from __future__ import annotations

from ninja import Status

from cfdidesk.core.people import display_name

from .. import selectors, services
from ..models import Document, DocumentType, InvoicingEnvironment, StampBalance, State

ENVIRONMENT_FIELDS = (
    "id",
    "name",
    "emitter_rfc",
    "emitter_name",
    "tax_regime",
    "postal_code",
    "adapter",
    "generator_running",
    "certificate_number",
    "certificate_valid_until",
    "has_csd",
    "is_active",
)
DOCUMENT_FIELDS = (
    "id",
    "environment_id",
    "movement_id",
    "document_type",
    "series",
    "folio",
    "series_folio",
    "state",
    "receptor_rfc",
    "receptor_name",
    "currency",
    "total",
    "uuid",
    "file_name",
    "created_at",
    "stamped_at",
)


def name_of(user) -> str | None:
    """A user's display name; None when nobody (the pipeline, the system) did it."""
    return display_name(user) if user else None


def environment_out(environment: InvoicingEnvironment) -> dict:
    return {
        **{f: getattr(environment, f) for f in ENVIRONMENT_FIELDS},
        "company": environment.company,
        "series": {t.value: environment.series_for(t.value) for t in DocumentType},
    }


def document_out(document: Document) -> dict:
    return {
        **{f: getattr(document, f) for f in DOCUMENT_FIELDS},
        "state_label": str(State(document.state).label),
        "waiting_for_input": document.input_flag,
    }


def generator_out(environment: InvoicingEnvironment, changed: bool | None = None) -> dict:
    return {
        "running": environment.generator_running,
        "changed_at": environment.generator_changed_at,
        "changed_by": name_of(environment.generator_changed_by),
        "pending": Document.objects.filter(environment=environment, input_flag=True).count(),
        "events": [
            {
                "action": e.action,
                "actor": name_of(e.actor),
                "reason": e.reason,
                "created_at": e.created_at,
            }
            for e in selectors.generator_events(environment)
        ],
        "changed": changed,
    }


def credits_out(balance: StampBalance) -> dict:
    return {"rfc": balance.rfc, "available": balance.available, "used": balance.used}


def refused(exc: services.IntakeRefused):
    return Status(422, {"detail": exc.message, "errors": [e.as_dict() for e in exc.errors]})
