"""The ticket catalogs administrators edit: categories, teams, canned replies, macros."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from cfdidesk.accounts.admin_site import CatalogAdmin, site

from ..models import CannedReply, Category, Macro, Team
from .services.macros import macro_check


@admin.register(Category, site=site)
class CategoryAdmin(CatalogAdmin):
    list_display = ("name", "kind", "position", "is_active")
    list_filter = ("kind", "is_active")
    list_editable = ("position", "is_active")
    search_fields = ("name",)


class TeamForm(forms.ModelForm):
    class Meta:
        model = Team
        fields = ("name", "is_active")

    def clean_is_active(self):
        active = self.cleaned_data["is_active"]
        others = Team.objects.filter(is_active=True).exclude(pk=self.instance.pk)
        if not active and not others.exists():
            raise forms.ValidationError(
                _("Debe quedar al menos un equipo activo: cada ticket nuevo necesita uno.")
            )
        return active


@admin.register(Team, site=site)
class TeamAdmin(CatalogAdmin):
    form = TeamForm
    list_display = ("name", "is_active")

    def has_delete_permission(self, request, obj=None):
        """The last active team stays: every new ticket is routed to a team."""
        if obj is not None and obj.is_active:
            if not Team.objects.filter(is_active=True).exclude(pk=obj.pk).exists():
                return False
        return super().has_delete_permission(request, obj)


@admin.register(CannedReply, site=site)
class CannedReplyAdmin(CatalogAdmin):
    list_display = ("title", "is_active")
    search_fields = ("title", "body")
    list_filter = ("is_active",)


class MacroForm(forms.ModelForm):
    class Meta:
        model = Macro
        fields = ("name", "body", "status", "priority", "team", "tags", "is_active")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.filter(is_active=True)

    def clean(self):
        data = super().clean()
        if not self.errors:
            macro_check(
                body=data.get("body", ""),
                status=data.get("status", ""),
                priority=data.get("priority"),
                team=data.get("team"),
                has_tags=bool(data.get("tags")),
            )
        return data


@admin.register(Macro, site=site)
class MacroAdmin(CatalogAdmin):
    form = MacroForm
    list_display = ("name", "status", "priority", "team", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name", "body")
    filter_horizontal = ("tags",)
