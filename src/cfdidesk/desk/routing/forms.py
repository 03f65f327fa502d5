"""The routing rule form of the administration: input parsing; the rules are the service's."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from cfdidesk.customers.models import Company

from ..models import Category, RoutingRule, Team
from ..oncall.forms import ServiceRulesModelForm
from .services import RULE_FIELDS, routing_rule_check


class CompanyByRfc(forms.CharField):
    """The company typed as its RFC (there may be a million: no drop-down)."""

    def prepare_value(self, value):
        if isinstance(value, int):
            company = Company.objects.filter(pk=value).only("rfc").first()
            return company.rfc if company else ""
        return value.rfc if isinstance(value, Company) else value

    def clean(self, value):
        text = (super().clean(value) or "").strip().upper()
        if not text:
            return None
        company = Company.objects.filter(rfc=text).order_by("id").first()
        if company is None:
            raise forms.ValidationError(_("Ningún cliente tiene el RFC %(rfc)s.") % {"rfc": text})
        return company


class RoutingRuleForm(ServiceRulesModelForm):
    company = CompanyByRfc(
        label=_("Cliente (RFC)"),
        required=False,
        max_length=13,
        help_text=_("Vacío: cualquier cliente."),
    )

    class Meta:
        model = RoutingRule
        fields = RULE_FIELDS
        widgets = {"keywords": forms.TextInput(attrs={"size": 80})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.filter(is_active=True)
        active = Category.objects.filter(is_active=True)
        self.fields["category"].queryset = active
        self.fields["set_category"].queryset = active

    def clean(self):
        data = super().clean()
        if not self.errors:
            candidate = RoutingRule(**{name: data.get(name) for name in RULE_FIELDS})
            candidate.name = candidate.name or ""
            candidate.keywords = candidate.keywords or ""
            candidate.channel = candidate.channel or ""
            candidate.kind = candidate.kind or ""
            routing_rule_check(rule=candidate)
        return data
