"""Writes to the routing rules (from the administration): checked and audited here."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cfdidesk.audit.services import audit_record
from cfdidesk.core.audit_actions import AuditAction

from ..models import Channel, Kind, RoutingRule
from .rules import MAX_KEYWORD_LENGTH, MAX_KEYWORDS, keyword_errors, keyword_list

RULE_FIELDS = (
    "name",
    "position",
    "is_active",
    "channel",
    "kind",
    "category",
    "company",
    "keywords",
    "team",
    "set_category",
)


def _condition_errors(rule: RoutingRule, errors: dict[str, list[str]]) -> None:
    if rule.channel and rule.channel not in Channel.values:
        errors["channel"] = [_("Canal desconocido.")]
    if rule.kind and rule.kind not in Kind.values:
        errors["kind"] = [_("Tipo desconocido.")]
    problems = keyword_errors(rule.keywords)
    if "too_many" in problems:
        errors["keywords"] = [_("Máximo %(n)d palabras clave por regla.") % {"n": MAX_KEYWORDS}]
    elif "too_long" in problems:
        errors["keywords"] = [
            _("Cada palabra clave puede tener hasta %(n)d caracteres.") % {"n": MAX_KEYWORD_LENGTH}
        ]
    category = rule.category
    if category is not None and rule.kind and category.kind != rule.kind:
        errors["category"] = [
            _("La categoría «%(c)s» no es del tipo elegido.") % {"c": category.name}
        ]


def routing_rule_check(*, rule: RoutingRule) -> None:
    """Refuse a rule without name or team, with an inactive team, or with a category of another type."""
    errors: dict[str, list[str]] = {}
    if not (rule.name or "").strip():
        errors["name"] = [_("Escribe un nombre para la regla.")]
    if rule.team_id is None:
        errors["team"] = [_("Elige el equipo al que la regla manda los tickets.")]
    elif not rule.team.is_active:
        errors["team"] = [
            _("El equipo «%(t)s» está inactivo: elige uno activo.") % {"t": rule.team.name}
        ]
    _condition_errors(rule, errors)
    given = rule.set_category
    if given is not None:
        condition = rule.category
        wanted = rule.kind or (condition.kind if condition is not None else "")
        if wanted and given.kind != wanted:
            errors["set_category"] = [
                _("La categoría «%(c)s» no es del tipo de los tickets de esta regla.")
                % {"c": given.name}
            ]
    if errors:
        raise ValidationError(errors)


def _audit(rule: RoutingRule) -> dict:
    return {
        "name": rule.name,
        "position": rule.position,
        "is_active": rule.is_active,
        "channel": rule.channel,
        "kind": rule.kind,
        "category": rule.category_id,
        "company": rule.company_id,
        "keywords": rule.keywords,
        "team": rule.team_id,
        "set_category": rule.set_category_id,
    }


def _normalise(rule: RoutingRule) -> None:
    rule.name = (rule.name or "").strip()[:120]
    rule.keywords = ", ".join(keyword_list(rule.keywords))[:500]
    rule.position = int(rule.position or 0)


@transaction.atomic
def routing_rule_create(*, actor, **values) -> RoutingRule:
    unknown = set(values) - set(RULE_FIELDS)
    if unknown:
        raise TypeError(f"unknown routing rule fields: {sorted(unknown)}")
    rule = RoutingRule(**values)
    _normalise(rule)
    routing_rule_check(rule=rule)
    rule.save()
    audit_record(
        actor=actor, action=AuditAction.ROUTING_RULE_CREATE, target=rule, changes=_audit(rule)
    )
    return rule


@transaction.atomic
def routing_rule_update(*, actor, rule: RoutingRule, **changes) -> RoutingRule:
    unknown = set(changes) - set(RULE_FIELDS)
    if unknown:
        raise TypeError(f"unknown routing rule fields: {sorted(unknown)}")
    locked = RoutingRule.objects.select_for_update().get(pk=rule.pk)
    for name, value in changes.items():
        setattr(locked, name, value)
    _normalise(locked)
    routing_rule_check(rule=locked)
    locked.save()
    audit_record(
        actor=actor, action=AuditAction.ROUTING_RULE_UPDATE, target=locked, changes=_audit(locked)
    )
    return locked


@transaction.atomic
def routing_rule_delete(*, actor, rule: RoutingRule) -> None:
    audit_record(
        actor=actor, action=AuditAction.ROUTING_RULE_DELETE, target=rule, changes=_audit(rule)
    )
    RoutingRule.objects.filter(pk=rule.pk).delete()
