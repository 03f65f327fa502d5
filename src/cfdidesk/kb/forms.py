"""Page forms: they parse and display; the rules live in services.py."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ArticleCategory, Visibility


class ArticleForm(forms.Form):
    title = forms.CharField(
        label=_("Título"), required=False, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    category = forms.ModelChoiceField(
        label=_("Categoría"),
        queryset=ArticleCategory.objects.none(),
        required=False,
        empty_label=_("Sin categoría"),
    )
    visibility = forms.ChoiceField(
        label=_("Visibilidad"),
        choices=Visibility.choices,
        initial=Visibility.INTERNAL,
        widget=forms.RadioSelect,
    )
    body = forms.CharField(
        label=_("Contenido"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 22, "spellcheck": "true", "class": "kb-source"}),
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = ArticleCategory.objects.order_by("position", "name")
        self.fields["title"].widget.attrs["aria-required"] = "true"

    def service_data(self) -> dict:
        return {
            name: self.cleaned_data.get(name)
            for name in ("title", "body", "category", "visibility")
        }
