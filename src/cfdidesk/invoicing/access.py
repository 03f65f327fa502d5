"""The one place that decides who reaches an environment or a document: staff with the capability.

Reading needs `invoicing.view`; changing needs a write capability (`invoicing.operate` by
default; `invoicing.manage` for the environment's own data and CSD, `invoicing.credits` for stamp
credits). Portal contacts never do (their company's documents and folio reports come in a later
stage, through their own views).
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from cfdidesk.accounts.roles import has_capability

from .models import Document, InvoicingEnvironment

VIEW = "invoicing.view"
OPERATE = "invoicing.operate"
WRITE_CAPABILITIES = frozenset({OPERATE, "invoicing.manage", "invoicing.credits"})


def _environment(user, pk: int, capability: str) -> InvoicingEnvironment:
    if not has_capability(user, capability):
        raise PermissionDenied
    environment = (
        InvoicingEnvironment.objects.select_related("company", "generator_changed_by")
        .filter(pk=pk)
        .first()
    )
    if environment is None:
        raise Http404
    return environment


def _document(user, pk: int, capability: str) -> Document:
    if not has_capability(user, capability):
        raise PermissionDenied
    document = Document.objects.select_related("environment").filter(pk=pk).first()
    if document is None:
        raise Http404
    return document


def _write(capability: str) -> str:
    if capability not in WRITE_CAPABILITIES:
        raise ValueError(f"{capability!r} is not a write capability of invoicing")
    return capability


def get_environment_for(user, pk: int) -> InvoicingEnvironment:
    """The environment, to read it."""
    return _environment(user, pk, VIEW)


def get_environment_for_edit(user, pk: int, *, capability: str = OPERATE) -> InvoicingEnvironment:
    """The environment, to change it or what it holds (movements, generator, CSD, credits)."""
    return _environment(user, pk, _write(capability))


def get_document_for(user, pk: int) -> Document:
    """The document, to read it."""
    return _document(user, pk, VIEW)


def get_document_for_edit(user, pk: int) -> Document:
    """The document, to reprocess, hold or cancel it."""
    return _document(user, pk, OPERATE)
