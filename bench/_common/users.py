"""The users benchmarks sign in as."""

from __future__ import annotations

from .companies import _FastRandom
from .texts import person_name


def admin_user(username: str = "bench-admin"):
    from cfdidesk.accounts.services import user_create

    return user_create(username=username, password="una-clave-de-bench-123", role="administrator")


def logged_in_client(username: str = "bench-admin"):
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def consultants(n: int, *, seed: int = 5) -> list:
    """n active consultants (role "consultant", no usable password: the benchmarks log in with force_login)."""
    from cfdidesk.accounts.services import user_create

    rng = _FastRandom(seed)
    users = []
    for i in range(1, n + 1):
        first, last = person_name(rng)
        users.append(
            user_create(
                username=f"consultor{i:02d}",
                password=None,
                role="consultant",
                email=f"consultor{i:02d}@mesa.example",
                first_name=first,
                last_name=last,
            )
        )
    return users
