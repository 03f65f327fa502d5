from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from cfdidesk.audit.services import audit_record
from cfdidesk.core.audit_actions import AuditAction
from cfdidesk.core.changes import diff
from cfdidesk.sat.rfc import is_generic

from ..history import company_has_history
from ..models import EDITABLE_FIELDS, Company
from ..rules import CompanyCheck, check_company, search_key


class CompanyInvalid(ValidationError):
    """Field errors (a dict) plus the warnings the user should still see."""

    def __init__(self, errors: dict[str, list[str]], warnings: dict[str, list[str]] | None = None):
        super().__init__(errors)
        self.warnings = warnings or {}


def _duplicate_rfc_message(rfc: str, existing: Company | None = None) -> str:
    if existing is not None:
        return _("Ya existe un cliente con el RFC %(rfc)s: %(name)s.") % {
            "rfc": rfc,
            "name": existing.legal_name,
        }
    return _("Ya existe un cliente con el RFC %(rfc)s.") % {"rfc": rfc}


def _validated(data: dict, *, exclude_pk: int | None = None) -> CompanyCheck:
    check = check_company(data)
    rfc = check.values["rfc"]
    if "rfc" not in check.errors and not is_generic(rfc):
        same_rfc = Company.objects.filter(rfc=rfc)
        if exclude_pk is not None:
            same_rfc = same_rfc.exclude(pk=exclude_pk)
        existing = same_rfc.only("legal_name").first()
        if existing is not None:
            check.add("rfc", _duplicate_rfc_message(rfc, existing))
    if check.errors:
        raise CompanyInvalid(check.errors, check.warnings)
    return check


def _apply(company: Company, values: dict[str, str]) -> None:
    for name in EDITABLE_FIELDS:
        setattr(company, name, values[name])
    company.search_name = search_key(values["legal_name"], values["trade_name"])


def company_create(*, actor, data: dict) -> tuple[Company, dict[str, list[str]]]:
    """Create a company; returns it with the warnings (e.g. RFC check digit) to show."""
    check = _validated(data)
    company = Company()
    _apply(company, check.values)
    try:
        with transaction.atomic():
            company.save()
            audit_record(
                actor=actor, action=AuditAction.COMPANY_CREATE, target=company, changes=check.values
            )
    except IntegrityError as exc:  # Someone created the same RFC a moment ago.
        raise CompanyInvalid({"rfc": [_duplicate_rfc_message(check.values["rfc"])]}) from exc
    return company, check.warnings


def company_update(
    *, actor, company: Company, data: dict, version: int | None = None
) -> tuple[Company, dict]:
    """Save new values. With `version`, refuses if someone else saved the company since it was read."""
    merged = {name: getattr(company, name) for name in EDITABLE_FIELDS}
    merged.update({k: v for k, v in data.items() if k in EDITABLE_FIELDS})
    check = _validated(merged, exclude_pk=company.pk)
    before = {name: getattr(company, name) for name in EDITABLE_FIELDS}
    changes = diff(before, check.values)
    if not changes:
        return company, check.warnings
    expected_version = company.version if version is None else version
    updates = dict(
        check.values, search_name=search_key(check.values["legal_name"], check.values["trade_name"])
    )
    try:
        with transaction.atomic():
            saved = Company.objects.filter(pk=company.pk, version=expected_version).update(
                **updates, version=F("version") + 1, updated_at=timezone.now()
            )
            if not saved:
                raise CompanyInvalid(
                    {
                        "__all__": [
                            _(
                                "Otra persona modificó este cliente mientras lo editabas. "
                                "Recarga la página para ver sus cambios y vuelve a aplicar los tuyos."
                            )
                        ]
                    }
                )
            audit_record(
                actor=actor, action=AuditAction.COMPANY_UPDATE, target=company, changes=changes
            )
    except IntegrityError as exc:
        raise CompanyInvalid({"rfc": [_duplicate_rfc_message(check.values["rfc"])]}) from exc
    company.refresh_from_db()
    return company, check.warnings


@transaction.atomic
def company_delete(*, actor, company: Company) -> str:
    """Erase a company with no history; archive one with history. Returns "deleted" or "archived"."""
    company = Company.objects.select_for_update().get(pk=company.pk)
    if company_has_history(company):
        if company.is_active:
            Company.objects.filter(pk=company.pk).update(
                is_active=False, archived_at=timezone.now(), version=F("version") + 1
            )
            audit_record(actor=actor, action=AuditAction.COMPANY_ARCHIVE, target=company)
        return "archived"
    audit_record(
        actor=actor,
        action=AuditAction.COMPANY_DELETE,
        target=company,
        changes={"rfc": company.rfc, "legal_name": company.legal_name},
    )
    company.delete()
    return "deleted"


@transaction.atomic
def company_restore(*, actor, company: Company) -> None:
    updated = Company.objects.filter(pk=company.pk, is_active=False).update(
        is_active=True, archived_at=None, version=F("version") + 1
    )
    if updated:
        audit_record(actor=actor, action=AuditAction.COMPANY_RESTORE, target=company)
