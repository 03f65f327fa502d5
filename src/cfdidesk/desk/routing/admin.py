"""Routing rules in the administration, saved through the services (checked and audited). The list
warns when no rule without conditions exists: tickets that match nothing go to the first active team."""

from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cfdidesk.accounts.admin_site import site

from ..models import RoutingRule
from ..oncall.admin import _ServiceSavedAdmin
from . import services
from .forms import RoutingRuleForm
from .selectors import catch_all_rule, default_team


@admin.register(RoutingRule, site=site)
class RoutingRuleAdmin(_ServiceSavedAdmin):
    form = RoutingRuleForm
    list_display = ("position", "name", "conditions", "team", "set_category", "is_active")
    list_display_links = ("name",)
    list_filter = ("is_active", "team", "channel")
    list_select_related = ("team", "set_category", "category", "company")
    search_fields = ("name", "keywords")
    service_fields = services.RULE_FIELDS
    fieldsets = (
        (None, {"fields": ("name", "position", "is_active")}),
        (
            gettext_lazy("Condiciones (vacías: cualquier ticket)"),
            {"fields": ("channel", "kind", "category", "company", "keywords")},
        ),
        (gettext_lazy("Lo que da la regla"), {"fields": ("team", "set_category")}),
    )

    @admin.display(description=gettext_lazy("condiciones"))
    def conditions(self, rule: RoutingRule) -> str:
        parts = []
        if rule.channel:
            parts.append(str(rule.get_channel_display()))
        if rule.kind:
            parts.append(str(rule.get_kind_display()))
        if rule.category_id:
            parts.append(rule.category.name)
        if rule.company_id:
            parts.append(rule.company.rfc)
        if rule.keywords:
            parts.append(_("asunto: %(k)s") % {"k": rule.keywords})
        return " · ".join(parts) or _("Ninguna: equipo predeterminado")

    def changelist_view(self, request, extra_context=None):
        if request.method == "GET":
            self._warn_without_default(request)
        return super().changelist_view(request, extra_context)

    def _warn_without_default(self, request) -> None:
        if catch_all_rule() is not None:
            return
        team = default_team()
        if team is None:
            messages.error(
                request,
                _("No hay ningún equipo activo: los tickets nuevos se quedarán sin equipo."),
            )
            return
        messages.warning(
            request,
            _(
                "No hay una regla activa sin condiciones: los tickets que no coincidan con ninguna "
                "regla irán al primer equipo activo, «%(team)s». Agrega una regla sin condiciones "
                "al final para elegir el equipo predeterminado."
            )
            % {"team": team.name},
        )

    def create(self, actor, **values):
        return services.routing_rule_create(actor=actor, **values)

    def update(self, actor, obj, **values):
        return services.routing_rule_update(actor=actor, rule=obj, **values)

    def delete(self, actor, obj):
        services.routing_rule_delete(actor=actor, rule=obj)
