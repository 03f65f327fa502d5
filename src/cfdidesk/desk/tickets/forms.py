from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from cfdidesk.accounts.selectors import staff_users
from cfdidesk.core.params import id_param, int_param
from cfdidesk.core.people import display_name
from cfdidesk.customers.models import Company, Contact

from ..models import Category, Channel, Kind, Priority, Status, Team
from ..sla.selectors import SLA_FILTERS
from .rules import references_from_text

_COMPANY_ID = re.compile(r"\(#(\d+)\)\s*$")
LIST_FILTERS = ("status", "priority", "team", "assignee", "company", "category", "sla", "tag")
ID_FILTERS = ("team", "assignee", "company", "category", "tag")


def list_filters(data) -> dict[str, str]:
    """The ticket list's filters (page or API) as given, each one a value it can take or empty: a
    bad id, an unknown state, priority or SLA filter is ignored, never an error."""
    params = {name: str(data.get(name) or "") for name in LIST_FILTERS}
    for name in ID_FILTERS:
        number = id_param(params[name])
        params[name] = str(number) if number else ""
    if params["status"] not in Status.values:
        params["status"] = ""
    if int_param(params["priority"]) not in Priority.values:
        params["priority"] = ""
    if params["sla"] not in SLA_FILTERS:
        params["sla"] = ""
    return params


def company_from_text(text: str) -> Company | None:
    """ "Name — RFC (#12)" from the suggestions, or a bare RFC typed by hand."""
    text = (text or "").strip()
    if match := _COMPANY_ID.search(text):
        pk = id_param(match.group(1))
        return Company.objects.filter(pk=pk).first() if pk else None
    return (
        Company.objects.filter(rfc=text.upper())
        .exclude(rfc__in=["XAXX010101000", "XEXX010101000"])
        .first()
    )


class TicketForm(forms.Form):
    company = forms.CharField(
        label=_("Cliente"), required=False, help_text=_("Escribe nombre o RFC y elige de la lista.")
    )
    contact = forms.ModelChoiceField(
        label=_("Contacto que reporta"), queryset=Contact.objects.none(), required=False
    )
    subject = forms.CharField(label=_("Asunto"), required=False, max_length=300)
    description = forms.CharField(
        label=_("Descripción"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    channel = forms.ChoiceField(label=_("Canal"), choices=Channel.choices, initial=Channel.PHONE)
    kind = forms.ChoiceField(label=_("Tipo"), choices=Kind.choices, initial=Kind.INCIDENT)
    category = forms.ModelChoiceField(
        label=_("Categoría"), queryset=Category.objects.filter(is_active=True), required=False
    )
    priority = forms.TypedChoiceField(
        label=_("Prioridad"), choices=Priority.choices, coerce=int, initial=Priority.NORMAL
    )
    affects_operation = forms.BooleanField(
        label=_("Afecta la operación del cliente (sistema caído o bloqueado)"), required=False
    )
    team = forms.ModelChoiceField(
        label=_("Equipo"),
        queryset=Team.objects.filter(is_active=True),
        required=False,
        help_text=_("Si lo dejas vacío, lo eligen las reglas de enrutamiento."),
    )
    assignee = forms.ModelChoiceField(label=_("Consultor"), queryset=staff_users(), required=False)
    references = forms.CharField(
        label=_("Referencias (movimientos, serie-folio, UUID)"),
        required=False,
        help_text=_("Separadas por comas o renglones."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    verified_product = forms.BooleanField(
        label=_(
            "Se verificó que el problema es de nuestro producto (no red, sistema operativo ni terceros)"
        ),
        required=False,
    )
    reproduced = forms.BooleanField(label=_("Se pudo reproducir el problema"), required=False)
    exact_messages = forms.CharField(
        label=_("Mensajes exactos que aparecen"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    steps_before = forms.CharField(
        label=_("Pasos dados antes del problema"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = staff_users()
        self.fields["assignee"].label_from_instance = display_name
        company = company_from_text(self.data.get("company", "")) if self.is_bound else None
        if company is not None:
            self.fields["contact"].queryset = company.contacts.all()

    def clean(self):
        data = super().clean()
        data["company_obj"] = company_from_text(data.get("company", ""))
        if data.get("company") and data["company_obj"] is None:
            self.add_error(
                "company",
                _("No encontramos ese cliente. Escribe su nombre o RFC y elígelo de la lista."),
            )
        return data

    def reference_pairs(self) -> list[tuple[str, str]]:
        return references_from_text(self.cleaned_data.get("references") or "")


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Mensaje"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    then = forms.ChoiceField(
        label=_("Después de responder"),
        required=False,
        choices=[
            ("", _("Dejar el estado como está")),
            (Status.WAITING_CUSTOMER, _("Esperar al cliente")),
            (Status.RESOLVED, _("Marcar como resuelto")),
        ],
    )
