from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def person(user, fallback: str = "") -> str:
    """A user's full name, else username; "Sistema" (or the fallback) when there is no user."""
    if user is None:
        return fallback or _("Sistema")
    return user.get_full_name() or user.username
