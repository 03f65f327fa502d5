"""The one place that decides which companies a user may reach."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from cfdidesk.accounts.roles import has_capability

from .models import Company, Contact, ImportJob


def get_company_for(user, pk: int, *, capability: str = "customers.view") -> Company:
    if not has_capability(user, capability):
        raise PermissionDenied
    try:
        return Company.objects.get(pk=pk)
    except Company.DoesNotExist as exc:
        raise Http404 from exc


def get_contact_for(user, pk: int, *, capability: str = "customers.edit") -> Contact:
    if not has_capability(user, capability):
        raise PermissionDenied
    try:
        return Contact.objects.select_related("company").get(pk=pk)
    except Contact.DoesNotExist as exc:
        raise Http404 from exc


def get_import_job_for(user, pk: int) -> ImportJob:
    if not has_capability(user, "customers.import"):
        raise PermissionDenied
    try:
        return ImportJob.objects.select_related("created_by", "confirmed_by").get(pk=pk)
    except ImportJob.DoesNotExist as exc:
        raise Http404 from exc
