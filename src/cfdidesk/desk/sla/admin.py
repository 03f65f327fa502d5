"""SLA policies in the administration. Registered from desk, not from service: saving a policy
recounts the due times of the open tickets it governs, and tickets are desk's (service knows
nothing of them)."""

from django.contrib import admin

from cfdidesk.accounts.admin_site import CatalogAdmin, site
from cfdidesk.service.models import SlaPolicy

from .services import sla_policy_changed


@admin.register(SlaPolicy, site=site)
class SlaPolicyAdmin(CatalogAdmin):
    list_display = (
        "priority",
        "company",
        "first_response",
        "resolution",
        "around_the_clock",
        "calendar",
        "at_risk_percent",
    )
    list_filter = ("priority", "around_the_clock")
    autocomplete_fields = ()
    raw_id_fields = ("company",)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        sla_policy_changed(priority=obj.priority, company_id=obj.company_id)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        sla_policy_changed(priority=obj.priority, company_id=obj.company_id)
