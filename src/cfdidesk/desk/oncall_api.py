"""On call and escalation over the API: the same services, selectors and access rules as the pages."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied
from ninja import Router, Schema, Status

from cfdidesk.accounts.roles import has_capability
from cfdidesk.core.people import display_name

from .access import get_ticket_for
from .api import EventOut, _event
from .models import Team
from .oncall_selectors import oncall_now
from .services.escalation import ticket_escalate

router = Router(tags=["Guardias y escalamiento"])


class OnCallOut(Schema):
    team: str
    team_id: int
    user: str
    user_id: int
    name: str
    email: str
    starts_at: datetime
    ends_at: datetime


class EscalationIn(Schema):
    reason: str


@router.get("/oncall/now", response=list[OnCallOut], summary="Quién está de guardia ahora")
def oncall_now_list(request, team: int | None = None):
    """Every active team's consultants on duty right now (several per team when shifts overlap)."""
    if not has_capability(request.user, "oncall.view"):
        raise PermissionDenied
    team_obj = None
    if team is not None:
        team_obj = Team.objects.filter(pk=team).first()
        if team_obj is None:
            return []
    return [
        {
            "team": s.team.name,
            "team_id": s.team_id,
            "user": s.user.username,
            "user_id": s.user_id,
            "name": display_name(s.user),
            "email": s.user.email,
            "starts_at": s.starts_at,
            "ends_at": s.ends_at,
        }
        for s in oncall_now(team=team_obj)
    ]


@router.post(
    "/tickets/{number}/escalations", response={201: EventOut}, summary="Escalar al siguiente nivel"
)
def escalate(request, number: str, payload: EscalationIn):
    """Moves the ticket to the next level of its team's chain and alerts that person; needs a reason."""
    ticket = get_ticket_for(request.user, number, capability="tickets.edit")
    if not has_capability(request.user, "tickets.edit"):
        raise PermissionDenied
    return Status(
        201, _event(ticket_escalate(actor=request.user, ticket=ticket, reason=payload.reason))
    )
