"""Page forms. Field rules live in rules.py and the services; these only parse and display."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from cfdidesk.core.forms import add_errors
from cfdidesk.sat import catalogs
from cfdidesk.sat.rfc import check_rfc

from .models import ImportJob
from .rules import check_company


def sat_choices(rfc: str, tax_regime: str = "") -> tuple[list, list, str | None]:
    """Regime and CFDI-use choices SAT allows for the RFC's person type (and the chosen regime)."""
    person_type = check_rfc(rfc).person_type if rfc else None
    regimes = [("", _("— Elige el régimen fiscal —"))] + [
        (r.code, r.label) for r in catalogs.regimes_for(person_type)
    ]
    regime_ok = tax_regime in {code for code, _label in regimes[1:]}
    uses = [("", _("— Elige el uso del CFDI —"))] + [
        (u.code, u.label)
        for u in catalogs.cfdi_uses_for(person_type, tax_regime if regime_ok else None)
    ]
    return regimes, uses, person_type


class CompanyForm(forms.Form):
    legal_name = forms.CharField(label=_("Nombre o razón social"), required=False)
    rfc = forms.CharField(label=_("RFC"), required=False)
    cfdi_use = forms.CharField(
        label=_("Uso de la factura (uso del CFDI)"), required=False, widget=forms.Select
    )
    tax_regime = forms.CharField(label=_("Régimen fiscal"), required=False, widget=forms.Select)
    email = forms.CharField(label=_("Correo electrónico"), required=False)
    email_2 = forms.CharField(label=_("Correo adicional 1"), required=False)
    email_3 = forms.CharField(label=_("Correo adicional 2"), required=False)
    postal_code = forms.CharField(label=_("Código postal"), required=False)
    trade_name = forms.CharField(label=_("Nombre comercial"), required=False)
    phone = forms.CharField(label=_("Teléfono"), required=False)
    notes = forms.CharField(label=_("Notas"), required=False, widget=forms.Textarea)
    ship_street = forms.CharField(label=_("Calle"), required=False)
    ship_exterior_number = forms.CharField(label=_("Número exterior"), required=False)
    ship_interior_number = forms.CharField(label=_("Número interior"), required=False)
    ship_neighbourhood = forms.CharField(label=_("Colonia"), required=False)
    ship_municipality = forms.CharField(label=_("Municipio o alcaldía"), required=False)
    ship_state = forms.CharField(label=_("Entidad federativa"), required=False)
    ship_postal_code = forms.CharField(label=_("Código postal de envío"), required=False)
    ship_country = forms.CharField(label=_("País"), required=False)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    REQUIRED = ("legal_name", "rfc", "cfdi_use", "tax_regime", "email", "postal_code")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        rfc = self.data.get("rfc") if self.is_bound else self.initial.get("rfc", "")
        regime = (
            self.data.get("tax_regime") if self.is_bound else self.initial.get("tax_regime", "")
        )
        regimes, uses, self.person_type = sat_choices(rfc or "", regime or "")
        self.fields["tax_regime"].widget.choices = regimes
        self.fields["cfdi_use"].widget.choices = uses
        self.warnings: dict[str, list[str]] = {}
        for name in self.REQUIRED:
            self.fields[name].widget.attrs["aria-required"] = "true"

    def clean(self):
        data = super().clean()
        check = check_company(data)
        if check.errors:
            add_errors(self, ValidationError(check.errors))
        self.warnings = check.warnings
        return data


class ContactForm(forms.Form):
    name = forms.CharField(label=_("Nombre"), required=False)
    email = forms.CharField(label=_("Correo electrónico"), required=False)
    phone = forms.CharField(label=_("Teléfono"), required=False)
    position = forms.CharField(label=_("Puesto"), required=False)
    language = forms.ChoiceField(
        label=_("Idioma de los correos"), choices=settings.LANGUAGES, required=False
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Archivo .CSV"),
        error_messages={
            "required": _("Elige el archivo .CSV que quieres cargar."),
            "empty": _("El archivo está vacío."),
        },
    )
    mode = forms.ChoiceField(
        label=_("Modo de carga"),
        choices=ImportJob.Mode.choices,
        initial=ImportJob.Mode.CREATE,
        widget=forms.RadioSelect,
    )
    auto_confirm = forms.BooleanField(
        label=_(
            "Si hay filas con errores, cargar de todos modos las filas válidas sin preguntarme"
        ),
        required=False,
    )
