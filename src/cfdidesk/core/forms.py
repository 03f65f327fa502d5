from django import forms
from django.core.exceptions import ValidationError


def add_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: field errors on their fields, the rest on top."""
    for name, messages in exc.message_dict.items():
        for message in messages:
            form.add_error(name if name in form.fields else None, message)
