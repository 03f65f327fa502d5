"""Escalation: each team's chain above the consultant (supervisor, manager…) and moving a ticket up it."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cfdidesk.accounts.roles import is_staff_member
from cfdidesk.audit.services import audit_record
from cfdidesk.core.actors import actor_or_none
from cfdidesk.core.audit_actions import AuditAction
from cfdidesk.core.people import display_name

from ...models import OPEN_STATUSES, EscalationStep, Team, Ticket, TicketEvent
from ...notify.services.alerts import ESCALATION, SLA_AT_RISK, SLA_BREACHED, staff_alert

MANUAL = "manual"
# Automatic escalations come from the SLA sweep; their trigger is also the webhook's event name.
AUTOMATIC = (SLA_AT_RISK, SLA_BREACHED)
TRIGGERS = (MANUAL, *AUTOMATIC)
STEP_FIELDS = ("team", "level", "title", "user")


# ---------------------------------------------------------------- the chain


def _level_error(level) -> str | None:
    try:
        level = int(level)
    except (TypeError, ValueError):
        return _("El nivel es un número entero: 1 para el supervisor, 2 para el gerente…")
    if level < 1:
        return _("El nivel debe ser 1 o mayor: el nivel 0 es el consultor que atiende el ticket.")
    return None


def _level_taken(team: Team, level: int, exclude_pk: int | None) -> str | None:
    steps = EscalationStep.objects.filter(team=team, level=level)
    if exclude_pk is not None:
        steps = steps.exclude(pk=exclude_pk)
    taken = steps.select_related("user").first()
    if taken is None:
        return None
    return _("El equipo «%(team)s» ya tiene el nivel %(level)d (%(title)s: %(name)s).") % {
        "team": team.name,
        "level": level,
        "title": taken.title,
        "name": display_name(taken.user),
    }


def escalation_step_check(
    *, team: Team | None, level, title: str, user, exclude_pk: int | None = None
) -> None:
    """Refuse a level below 1, a level the team already has, an empty title or someone not on staff."""
    errors: dict[str, list[str]] = {}
    if team is None:
        errors["team"] = [_("Elige el equipo.")]
    if message := _level_error(level):
        errors["level"] = [message]
    if not (title or "").strip():
        errors["title"] = [_("Escribe el puesto de este nivel, por ejemplo «Supervisor».")]
    if user is None:
        errors["user"] = [_("Elige a la persona responsable de este nivel.")]
    elif not is_staff_member(user):
        errors["user"] = [
            _("«%(name)s» no es parte del equipo de soporte.") % {"name": display_name(user)}
        ]
    if "level" not in errors and team is not None:
        if message := _level_taken(team, int(level), exclude_pk):
            errors["level"] = [message]
    if errors:
        raise ValidationError(errors)


def _audit(step: EscalationStep) -> dict:
    return {"team": step.team_id, "level": step.level, "title": step.title, "user": step.user_id}


@transaction.atomic
def escalation_step_create(*, actor, team: Team, level: int, title: str, user) -> EscalationStep:
    escalation_step_check(team=team, level=level, title=title, user=user)
    step = EscalationStep.objects.create(
        team=team, level=int(level), title=title.strip()[:80], user=user
    )
    audit_record(
        actor=actor, action=AuditAction.ESCALATION_STEP_CREATE, target=step, changes=_audit(step)
    )
    return step


@transaction.atomic
def escalation_step_update(*, actor, step: EscalationStep, **changes) -> EscalationStep:
    unknown = set(changes) - set(STEP_FIELDS)
    if unknown:
        raise TypeError(f"unknown escalation step fields: {sorted(unknown)}")
    locked = EscalationStep.objects.select_for_update().get(pk=step.pk)
    for name, value in changes.items():
        setattr(locked, name, value)
    escalation_step_check(
        team=locked.team,
        level=locked.level,
        title=locked.title,
        user=locked.user,
        exclude_pk=locked.pk,
    )
    locked.level, locked.title = int(locked.level), locked.title.strip()[:80]
    locked.save()
    audit_record(
        actor=actor,
        action=AuditAction.ESCALATION_STEP_UPDATE,
        target=locked,
        changes=_audit(locked),
    )
    return locked


@transaction.atomic
def escalation_step_delete(*, actor, step: EscalationStep) -> None:
    audit_record(
        actor=actor, action=AuditAction.ESCALATION_STEP_DELETE, target=step, changes=_audit(step)
    )
    EscalationStep.objects.filter(pk=step.pk).delete()


# ---------------------------------------------------------------- escalating a ticket

TARGET_LABELS = {
    "first_response": gettext_lazy("primera respuesta"),
    "resolution": gettext_lazy("resolución"),
}


def _alert_text(
    *, actor, ticket: Ticket, step: EscalationStep, trigger: str, target: str | None, reason: str
) -> str:
    values = {
        "number": ticket.number,
        "level": step.level,
        "title": step.title,
        "reason": reason,
        "actor": display_name(actor) if actor is not None else _("El sistema"),
        "target": str(TARGET_LABELS.get(target or "", target or _("SLA"))),
    }
    if trigger == SLA_AT_RISK:
        return (
            _(
                "El ticket #%(number)s está en riesgo de incumplir su SLA (%(target)s): se escaló al nivel "
                "%(level)d (%(title)s)."
            )
            % values
        )
    if trigger == SLA_BREACHED:
        return (
            _(
                "El ticket #%(number)s incumplió su SLA (%(target)s): se escaló al nivel %(level)d (%(title)s)."
            )
            % values
        )
    return (
        _(
            "%(actor)s escaló el ticket #%(number)s al nivel %(level)d (%(title)s). Motivo: %(reason)s"
        )
        % values
    )


@transaction.atomic
def ticket_escalate(
    *, actor, ticket: Ticket, reason: str, trigger: str = MANUAL, target: str | None = None
) -> TicketEvent | None:
    """Move the ticket to the next level of its team's chain, note it on the timeline and alert
    that level's person (e-mail and webhooks), all in one transaction.

    The ticket row is locked first, so two people escalating at the same moment move it one level
    each, never the same level twice nor skipping one. A manual escalation needs a reason and is
    refused with a message when it cannot be done; an automatic one (trigger SLA_AT_RISK or
    SLA_BREACHED, `target` "first_response" or "resolution") returns None instead.
    """
    if trigger not in TRIGGERS:
        raise ValueError(f"unknown escalation trigger {trigger!r}; one of {TRIGGERS}")
    manual = trigger == MANUAL
    reason = (reason or "").strip()[:2000]
    actor = actor_or_none(actor)

    def refuse(message: str):
        if manual:
            raise ValidationError({"__all__": [message]})
        return None

    if manual and not reason:
        raise ValidationError(
            {
                "reason": [
                    _(
                        "Escribe el motivo del escalamiento: qué se intentó y por qué hace falta el siguiente nivel."
                    )
                ]
            }
        )
    locked = (
        Ticket.objects.select_for_update(of=("self",)).select_related("company").get(pk=ticket.pk)
    )
    if locked.status not in OPEN_STATUSES:
        return refuse(_("Un ticket resuelto o cerrado no se escala: reábrelo primero."))
    if locked.team_id is None:
        return refuse(_("Asigna un equipo al ticket para escalarlo."))
    step = (
        EscalationStep.objects.filter(team_id=locked.team_id, level__gt=locked.escalation_level)
        .select_related("user")
        .order_by("level")
        .first()
    )
    if step is None:
        return refuse(_("Este ticket ya está en el último nivel de escalamiento de su equipo."))
    previous = locked.escalation_level
    Ticket.objects.filter(pk=locked.pk).update(
        escalation_level=step.level, updated_at=timezone.now()
    )
    locked.escalation_level = step.level
    text = _alert_text(
        actor=actor, ticket=locked, step=step, trigger=trigger, target=target, reason=reason
    )
    event = TicketEvent.objects.create(
        ticket=locked,
        actor=actor,
        kind=TicketEvent.Kind.ESCALATION,
        is_public=False,
        body=reason,
        data={
            "level": step.level,
            "from_level": previous,
            "title": step.title,
            "to": {"id": step.user_id, "name": display_name(step.user)},
            "trigger": trigger,
            "target": target,
            "reason": reason,
            "text": text,
        },
    )
    staff_alert(
        ticket=locked,
        users=[step.user],
        trigger=ESCALATION if manual else trigger,
        text=text,
        event=event,
        level=step.level,
    )
    return event
