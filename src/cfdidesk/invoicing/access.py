"""The one place that decides who reaches an environment or a document: staff with the capability.

Portal contacts never do (their company's documents and folio reports come in a later stage,
through their own views).
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from cfdidesk.accounts.roles import has_capability

from .models import Document, InvoicingEnvironment


def get_environment_for(
    user, pk: int, *, capability: str = "invoicing.view"
) -> InvoicingEnvironment:
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


def get_document_for(user, pk: int, *, capability: str = "invoicing.view") -> Document:
    if not has_capability(user, capability):
        raise PermissionDenied
    document = Document.objects.select_related("environment").filter(pk=pk).first()
    if document is None:
        raise Http404
    return document
