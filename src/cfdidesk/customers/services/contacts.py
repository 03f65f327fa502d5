from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cfdidesk.accounts.services import portal_access_revoke
from cfdidesk.audit.services import audit_record
from cfdidesk.core.audit_actions import AuditAction
from cfdidesk.core.changes import diff

from ..models import Company, Contact
from ..rules import is_valid_email

CONTACT_FIELDS = ["name", "email", "phone", "position", "language"]


def _clean(data: dict) -> dict[str, str]:
    values = {f: str(data.get(f) or "").strip() for f in CONTACT_FIELDS}
    values["email"] = values["email"].lower()
    values["language"] = values["language"] or settings.LANGUAGE_CODE
    errors: dict[str, list[str]] = {}
    if not values["name"]:
        errors["name"] = [_("Escribe el nombre del contacto.")]
    elif len(values["name"]) > 200:
        errors["name"] = [_("Máximo %(n)d caracteres.") % {"n": 200}]
    if values["email"]:
        if not is_valid_email(values["email"]):
            errors["email"] = [
                _("«%(email)s» no es un correo electrónico válido.") % {"email": values["email"]}
            ]
    if len(values["phone"]) > 40:
        errors["phone"] = [_("Máximo %(n)d caracteres.") % {"n": 40}]
    if len(values["position"]) > 120:
        errors["position"] = [_("Máximo %(n)d caracteres.") % {"n": 120}]
    if values["language"] not in dict(settings.LANGUAGES):
        errors["language"] = [_("Idioma no disponible.")]
    if errors:
        raise ValidationError(errors)
    return values


@transaction.atomic
def contact_create(*, actor, company: Company, data: dict) -> Contact:
    if not company.is_active:
        raise ValidationError(
            {"__all__": [_("El cliente está archivado; restáuralo para agregar contactos.")]}
        )
    values = _clean(data)
    contact = Contact.objects.create(company=company, **values)
    audit_record(actor=actor, action=AuditAction.CONTACT_CREATE, target=contact, changes=values)
    audit_record(
        actor=actor,
        action=AuditAction.COMPANY_CONTACT_ADD,
        target=company,
        changes={"contact": values["name"]},
    )
    return contact


@transaction.atomic
def contact_update(*, actor, contact: Contact, data: dict) -> Contact:
    merged = {f: getattr(contact, f) for f in CONTACT_FIELDS}
    merged.update({k: v for k, v in data.items() if k in CONTACT_FIELDS})
    values = _clean(merged)
    changes = diff({f: getattr(contact, f) for f in CONTACT_FIELDS}, values)
    if changes:
        Contact.objects.filter(pk=contact.pk).update(**values)
        audit_record(
            actor=actor, action=AuditAction.CONTACT_UPDATE, target=contact, changes=changes
        )
        contact.refresh_from_db()
    return contact


@transaction.atomic
def contact_delete(*, actor, contact: Contact) -> None:
    """Remove the contact; their portal account, if any, is deactivated (it keeps its history)."""
    if contact.user is not None and contact.user.is_active:
        portal_access_revoke(actor=actor, user=contact.user)
    audit_record(
        actor=actor,
        action=AuditAction.COMPANY_CONTACT_REMOVE,
        target=contact.company,
        changes={"contact": contact.name},
    )
    contact.delete()
