from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render

from cfdidesk.accounts.roles import has_capability, is_staff_member


@login_required
def home(request):
    from cfdidesk.desk.selectors import desk_summary

    if has_capability(request.user, "portal.use") and not is_staff_member(request.user):
        return redirect("portal:home")  # customer contacts live in the portal
    context = {"can_customers": has_capability(request.user, "customers.view")}
    if has_capability(request.user, "tickets.view"):
        context["desk"] = desk_summary(user=request.user)
    return render(request, "web/home.html", context)


def health(request):
    return JsonResponse({"status": "ok"})
