"""The panels of the customer 360 page, contributed by the apps above customers.

customers never imports desk, invoicing or billing: each of them registers a panel when it is
ready (AppConfig.ready), as desk registers its history check in history.py. A panel is a
template and a function (company, user) -> context, or None when the user may not see it. The
company page renders the panels in their order; each panel reads what it shows with a fixed
number of queries, so the page costs the same for a company with ten tickets or fifty thousand.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .models import Company


@dataclass(frozen=True)
class CompanyPanel:
    key: str
    template: str
    context: Callable[[Company, Any], dict | None]
    order: int = 100


@dataclass(frozen=True)
class RenderedPanel:
    key: str
    template: str
    context: dict
    order: int

    @property
    def leads(self) -> bool:
        """Shown above the company's data (order under 50) rather than below it."""
        return self.order < 50


_panels: dict[str, CompanyPanel] = {}


def register_company_panel(panel: CompanyPanel) -> None:
    """Called by another app once, when it is ready; registering the same key again replaces it."""
    _panels[panel.key] = panel


def company_panels(*, company: Company, user) -> list[RenderedPanel]:
    """The panels this user may see of this company, in order, with their context."""
    shown = []
    for panel in sorted(_panels.values(), key=lambda p: (p.order, p.key)):
        context = panel.context(company, user)
        if context is not None:
            shown.append(RenderedPanel(panel.key, panel.template, context, panel.order))
    return shown
