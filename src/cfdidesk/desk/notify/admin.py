"""Alert webhooks in the administration, and what became of each POST (failed ones can be retried)."""

from django.contrib import admin
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from cfdidesk.accounts.admin_site import CatalogAdmin, site

from ..models import AlertWebhook, WebhookDelivery
from .forms import WebhookAdminForm
from .services.delivery import webhook_deliveries_retry


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
        n = webhook_deliveries_retry(delivery_ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(
            request,
            ngettext("%(n)d envío en cola otra vez.", "%(n)d envíos en cola otra vez.", n)
            % {"n": n},
        )
