from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def add_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: field errors on their fields, the rest on top."""
    for name, messages in exc.message_dict.items():
        for message in messages:
            form.add_error(name if name in form.fields else None, message)


def refuse_nulls(data: dict, *, nullable: tuple[str, ...] = ()) -> dict:
    """The fields of a PATCH body, refused with one message each when sent as null and they cannot
    be empty (a null means "leave it" only where `nullable` says so)."""
    errors = {
        name: [_("Este campo no acepta null: omítelo para dejarlo como está.")]
        for name, value in data.items()
        if value is None and name not in nullable
    }
    if errors:
        raise ValidationError(errors)
    return data
