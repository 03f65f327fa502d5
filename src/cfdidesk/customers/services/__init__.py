"""Every write to the customer catalog goes through these functions."""

from .companies import (
    CompanyInvalid,
    company_create,
    company_delete,
    company_restore,
    company_update,
)
from .contacts import contact_create, contact_delete, contact_update
from .imports import import_job_cancel, import_job_confirm, import_job_create, import_job_run
from .portal import contact_portal_invite, contact_portal_revoke

__all__ = [
    "CompanyInvalid",
    "company_create",
    "company_delete",
    "company_restore",
    "company_update",
    "contact_create",
    "contact_delete",
    "contact_portal_invite",
    "contact_portal_revoke",
    "contact_update",
    "import_job_cancel",
    "import_job_confirm",
    "import_job_create",
    "import_job_run",
]
