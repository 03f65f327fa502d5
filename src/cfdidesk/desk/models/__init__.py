"""The desk's data: tickets and their timeline, e-mail in and out, the on-call roster, alert webhooks."""

from .alerts import AlertWebhook, WebhookDelivery
from .mail import InboundEmail, OutboundEmail
from .oncall import EscalationStep, OnCallShift
from .organize import Macro, Tag, TicketLink, TicketTag
from .queue import SavedView, TicketPresence
from .routing import RoutingRule
from .tickets import (
    OPEN,
    OPEN_STATUSES,
    PROTOCOL_STEPS,
    Attachment,
    CannedReply,
    Category,
    Channel,
    Kind,
    Priority,
    Status,
    SurveyResponse,
    Team,
    Ticket,
    TicketCounter,
    TicketEvent,
    TicketReference,
    attachment_path,
)

__all__ = [
    "Macro",
    "RoutingRule",
    "SavedView",
    "Tag",
    "TicketLink",
    "TicketPresence",
    "TicketTag",
    "OPEN",
    "OPEN_STATUSES",
    "PROTOCOL_STEPS",
    "AlertWebhook",
    "Attachment",
    "CannedReply",
    "Category",
    "Channel",
    "EscalationStep",
    "InboundEmail",
    "Kind",
    "OnCallShift",
    "OutboundEmail",
    "Priority",
    "Status",
    "SurveyResponse",
    "Team",
    "Ticket",
    "TicketCounter",
    "TicketEvent",
    "TicketReference",
    "WebhookDelivery",
    "attachment_path",
]
