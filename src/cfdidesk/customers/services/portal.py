"""Portal access of customer contacts: an invitation e-mail with a set-password link, and revoking it.

The account itself is made and kept by accounts (services.users.portal_access_grant and
portal_access_revoke); this links it to the contact (Contact.user) and records it on the
company's history.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cfdidesk.accounts.services import portal_access_grant, portal_access_revoke
from cfdidesk.audit.services import audit_record
from cfdidesk.core.audit_actions import AuditAction

from ..models import Contact
from ..rules import is_valid_email


def _split_name(name: str) -> tuple[str, str]:
    first, _space, last = (name or "").strip().partition(" ")
    return first, last


@transaction.atomic
def contact_portal_invite(*, actor, contact: Contact) -> Contact:
    """Give the contact portal access (or send the invitation again): the invitation e-mail, with
    a link to choose a password that expires, goes out after the commit."""
    contact = (
        Contact.objects.select_for_update(of=("self",))
        .select_related("company", "user")
        .get(pk=contact.pk)
    )
    if not contact.company.is_active:
        raise ValidationError(
            {"__all__": [_("El cliente está archivado; restáuralo para dar acceso al portal.")]}
        )
    if not contact.email or not is_valid_email(contact.email):
        raise ValidationError(
            {"__all__": [_("Agrega primero el correo del contacto: ahí le llega la invitación.")]}
        )
    first, last = _split_name(contact.name)
    user = portal_access_grant(
        actor=actor,
        user=contact.user,
        email=contact.email,
        first_name=first,
        last_name=last,
        language=contact.language,
    )
    if contact.user_id != user.pk:
        contact.user = user
        contact.save(update_fields=["user"])
    for target in (contact, contact.company):
        audit_record(
            actor=actor,
            action=AuditAction.CONTACT_PORTAL_INVITE,
            target=target,
            changes={"contact": contact.name, "email": contact.email},
        )
    return contact


@transaction.atomic
def contact_portal_revoke(*, actor, contact: Contact) -> Contact:
    """The contact can no longer enter the portal; their tickets and history stay."""
    contact = Contact.objects.select_related("company", "user").get(pk=contact.pk)
    if contact.user is None or not contact.user.is_active:
        raise ValidationError({"__all__": [_("Este contacto no tiene acceso al portal.")]})
    portal_access_revoke(actor=actor, user=contact.user)
    for target in (contact, contact.company):
        audit_record(
            actor=actor,
            action=AuditAction.CONTACT_PORTAL_REVOKE,
            target=target,
            changes={"contact": contact.name},
        )
    return contact
