"""On call over the API: the same selectors and access rules as the page. Escalating a ticket is
an action on the ticket (desk.tickets.api)."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied
from ninja import Router, Schema

from cfdidesk.accounts.roles import has_capability
from cfdidesk.core.people import display_name

from .selectors import oncall_now, team_by_id

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


@router.get("/oncall/now", response=list[OnCallOut], summary="Quién está de guardia ahora")
def oncall_now_list(request, team: int | None = None):
    """Every active team's consultants on duty right now (several per team when shifts overlap)."""
    if not has_capability(request.user, "oncall.view"):
        raise PermissionDenied
    team_obj = None
    if team is not None:
        team_obj = team_by_id(team)
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
