from django import template

from cfdidesk.core.people import display_name

register = template.Library()


@register.filter
def person(user, fallback: str = "") -> str:
    """`{{ user|person }}`: the user's display name (core.people.display_name)."""
    return display_name(user, fallback)
