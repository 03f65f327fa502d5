from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import AlertWebhook


class WebhookAdminForm(forms.ModelForm):
    """The secret is never shown again: left empty it stays as it was; a tick clears it."""

    url = forms.URLField(label=_("dirección"), max_length=500, assume_scheme="https")

    secret = forms.CharField(
        label=_("secreto"),
        required=False,
        max_length=200,
        widget=forms.PasswordInput(render_value=False),
        help_text=AlertWebhook._meta.get_field("secret").help_text,
    )
    clear_secret = forms.BooleanField(label=_("quitar el secreto"), required=False)

    class Meta:
        model = AlertWebhook
        fields = ("name", "url", "secret", "is_active")

    def clean_secret(self):
        value = self.cleaned_data.get("secret", "")
        return value or (self.instance.secret if self.instance.pk else "")

    def clean(self):
        data = super().clean()
        if data.get("clear_secret"):
            data["secret"] = ""
        return data
