"""Every write to tickets goes through these functions; each is one transaction with its timeline entry."""

from .alerts import Alert, alert_staff, alert_staff_bulk
from .attachments import ALLOWED_EXTENSIONS, MAX_ATTACHMENT_BYTES
from .conversation import ticket_attach, ticket_customer_reply, ticket_note, ticket_reply
from .escalation import ticket_escalate
from .oncall import (
    after_hours_arrival,
    oncall_shift_create,
    oncall_shift_delete,
    oncall_shift_update,
)
from .sla import sla_overview
from .tickets import (
    bulk_assign,
    bulk_transition,
    protocol_mark,
    ticket_create,
    ticket_update,
)
from .transitions import ALLOWED, ticket_transition

__all__ = [
    "ALLOWED",
    "ALLOWED_EXTENSIONS",
    "MAX_ATTACHMENT_BYTES",
    "Alert",
    "after_hours_arrival",
    "alert_staff",
    "alert_staff_bulk",
    "bulk_assign",
    "bulk_transition",
    "oncall_shift_create",
    "oncall_shift_delete",
    "oncall_shift_update",
    "protocol_mark",
    "sla_overview",
    "ticket_attach",
    "ticket_create",
    "ticket_customer_reply",
    "ticket_escalate",
    "ticket_note",
    "ticket_reply",
    "ticket_transition",
    "ticket_update",
]
