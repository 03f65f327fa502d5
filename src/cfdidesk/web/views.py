from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import render

from cfdidesk.accounts.roles import has_capability


@login_required
def home(request):
    from cfdidesk.customers.selectors import catalog_summary

    context = {}
    if has_capability(request.user, "customers.view"):
        context["customers"] = catalog_summary()
    return render(request, "web/home.html", context)


def health(request):
    return JsonResponse({"status": "ok"})
