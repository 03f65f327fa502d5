"""The on-call roster: who is on duty for a team, from when to when."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cfdidesk.accounts.roles import is_staff_member
from cfdidesk.audit.services import audit_record
from cfdidesk.core.audit_actions import AuditAction
from cfdidesk.core.dates import span_text, when_text
from cfdidesk.core.people import display_name

from ...models import OnCallShift, Team

MAX_SHIFT = dt.timedelta(days=31)
SHIFT_FIELDS = ("team", "user", "starts_at", "ends_at", "note")


def _aware(value):
    if isinstance(value, dt.datetime) and timezone.is_naive(value):
        return timezone.make_aware(value)  # as read on the wall clock of the current time zone
    return value


def shift_check(
    *, team: Team | None, user, starts_at, ends_at, exclude_pk: int | None = None
) -> None:
    """Refuse a shift without team or consultant, one that ends before it starts, a consultant who
    is not staff, or one who is already on duty then. Raises a ValidationError in Spanish."""
    errors: dict[str, list[str]] = {}
    if team is None:
        errors["team"] = [_("Elige el equipo de la guardia.")]
    if user is None:
        errors["user"] = [_("Elige al consultor de guardia.")]
    elif not is_staff_member(user):
        errors["user"] = [
            _(
                "«%(name)s» no es parte del equipo de soporte: solo un consultor puede estar de guardia."
            )
            % {"name": display_name(user)}
        ]
    if starts_at is None or ends_at is None:
        errors.setdefault("ends_at", []).append(
            _("Indica cuándo empieza y cuándo termina la guardia.")
        )
    elif ends_at <= starts_at:
        errors["ends_at"] = [
            _(
                "La guardia debe terminar después de empezar: termina el %(end)s y empieza el %(start)s."
            )
            % {"end": when_text(ends_at), "start": when_text(starts_at)}
        ]
    elif ends_at - starts_at > MAX_SHIFT:
        errors["ends_at"] = [
            _("Una guardia dura como máximo %(days)d días: divídela en varias.")
            % {"days": MAX_SHIFT.days}
        ]
    if errors:
        raise ValidationError(errors)
    others = OnCallShift.objects.filter(user=user, starts_at__lt=ends_at, ends_at__gt=starts_at)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    clash = others.select_related("team").order_by("starts_at").first()
    if clash is not None:
        raise ValidationError(
            {
                "__all__": [
                    _(
                        "«%(name)s» ya tiene una guardia que se empalma con esta: %(team)s, %(span)s."
                    )
                    % {
                        "name": display_name(user),
                        "team": clash.team.name,
                        "span": span_text(clash.starts_at, clash.ends_at),
                    }
                ]
            }
        )


def _lock_user(user) -> None:
    """Roster writes for one consultant take turns, so two overlapping shifts cannot both pass the check."""
    if user is not None:
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()


def _audit_changes(shift: OnCallShift) -> dict:
    return {
        "team": shift.team_id,
        "user": shift.user_id,
        "starts_at": shift.starts_at.isoformat(),
        "ends_at": shift.ends_at.isoformat(),
        "note": shift.note,
    }


@transaction.atomic
def oncall_shift_create(
    *, actor, team: Team, user, starts_at: dt.datetime, ends_at: dt.datetime, note: str = ""
) -> OnCallShift:
    starts_at, ends_at = _aware(starts_at), _aware(ends_at)
    _lock_user(user)
    shift_check(team=team, user=user, starts_at=starts_at, ends_at=ends_at)
    shift = OnCallShift.objects.create(
        team=team, user=user, starts_at=starts_at, ends_at=ends_at, note=(note or "").strip()[:200]
    )
    audit_record(
        actor=actor, action=AuditAction.ONCALL_CREATE, target=shift, changes=_audit_changes(shift)
    )
    return shift


@transaction.atomic
def oncall_shift_update(*, actor, shift: OnCallShift, **changes) -> OnCallShift:
    unknown = set(changes) - set(SHIFT_FIELDS)
    if unknown:
        raise TypeError(f"unknown shift fields: {sorted(unknown)}")
    locked = OnCallShift.objects.select_for_update().get(pk=shift.pk)
    for name, value in changes.items():
        setattr(locked, name, _aware(value) if name in ("starts_at", "ends_at") else value)
    locked.note = (locked.note or "").strip()[:200]
    _lock_user(locked.user)
    shift_check(
        team=locked.team,
        user=locked.user,
        starts_at=locked.starts_at,
        ends_at=locked.ends_at,
        exclude_pk=locked.pk,
    )
    locked.save()
    audit_record(
        actor=actor, action=AuditAction.ONCALL_UPDATE, target=locked, changes=_audit_changes(locked)
    )
    return locked


@transaction.atomic
def oncall_shift_delete(*, actor, shift: OnCallShift) -> None:
    audit_record(
        actor=actor, action=AuditAction.ONCALL_DELETE, target=shift, changes=_audit_changes(shift)
    )
    OnCallShift.objects.filter(pk=shift.pk).delete()
