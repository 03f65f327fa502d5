"""The ticket catalogs administrators edit: categories, teams, canned replies."""

from django.contrib import admin

from cfdidesk.accounts.admin_site import CatalogAdmin, site

from ..models import CannedReply, Category, Team


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
