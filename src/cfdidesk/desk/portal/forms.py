from __future__ import annotations

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..models import Kind
from ..tickets.rules import references_from_text

MAX_UPLOADS = 10


def _attachments_help() -> str:
    return gettext("XML, PDF, imágenes, logs, CSV o ZIP; hasta %(n)d archivos.") % {
        "n": MAX_UPLOADS
    }


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    """Several files under one name; the ticket services check their type and size."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if len(files) > MAX_UPLOADS:
            raise forms.ValidationError(
                _("Adjunta como máximo %(n)d archivos a la vez.") % {"n": MAX_UPLOADS}
            )
        return [super(AttachmentsField, self).clean(f, initial) for f in files]

    @staticmethod
    def read(files) -> list[tuple[str, bytes]]:
        return [(f.name, f.read()) for f in files or []]


class PortalTicketForm(forms.Form):
    subject = forms.CharField(
        label=_("Asunto"),
        max_length=200,
        help_text=_("Una línea que resuma el problema, p. ej. «No timbra la factura A-123»."),
        error_messages={"required": _("Escribe el asunto: una línea que resuma el problema.")},
    )
    description = forms.CharField(
        label=_("Descripción"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Qué intentabas hacer, qué pasó y desde cuándo."),
        error_messages={"required": _("Cuéntanos qué pasa.")},
    )
    kind = forms.ChoiceField(
        label=_("Tipo de reporte"),
        choices=Kind.choices,
        initial=Kind.INCIDENT,
        widget=forms.RadioSelect,
        help_text=_(
            "Incidente: algo no funciona. Solicitud de servicio: orientación, configuración, capacitación o timbres."
        ),
    )
    affects_operation = forms.BooleanField(
        label=_("Afecta la operación"),
        required=False,
        help_text=_(
            "Márcalo solo si el sistema está caído o la operación está bloqueada: se atiende de inmediato, "
            "también fuera del horario de oficina. Lo demás se atiende en horario de oficina."
        ),
    )
    verified_product = forms.BooleanField(
        label=_(
            "Verifiqué que el problema está en el sistema de facturación y no en la red, el sistema operativo, "
            "la energía o el software de otro proveedor."
        ),
        required=False,
    )
    reproduced = forms.BooleanField(
        label=_(
            "Intenté reproducir el problema y vuelve a ocurrir (no fue un simple error o desliz)."
        ),
        required=False,
    )
    exact_messages = forms.CharField(
        label=_("Mensajes exactos que aparecen"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Copia y pega el texto del error tal como aparece."),
    )
    steps_before = forms.CharField(
        label=_("Pasos que diste antes de ver el problema"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    references = forms.CharField(
        label=_("Referencias relacionadas"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Números de movimiento, serie-folio (p. ej. A-123) o UUID, separados por comas o renglones."
        ),
    )
    attachments = AttachmentsField(
        label=_("Adjuntos"),
        help_text=lazy(_attachments_help, str)(),
    )

    def reference_pairs(self) -> list[tuple[str, str]]:
        return references_from_text(self.cleaned_data.get("references") or "")


class PortalReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Tu respuesta"),
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Escribe el mensaje.")},
    )
    attachments = AttachmentsField(label=_("Adjuntos"))
