"""The one place that decides who may reach a ticket, and for what.

Reading and writing are separate doors (as healthchecks does with its read and read-write helpers):
- `get_ticket_for(user, number)`: to read. Staff who may view tickets reach every ticket; a portal
  contact only their company's.
- `get_ticket_for_edit(user, number)`: to work on it as support. Staff who may edit tickets only;
  a portal contact is refused whatever their company.
- `get_ticket_for_writer(user, number)`: for the endpoints both sides write to (a reply, an
  attachment): support as above, or a portal contact on their company's ticket, with the contact.
- `ticket_reader(user)`: for lists, whether the reader is staff (None) or which portal contact.
Anyone else gets 403; a ticket that does not exist, or another company's, 404.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from cfdidesk.accounts.roles import has_capability
from cfdidesk.customers.models import Contact
from cfdidesk.customers.selectors import portal_contact_of

from .models import Ticket

VIEW = "tickets.view"
EDIT = "tickets.edit"


def _ticket(number: str) -> Ticket:
    ticket = (
        Ticket.objects.select_related("company", "contact", "assignee", "team", "category")
        .filter(number=number)
        .first()
    )
    if ticket is None:
        raise Http404
    return ticket


def _company_ticket(contact: Contact, number: str) -> Ticket:
    ticket = _ticket(number)
    if ticket.company_id != contact.company_id:
        raise Http404  # another company's ticket does not exist for this contact
    return ticket


def get_ticket_for(user, number: str) -> Ticket:
    """A ticket to read: staff with "tickets.view" reach every ticket; a portal contact only their company's."""
    if has_capability(user, VIEW):
        return _ticket(number)
    contact = portal_contact_of(user)
    if contact is None:
        raise PermissionDenied
    return _company_ticket(contact, number)


def get_ticket_for_edit(user, number: str) -> Ticket:
    """A ticket to work on as support: staff with "tickets.edit" only."""
    if not has_capability(user, EDIT):
        raise PermissionDenied
    return _ticket(number)


def get_ticket_for_writer(user, number: str) -> tuple[Ticket, Contact | None]:
    """A ticket to write on and the portal contact writing (None for support): staff with
    "tickets.edit", or a portal contact on their company's ticket."""
    if has_capability(user, EDIT):
        return _ticket(number), None
    contact = portal_contact_of(user)
    if contact is None:
        raise PermissionDenied
    return _company_ticket(contact, number), contact


def ticket_reader(user) -> Contact | None:
    """Who reads the tickets: None for staff who may view them all, the contact for a portal
    contact (who sees only their company's, and only what customers see); 403 for anyone else."""
    if has_capability(user, VIEW):
        return None
    contact = portal_contact_of(user)
    if contact is None:
        raise PermissionDenied
    return contact
