from ninja.security import HttpBearer, django_auth

from .services import token_authenticate


class BearerToken(HttpBearer):
    """`Authorization: Bearer <token>` with a personal API token."""

    def authenticate(self, request, token):
        user = token_authenticate(clear=token)
        if user is not None:
            request.user = user
        return user


# Browser sessions work too (with CSRF on unsafe methods), so the docs page can try calls.
API_AUTH = [BearerToken(), django_auth]
