"""Tags in the administration: rename, merge into another, delete; all through the services."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from cfdidesk.accounts.admin_site import site

from ..models import Tag
from ..oncall.admin import _ServiceSavedAdmin
from ..oncall.forms import ServiceRulesModelForm
from . import services


class TagAdminForm(ServiceRulesModelForm):
    merge_into = forms.ModelChoiceField(
        label=_("fusionar en"),
        queryset=Tag.objects.none(),
        required=False,
        help_text=_(
            "Los tickets y macros con esta etiqueta pasan a la elegida, y esta desaparece."
        ),
    )

    class Meta:
        model = Tag
        fields = ("name",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["merge_into"].queryset = Tag.objects.exclude(pk=self.instance.pk)
        else:
            del self.fields["merge_into"]

    def clean(self):
        data = super().clean()
        if "name" not in self.errors and not data.get("merge_into"):
            services.tag_name_check(name=data.get("name", ""), exclude_pk=self.instance.pk)
        return data


@admin.register(Tag, site=site)
class TagAdmin(_ServiceSavedAdmin):
    form = TagAdminForm
    list_display = ("name", "created_at")
    search_fields = ("name",)
    service_fields = ("name",)

    def get_fields(self, request, obj=None):
        # A new tag has nothing to merge: its form has no "merge_into" (TagAdminForm.__init__).
        return ("name", "merge_into") if obj is not None else ("name",)

    def save_model(self, request, obj, form, change):
        target = form.cleaned_data.get("merge_into")
        if change and target is not None:
            merged = services.tags_merge(actor=request.user, source=obj, target=target)
            obj.pk, obj.name = merged.pk, merged.name
            return
        super().save_model(request, obj, form, change)

    def create(self, actor, **values):
        return services.tag_create(actor=actor, **values)

    def update(self, actor, obj, **values):
        return services.tag_rename(actor=actor, tag=obj, **values)

    def delete(self, actor, obj):
        services.tag_delete(actor=actor, tag=obj)
