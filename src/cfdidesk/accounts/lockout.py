"""Failed log-ins counted per user and address, and per address alone (django-axes' handler).

Axes locks a username from one address after AXES_FAILURE_LIMIT failures (its lockout
parameters, settings.AXES_LOCKOUT_PARAMETERS). One password tried across many usernames from
one address never reaches that limit for any of them, so this handler also adds up every
failure from the address in the cool-off window and locks the address once they reach
AXES_ADDRESS_FAILURE_LIMIT (higher, so colleagues behind one office router who mistype are not
locked out together). Wrong second-step codes are reported to axes as failed log-ins too
(accounts.views_two_factor), so they count here as well.
"""

from __future__ import annotations

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum


def address_failures(request) -> int:
    """Failed log-ins from the request's address in the cool-off window, for any username."""
    address = getattr(request, "axes_ip_address", None)
    if not address:
        return 0
    attempts = AccessAttempt.objects.filter(ip_address=address)
    if settings.AXES_COOLOFF_TIME is not None:
        attempts = attempts.filter(attempt_time__gte=get_cool_off_threshold(request))
    return attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0


class AddressAwareHandler(AxesDatabaseHandler):
    """AxesDatabaseHandler whose failure count also reaches the limit when the address has."""

    def get_failures(self, request, credentials: dict | None = None) -> int:
        failures = super().get_failures(request, credentials)
        if address_failures(request) >= settings.AXES_ADDRESS_FAILURE_LIMIT:
            # Axes compares one number with one limit: an address over its own limit counts as
            # a user over theirs, so every attempt from it is refused until the cool-off ends.
            return max(failures, get_failure_limit(request, credentials))
        return failures
