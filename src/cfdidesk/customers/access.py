"""The one place that decides which companies, contacts and imports a user may reach.

One helper per object and purpose: `get_<object>_for` to read, `get_<object>_for_edit` to change
(and `get_company_for_delete` to delete or restore, which fewer roles may do). Each refuses
(PermissionDenied) a user without the capability and answers 404 for an unknown id.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from cfdidesk.accounts.roles import has_capability

from .models import Company, Contact, ImportJob


def _require(user, capability: str) -> None:
    if not has_capability(user, capability):
        raise PermissionDenied


def _company(pk: int) -> Company:
    try:
        return Company.objects.get(pk=pk)
    except Company.DoesNotExist as exc:
        raise Http404 from exc


def _contact(pk: int) -> Contact:
    try:
        return Contact.objects.select_related("company").get(pk=pk)
    except Contact.DoesNotExist as exc:
        raise Http404 from exc


def _import_job(pk: int) -> ImportJob:
    try:
        return ImportJob.objects.select_related("created_by", "confirmed_by").get(pk=pk)
    except ImportJob.DoesNotExist as exc:
        raise Http404 from exc


def get_company_for(user, pk: int) -> Company:
    """A company to look at (customers.view)."""
    _require(user, "customers.view")
    return _company(pk)


def get_company_for_edit(user, pk: int) -> Company:
    """A company to change, or to add contacts to (customers.edit)."""
    _require(user, "customers.edit")
    return _company(pk)


def get_company_for_delete(user, pk: int) -> Company:
    """A company to delete, archive or restore (customers.delete)."""
    _require(user, "customers.delete")
    return _company(pk)


def get_contact_for(user, pk: int) -> Contact:
    """A contact to look at (customers.view)."""
    _require(user, "customers.view")
    return _contact(pk)


def get_contact_for_edit(user, pk: int) -> Contact:
    """A contact to change or remove (customers.edit)."""
    _require(user, "customers.edit")
    return _contact(pk)


def get_contact_for_portal(user, pk: int) -> Contact:
    """A contact to invite to the portal or to take the access from (customers.portal)."""
    _require(user, "customers.portal")
    return _contact(pk)


def get_import_job_for(user, pk: int) -> ImportJob:
    """A bulk load to follow (customers.import)."""
    _require(user, "customers.import")
    return _import_job(pk)


def get_import_job_for_edit(user, pk: int) -> ImportJob:
    """A bulk load to confirm or cancel (customers.import, as reading it)."""
    _require(user, "customers.import")
    return _import_job(pk)
