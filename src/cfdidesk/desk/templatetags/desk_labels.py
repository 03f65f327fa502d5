"""Readable labels for the codes stored in timeline events."""

from django import template
from django.core.exceptions import FieldDoesNotExist

from ..models import PROTOCOL_STEPS, Status, Ticket

register = template.Library()
_STEPS = dict(PROTOCOL_STEPS)


@register.filter
def status_label(code: str) -> str:
    try:
        return str(Status(code).label)
    except ValueError:
        return code


@register.filter
def step_label(code: str) -> str:
    return str(_STEPS.get(code, code))


@register.filter
def field_label(name: str) -> str:
    try:
        return str(Ticket._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name
