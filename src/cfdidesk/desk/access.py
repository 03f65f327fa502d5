"""The one place that decides who may reach a ticket."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from cfdidesk.accounts.roles import PORTAL, has_capability, roles_of

from .models import Ticket


def get_ticket_for(user, number: str, *, capability: str = "tickets.view") -> Ticket:
    """Staff with the capability reach every ticket; a portal contact only their company's (404 otherwise)."""
    ticket = (
        Ticket.objects.select_related("company", "contact", "assignee", "team", "category")
        .filter(number=number)
        .first()
    )
    if has_capability(user, capability):
        if ticket is None:
            raise Http404
        return ticket
    contact = getattr(user, "contact", None) if PORTAL in roles_of(user) else None
    if contact is None:
        raise PermissionDenied
    if ticket is None or ticket.company_id != contact.company_id:
        raise Http404
    return ticket
