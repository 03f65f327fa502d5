from django import forms
from django.utils.translation import gettext_lazy as _


class MovementsUploadForm(forms.Form):
    file = forms.FileField(label=_("Archivo de movimientos (.jsonl, .json o .csv)"))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Motivo"), max_length=300, required=False)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("CFDI timbrados (.xml o .zip)"))
