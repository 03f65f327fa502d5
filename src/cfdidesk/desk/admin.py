from django.contrib import admin
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from cfdidesk.accounts.admin_site import CatalogAdmin, site

from .forms import staff_users
from .models import (
    AlertWebhook,
    CannedReply,
    Category,
    EscalationStep,
    OnCallShift,
    Team,
    WebhookDelivery,
)
from .oncall_forms import ShiftAdminForm, StepAdminForm, WebhookAdminForm
from .services import escalation, oncall
from .services.webhooks import redeliver


@admin.register(Category, site=site)
class CategoryAdmin(CatalogAdmin):
    list_display = ("name", "kind", "position", "is_active")
    list_filter = ("kind", "is_active")
    list_editable = ("position", "is_active")
    search_fields = ("name",)


@admin.register(Team, site=site)
class TeamAdmin(CatalogAdmin):
    list_display = ("name", "is_active")


@admin.register(CannedReply, site=site)
class CannedReplyAdmin(CatalogAdmin):
    list_display = ("title", "is_active")
    search_fields = ("title", "body")
    list_filter = ("is_active",)


from . import admin_sla  # noqa: E402,F401  (SLA policies: see the module)

# ---------------------------------------------------------------- on-call roster, escalation, webhooks
# Saved through the services, so the admin checks the same rules and writes the same audit rows.


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
    service_fields = oncall.SHIFT_FIELDS

    def create(self, actor, **values):
        return oncall.oncall_shift_create(actor=actor, **values)

    def update(self, actor, obj, **values):
        return oncall.oncall_shift_update(actor=actor, shift=obj, **values)

    def delete(self, actor, obj):
        oncall.oncall_shift_delete(actor=actor, shift=obj)


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


@admin.register(AlertWebhook, site=site)
class AlertWebhookAdmin(CatalogAdmin):
    form = WebhookAdminForm
    list_display = ("name", "url", "is_active", "signed", "failed_deliveries")
    list_filter = ("is_active",)

    def get_queryset(self, request):
        failed = Count("deliveries", filter=Q(deliveries__state=WebhookDelivery.State.FAILED))
        return super().get_queryset(request).annotate(failed_count=failed)

    @admin.display(description=_("firmado"), boolean=True)
    def signed(self, obj):
        return bool(obj.secret)

    @admin.display(description=_("envíos fallidos"), ordering="failed_count")
    def failed_deliveries(self, obj):
        return obj.failed_count


@admin.register(WebhookDelivery, site=site)
class WebhookDeliveryAdmin(CatalogAdmin):
    """What the worker did with each alert: failures are here with their error, and can be sent again."""

    list_display = ("created_at", "webhook", "event", "ticket_number", "state", "attempts", "error")
    list_filter = ("state", "event", "webhook")
    list_select_related = ("webhook", "ticket")
    search_fields = ("ticket__number",)
    readonly_fields = (
        "webhook",
        "ticket",
        "event",
        "payload",
        "state",
        "attempts",
        "last_error",
        "created_at",
        "sent_at",
    )
    actions = ["retry"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # written by the worker only; the administrator reads, retries or deletes

    @admin.display(description=_("ticket"), ordering="ticket__number")
    def ticket_number(self, obj):
        return f"#{obj.ticket.number}" if obj.ticket else "—"

    @admin.display(description=_("último error"))
    def error(self, obj):
        return (obj.last_error or "")[:120]

    @admin.action(description=_("Reintentar los envíos fallidos"))
    def retry(self, request, queryset):
        n = redeliver(list(queryset.values_list("pk", flat=True)))
        self.message_user(
            request,
            ngettext("%(n)d envío en cola otra vez.", "%(n)d envíos en cola otra vez.", n)
            % {"n": n},
        )
