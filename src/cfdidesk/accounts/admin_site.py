"""The administrators' back room: editable catalogs (categories, teams, canned replies, articles' categories).

Django's admin, but entry is decided by our roles (capability "settings.manage"), not by is_staff.
"""

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cfdidesk.accounts.roles import has_capability


class RoleAdminSite(admin.AdminSite):
    site_header = _("CFDI Desk: administración")
    site_title = _("Administración")
    index_title = _("Catálogos y ajustes")

    def has_permission(self, request):
        return has_capability(request.user, "settings.manage")

    def login(self, request, extra_context=None):
        """One log-in page for everyone: ours, with the second step (the admin's would skip it)."""
        if request.user.is_authenticated:
            raise PermissionDenied  # signed in without the capability: nothing to log in to
        return redirect_to_login(request.GET.get("next") or reverse("admin:index"))


class CatalogAdmin(admin.ModelAdmin):
    """Every model here is a small catalog an administrator may edit in full."""

    def _allowed(self, request, obj=None):
        return has_capability(request.user, "settings.manage")

    has_view_permission = has_add_permission = has_change_permission = has_delete_permission = (
        _allowed
    )

    def has_module_permission(self, request):
        return self._allowed(request)


site = RoleAdminSite(name="cfdidesk_admin")
