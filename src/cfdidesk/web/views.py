from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cfdidesk.accounts.roles import has_capability, is_staff_member
from cfdidesk.desk.dashboard.selectors import my_load, supervisor_dashboard
from cfdidesk.desk.oncall.selectors import oncall_now
from cfdidesk.desk.sla.selectors import SLUGS
from cfdidesk.desk.tickets.selectors import desk_summary
from cfdidesk.service.sla import State

from . import charts

STATUS_TONES = {
    "new": "info",
    "open": "brand",
    "waiting_customer": "muted",
    "waiting_third_party": "warn",
}
PRIORITY_TONES = {1: "err", 2: "warn", 3: "brand", 4: "muted"}


@login_required
def home(request):
    """Supervisors and administrators land on the dashboard; the rest of the staff on their own figures."""
    if has_capability(request.user, "portal.use") and not is_staff_member(request.user):
        return redirect("portal:home")  # customer contacts live in the portal
    if has_capability(request.user, "dashboard.view"):
        return _dashboard(request)
    context = {"can_customers": has_capability(request.user, "customers.view")}
    if has_capability(request.user, "tickets.view"):
        now = timezone.now()
        context["desk"] = desk_summary(user=request.user)
        context["mine"] = my_load(user=request.user, now=now)
        context["oncall"] = oncall_now(at=now)
        context["my_links"] = {
            "at_risk": _list_url(vista="mios", sla=SLUGS[State.AT_RISK]),
            "breached": _list_url(vista="mios", sla=SLUGS[State.BREACHED]),
        }
    return render(request, "web/home.html", context)


def _list_url(**params) -> str:
    return f"{reverse('desk:list')}?{urlencode({k: v for k, v in params.items() if v not in (None, '')})}"


def _linked(bars, param: str, tones: dict | None = None) -> None:
    """Each bar links to the ticket list filtered by what it counts, and gets its colour."""
    for bar in bars:
        bar.href = _list_url(**{param: bar.key}) if bar.key is not None else ""
        bar.tone = (tones or {}).get(bar.key, "brand")


def _dashboard(request):
    """The supervisor's dashboard (desk.dashboard); the same figures as GET /api/v1/dashboard."""
    dash = supervisor_dashboard()
    _linked(dash.by_status, "status", STATUS_TONES)
    _linked(dash.by_priority, "priority", PRIORITY_TONES)
    _linked(dash.by_team, "team")
    for load in dash.loads:
        if load.user is not None:
            base = {"assignee": load.user.pk}
        else:
            base = {"vista": "sin-asignar"}
        load.links = {
            "open": _list_url(**base),
            "critical": _list_url(**base, priority=1),
            "at_risk": _list_url(**base, sla=SLUGS[State.AT_RISK]),
            "breached": _list_url(**base, sla=SLUGS[State.BREACHED]),
        }
    compliance = [
        {
            "c": c,
            "ring": charts.ring(c.percent),
            "columns": charts.daily_columns(
                c.days, _("%(target)s por día: a tiempo y fuera de plazo") % {"target": c.label}
            ),
        }
        for c in dash.compliance
    ]
    context = {
        "dash": dash,
        "compliance": compliance,
        "compliance_days": len(dash.compliance[0].days),
        "links": {
            "open": _list_url(vista="abiertos"),
            "critical": _list_url(vista="criticos"),
            "unassigned": _list_url(vista="sin-asignar"),
            "at_risk": _list_url(sla=SLUGS[State.AT_RISK]),
            "breached": _list_url(sla=SLUGS[State.BREACHED]),
        },
    }
    return render(request, "web/dashboard.html", context)


def health(request):
    return JsonResponse({"status": "ok"})
