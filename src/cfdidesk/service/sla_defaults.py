"""The SLA policies a new installation starts with (seed 001): critical, the customer's operation
stopped, is attended 24×7; the rest in office hours (a business day is 8 hours by default)."""

import datetime as dt

H = dt.timedelta(hours=1)
# (priority, first response, resolution, around the clock)
DEFAULT_POLICIES = [
    (1, 1 * H, 4 * H, True),
    (2, 4 * H, 16 * H, False),
    (3, 8 * H, 24 * H, False),
    (4, 16 * H, 40 * H, False),
]


def ensure_default_policies(policy_model) -> None:
    """Create the general policies that are missing (the migration passes its historical model)."""
    for priority, first, resolution, always in DEFAULT_POLICIES:
        policy_model.objects.get_or_create(
            priority=priority,
            company=None,
            defaults={
                "first_response": first,
                "resolution": resolution,
                "around_the_clock": always,
                "at_risk_percent": 75,
            },
        )
