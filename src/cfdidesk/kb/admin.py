from django.contrib import admin

from cfdidesk.web.admin_site import CatalogAdmin, site

from .models import ArticleCategory


@admin.register(ArticleCategory, site=site)
class ArticleCategoryAdmin(CatalogAdmin):
    list_display = ("name", "position")
    list_editable = ("position",)
