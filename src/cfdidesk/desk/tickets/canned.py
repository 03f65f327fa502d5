from __future__ import annotations

from cfdidesk.core.people import display_name

from ..models import CannedReply, Ticket

PLACEHOLDERS = ("{cliente}", "{ticket}", "{consultor}")


def canned_render(*, reply: CannedReply, ticket: Ticket, consultant) -> str:
    """Fill {cliente}, {ticket} and {consultor}; any other brace text stays as written."""
    return placeholders_fill(text=reply.body, ticket=ticket, consultant=consultant)


def placeholders_fill(*, text: str, ticket: Ticket, consultant) -> str:
    """A canned reply's or a macro's text with {cliente}, {ticket} and {consultor} filled in."""
    values = {
        "{cliente}": ticket.contact.name if ticket.contact else ticket.company.legal_name,
        "{ticket}": f"#{ticket.number}",
        "{consultor}": display_name(consultant) if consultant else "",
    }
    for placeholder, value in values.items():
        text = text.replace(placeholder, value)
    return text
