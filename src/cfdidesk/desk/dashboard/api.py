"""The supervisor's dashboard over the API: the same figures as the page (desk.dashboard)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from ninja import Field, Router, Schema

from cfdidesk.accounts.roles import has_capability
from cfdidesk.core.people import display_name

from .selectors import supervisor_dashboard

router = Router(tags=["Tablero"])


class CountOut(Schema):
    key: str | int | None = Field(
        description="Estado, prioridad (1 crítica … 4 baja) o id del equipo (null: sin equipo)"
    )
    label: str
    count: int


class OpenOut(Schema):
    total: int
    critical: int
    unassigned: int
    by_status: list[CountOut]
    by_priority: list[CountOut]
    by_team: list[CountOut]


class SlaOut(Schema):
    on_track: int = Field(description="Plazo corriendo, aún sin riesgo")
    at_risk: int = Field(description="Plazo corriendo, en riesgo (?sla=en-riesgo en la lista)")
    breached: int = Field(description="Plazo vencido (?sla=vencido en la lista)")


class LoadOut(Schema):
    user_id: int | None = Field(description="null: los tickets sin asignar")
    username: str | None
    name: str
    open: int
    critical: int
    at_risk: int
    breached: int


class DutyShiftOut(Schema):
    team_id: int
    team: str
    user_id: int
    username: str
    name: str
    email: str
    starts_at: dt.datetime
    ends_at: dt.datetime


class TeamOnCallOut(Schema):
    team_id: int
    team: str
    on_duty: list[DutyShiftOut] = Field(description="Vacío: nadie de guardia ahora")


class DayOut(Schema):
    date: dt.date
    met: int
    total: int


class ComplianceOut(Schema):
    target: str = Field(description="first_response | resolution")
    met: int
    total: int
    percent: float | None = Field(description="met / total × 100; null sin casos")
    days: list[DayOut]


class DashboardOut(Schema):
    generated_at: dt.datetime
    open: OpenOut
    sla: SlaOut
    consultants: list[LoadOut]
    office_open: bool = Field(
        description="Si el calendario de atención predeterminado está abierto ahora"
    )
    oncall: list[TeamOnCallOut]
    compliance_since: dt.datetime
    compliance: list[ComplianceOut]


def _counts(bars) -> list[dict]:
    return [{"key": b.key, "label": b.label, "count": b.count} for b in bars]


def _shift(s) -> dict:
    return {
        "team_id": s.team_id,
        "team": s.team.name,
        "user_id": s.user_id,
        "username": s.user.username,
        "name": display_name(s.user),
        "email": s.user.email,
        "starts_at": s.starts_at,
        "ends_at": s.ends_at,
    }


@router.get("/dashboard", response=DashboardOut, summary="Tablero del supervisor")
def dashboard(request):
    """Tickets abiertos por estado, prioridad y equipo; SLA en riesgo y vencidos; la carga de cada
    consultor; quién está de guardia; y el cumplimiento de primera respuesta y resolución por día."""
    if not has_capability(request.user, "dashboard.view"):
        raise PermissionDenied
    d = supervisor_dashboard()
    return {
        "generated_at": d.now,
        "open": {
            "total": d.open,
            "critical": d.critical,
            "unassigned": d.unassigned,
            "by_status": _counts(d.by_status),
            "by_priority": _counts(d.by_priority),
            "by_team": _counts(d.by_team),
        },
        "sla": {"on_track": d.on_track, "at_risk": d.at_risk, "breached": d.breached},
        "consultants": [
            {
                "user_id": x.user.pk if x.user else None,
                "username": x.user.username if x.user else None,
                "name": display_name(x.user) if x.user else "",
                "open": x.open,
                "critical": x.critical,
                "at_risk": x.at_risk,
                "breached": x.breached,
            }
            for x in d.loads
        ],
        "office_open": d.office_open,
        "oncall": [
            {
                "team_id": row.team.pk,
                "team": row.team.name,
                "on_duty": [_shift(s) for s in row.shifts],
            }
            for row in d.oncall
        ],
        "compliance_since": d.compliance_since,
        "compliance": [
            {
                "target": c.target,
                "met": c.met,
                "total": c.total,
                "percent": c.percent,
                "days": [{"date": day.date, "met": day.met, "total": day.total} for day in c.days],
            }
            for c in d.compliance
        ],
    }
