"""Access for pages: a decorator that asks roles.has_capability, and the accounts an administrator may change."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth import get_user_model
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404

from .roles import has_capability


def require_capability(capability: str):
    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not has_capability(request.user, capability):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def get_user_for_manage(actor, pk: int):
    """An account an administrator may change (users.manage); 404 for an unknown id."""
    if not has_capability(actor, "users.manage"):
        raise PermissionDenied
    user = get_user_model().objects.filter(pk=pk).first()
    if user is None:
        raise Http404
    return user
