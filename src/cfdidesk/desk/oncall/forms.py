"""Forms of the on-call page and of the administration: input parsing only; the rules are the services'."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from cfdidesk.accounts.selectors import staff_users
from cfdidesk.core.people import display_name

from ..models import EscalationStep, OnCallShift, Team
from .services.escalation import STEP_FIELDS, escalation_step_check
from .services.roster import SHIFT_FIELDS, shift_check


class _LocalDateTime(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class ShiftForm(forms.Form):
    """The roster page's "add a shift" form; times are read in the user's time zone."""

    team = forms.ModelChoiceField(
        label=_("Equipo"), queryset=Team.objects.filter(is_active=True), required=False
    )
    user = forms.ModelChoiceField(
        label=_("Consultor de guardia"), queryset=staff_users(), required=False
    )
    starts_at = forms.DateTimeField(label=_("Desde"), widget=_LocalDateTime(), required=False)
    ends_at = forms.DateTimeField(label=_("Hasta"), widget=_LocalDateTime(), required=False)
    note = forms.CharField(label=_("Nota"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = staff_users()
        self.fields["user"].label_from_instance = display_name


class ServiceRulesModelForm(forms.ModelForm):
    """A ModelForm whose model constraints are checked by the service's rule function in clean(),
    so the administration shows the same Spanish messages as the services (and each only once)."""

    def validate_unique(self):
        pass


class ShiftAdminForm(ServiceRulesModelForm):
    class Meta:
        model = OnCallShift
        fields = SHIFT_FIELDS

    def clean(self):
        data = super().clean()
        if not self.errors:
            shift_check(
                team=data.get("team"),
                user=data.get("user"),
                starts_at=data.get("starts_at"),
                ends_at=data.get("ends_at"),
                exclude_pk=self.instance.pk,
            )
        return data


class StepAdminForm(ServiceRulesModelForm):
    # Any integer, so a 0 or a negative level gets the rule's message rather than the field's.
    level = forms.IntegerField(
        label=_("nivel"), help_text=_("1 para el supervisor, 2 para el gerente…")
    )

    class Meta:
        model = EscalationStep
        fields = STEP_FIELDS

    def clean(self):
        data = super().clean()
        if not any(name in self.errors for name in ("team", "level", "user")):
            escalation_step_check(
                team=data.get("team"),
                level=data.get("level"),
                title=data.get("title", ""),
                user=data.get("user"),
                exclude_pk=self.instance.pk,
            )
        return data
