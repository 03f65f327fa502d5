from django.contrib import admin

from cfdidesk.accounts.admin_site import CatalogAdmin, site

from .models import ArticleCategory


@admin.register(ArticleCategory, site=site)
class ArticleCategoryAdmin(CatalogAdmin):
    list_display = ("name", "position")
    list_editable = ("position",)
