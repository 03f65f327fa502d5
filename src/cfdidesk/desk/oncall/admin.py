"""The on-call roster and the escalation chains in the administration, saved through the services,
so the admin checks the same rules and writes the same audit rows."""

from django.contrib import admin

from cfdidesk.accounts.admin_site import CatalogAdmin, site
from cfdidesk.accounts.selectors import staff_users

from ..models import EscalationStep, OnCallShift
from .forms import ShiftAdminForm, StepAdminForm
from .services import escalation, roster


class _ServiceSavedAdmin(CatalogAdmin):
    """Writes go through the service's create/update/delete (which check the rules and audit);
    `user` offers staff only."""

    service_fields: tuple[str, ...] = ()

    def create(self, actor, **values):
        raise NotImplementedError

    def update(self, actor, obj, **values):
        raise NotImplementedError

    def delete(self, actor, obj):
        raise NotImplementedError

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            kwargs["queryset"] = staff_users()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        values = {name: form.cleaned_data[name] for name in self.service_fields}
        saved = (
            self.update(request.user, obj, **values)
            if change
            else self.create(request.user, **values)
        )
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        self.delete(request.user, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete(request.user, obj)


@admin.register(OnCallShift, site=site)
class OnCallShiftAdmin(_ServiceSavedAdmin):
    form = ShiftAdminForm
    list_display = ("team", "user", "starts_at", "ends_at", "note")
    list_filter = ("team",)
    list_select_related = ("team", "user")
    date_hierarchy = "starts_at"
    service_fields = roster.SHIFT_FIELDS

    def create(self, actor, **values):
        return roster.oncall_shift_create(actor=actor, **values)

    def update(self, actor, obj, **values):
        return roster.oncall_shift_update(actor=actor, shift=obj, **values)

    def delete(self, actor, obj):
        roster.oncall_shift_delete(actor=actor, shift=obj)


@admin.register(EscalationStep, site=site)
class EscalationStepAdmin(_ServiceSavedAdmin):
    form = StepAdminForm
    list_display = ("team", "level", "title", "user")
    list_filter = ("team",)
    list_select_related = ("team", "user")
    service_fields = escalation.STEP_FIELDS

    def create(self, actor, **values):
        return escalation.escalation_step_create(actor=actor, **values)

    def update(self, actor, obj, **values):
        return escalation.escalation_step_update(actor=actor, step=obj, **values)

    def delete(self, actor, obj):
        escalation.escalation_step_delete(actor=actor, step=obj)
