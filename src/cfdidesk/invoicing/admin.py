"""Administración: environments (read, pause/resume), stamp balances and credit loads.

Every change goes through the services, so the admin checks the same rules and writes the same
history. The CSD's key and password are not fields here at all.
"""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from cfdidesk.accounts.admin_site import site
from cfdidesk.accounts.roles import has_capability

from . import services
from .models import CreditLoad, InvoicingEnvironment, StampBalance


class _ReadOnly(admin.ModelAdmin):
    def has_module_permission(self, request):
        return has_capability(request.user, "settings.manage")

    def has_view_permission(self, request, obj=None):
        return has_capability(request.user, "settings.manage")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(InvoicingEnvironment, site=site)
class EnvironmentAdmin(_ReadOnly):
    list_display = [
        "name",
        "company",
        "emitter_rfc",
        "generator_running",
        "certificate_number",
        "certificate_valid_until",
        "adapter",
    ]
    list_filter = ["generator_running", "adapter", "is_active"]
    search_fields = ["name", "emitter_rfc", "company__legal_name"]
    fields = [
        "name",
        "company",
        "emitter_rfc",
        "emitter_name",
        "tax_regime",
        "postal_code",
        "series_income",
        "series_credit_note",
        "series_payment",
        "series_payroll",
        "adapter",
        "generator_running",
        "certificate_number",
        "certificate_valid_from",
        "certificate_valid_until",
        "csd_loaded_at",
        "is_active",
    ]
    readonly_fields = fields
    actions = ["pause", "resume"]

    @admin.action(description=_("Pausar el generador"))
    def pause(self, request, queryset):
        for environment in queryset:
            services.generator_pause(
                actor=request.user, environment=environment, reason=str(_("Desde Administración"))
            )

    @admin.action(description=_("Encender el generador"))
    def resume(self, request, queryset):
        for environment in queryset:
            try:
                services.generator_resume(
                    actor=request.user,
                    environment=environment,
                    reason=str(_("Desde Administración")),
                )
            except ValidationError as exc:
                self.message_user(
                    request, f"{environment}: {' '.join(exc.messages)}", messages.ERROR
                )

    def get_actions(self, request):
        # The changelist's actions are the point of this page; they need the operate capability.
        actions = super().get_actions(request)
        return actions if has_capability(request.user, "invoicing.operate") else {}


@admin.register(StampBalance, site=site)
class StampBalanceAdmin(_ReadOnly):
    list_display = ["rfc", "available", "used", "updated_at"]
    search_fields = ["rfc"]


@admin.register(CreditLoad, site=site)
class CreditLoadAdmin(admin.ModelAdmin):
    """Adding a row here loads the credits (credits_load), which also retakes documents "sin timbres"."""

    list_display = ["rfc", "quantity", "note", "actor", "created_at"]
    search_fields = ["rfc"]
    fields = ["rfc", "quantity", "note"]

    def has_module_permission(self, request):
        return has_capability(request.user, "settings.manage")

    def has_view_permission(self, request, obj=None):
        return has_capability(request.user, "settings.manage")

    def has_add_permission(self, request):
        return has_capability(request.user, "invoicing.credits")

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        services.credits_load(actor=request.user, rfc=obj.rfc, quantity=obj.quantity, note=obj.note)
        saved = CreditLoad.objects.filter(rfc=obj.rfc.upper()).order_by("-id").first()
        obj.pk = saved.pk if saved else None
