"""Whether a company has history, which decides if deleting it erases or archives it.

Other apps (desk, billing, invoicing) register a function company -> bool that says whether the
company has history of theirs; customers never imports them.
"""

from __future__ import annotations

from collections.abc import Callable

from .models import Company

_history_checks: list[Callable[[Company], bool]] = []


def register_history_check(check: Callable[[Company], bool]) -> None:
    """Called by another app once, when it is ready (AppConfig.ready)."""
    if check not in _history_checks:
        _history_checks.append(check)


def company_has_history(company: Company) -> bool:
    """Contacts of its own, or history in any app that registered a check."""
    if company.contacts.exists():
        return True
    return any(check(company) for check in _history_checks)
