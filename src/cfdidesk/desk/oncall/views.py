"""The on-call page: each team's roster for the next days, who is on duty, the gaps; supervisors
add and remove shifts."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cfdidesk.accounts.access import require_capability
from cfdidesk.accounts.roles import has_capability
from cfdidesk.core.forms import add_errors
from cfdidesk.service.selectors import load_calendar

from . import selectors
from .forms import ShiftForm
from .services import roster


@require_capability("oncall.view")
def oncall_roster(request):
    """The next two weeks of each team's roster, who is on duty now and the gaps; supervisors add shifts."""
    can_manage = has_capability(request.user, "oncall.manage")
    form = ShiftForm(request.POST or None)
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if form.is_valid():
            try:
                roster.oncall_shift_create(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("Guardia agregada."))
                return redirect("desk:oncall")
    context = {
        "rosters": selectors.roster_overview(calendar=load_calendar()),
        "form": form,
        "can_manage": can_manage,
        "days": selectors.ROSTER_DAYS,
    }
    return render(
        request, "desk/oncall.html", context, status=422 if form.is_bound and form.errors else 200
    )


@require_capability("oncall.manage")
@require_POST
def oncall_shift_remove(request, pk: int):
    shift = selectors.shift_by_id(pk)
    if shift is None:
        raise Http404
    roster.oncall_shift_delete(actor=request.user, shift=shift)
    messages.success(request, _("Guardia eliminada."))
    return redirect("desk:oncall")
