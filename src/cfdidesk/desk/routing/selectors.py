"""Reads for routing: the active rules (one small query per ticket opened) and the decision."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from ..models import Category, RoutingRule, Team
from .rules import Arrival, first_match


@dataclass(frozen=True)
class Routing:
    """What routing gives a ticket being opened: a team and a category where it has none, and why."""

    team: Team | None = None
    category: Category | None = None
    rule: RoutingRule | None = None

    @property
    def changed(self) -> bool:
        return self.team is not None or self.category is not None

    def timeline_data(self) -> dict:
        return {
            "team": self.team.name if self.team else None,
            "category": self.category.name if self.category else None,
            "rule": self.rule.name if self.rule else None,
            "rule_id": self.rule.pk if self.rule else None,
        }


def active_rules() -> QuerySet[RoutingRule]:
    """The rules tried on every new ticket, in order; a rule whose team was deactivated is skipped."""
    return (
        RoutingRule.objects.filter(is_active=True, team__is_active=True)
        .select_related("team", "set_category")
        .order_by("position", "id")
    )


def default_team() -> Team | None:
    """Where a ticket goes when no rule matches and no rule without conditions exists: the first
    active team by name (the administration warns when this is what happens)."""
    return Team.objects.filter(is_active=True).order_by("name", "id").first()


def catch_all_rule() -> RoutingRule | None:
    """The first active rule without conditions (the default team), if any."""
    return next((rule for rule in active_rules() if not rule.has_conditions), None)


def ticket_routing(*, arrival: Arrival, team: Team | None, category: Category | None) -> Routing:
    """The team and category the rules give a ticket that lacks them. One query for the rules
    (they are few), and one more only when no rule matched and the ticket has no team."""
    if team is not None and category is not None:
        return Routing()
    rule = first_match(active_rules(), arrival)
    new_team = rule.team if rule is not None and team is None else None
    new_category = None
    if rule is not None and category is None and rule.set_category is not None:
        given = rule.set_category
        if given.is_active and given.kind == arrival.kind:
            new_category = given
    if team is None and new_team is None:
        return Routing(team=default_team(), category=new_category, rule=None)
    return Routing(team=new_team, category=new_category, rule=rule)
