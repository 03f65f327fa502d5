"""Calendar rules in one place: the model fields, the admin forms and the services all call these.

Each check raises django.core.exceptions.ValidationError with a Spanish message; none touches the
database.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .business_time import interval_bounds

WEEKDAYS = [
    (0, _("lunes")),
    (1, _("martes")),
    (2, _("miércoles")),
    (3, _("jueves")),
    (4, _("viernes")),
    (5, _("sábado")),
    (6, _("domingo")),
]
WEEKDAY_NAMES = dict(WEEKDAYS)
DEFAULT_TAKEN = _(
    "Ya hay un calendario predeterminado. Quita la marca en ese calendario antes de marcar este."
)


class IntervalData(NamedTuple):
    weekday: int
    start: dt.time
    end: dt.time


class ClosureData(NamedTuple):
    start_date: dt.date
    end_date: dt.date
    reason: str = ""


def _hm(value: dt.time, *, end: bool = False) -> str:
    if end and value == dt.time(0):
        return "24:00"
    return value.strftime("%H:%M:%S" if value.second else "%H:%M")


def _dmy(value: dt.date) -> str:
    return value.strftime("%d/%m/%Y")


def _span(start: dt.time, end: dt.time) -> str:
    return f"{_hm(start)}–{_hm(end, end=True)}"


def validate_time_zone(value: str) -> None:
    """An IANA zone name zoneinfo knows, such as America/Mexico_City."""
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError, OSError):
        raise ValidationError(
            _(
                "Zona horaria desconocida: «%(zone)s». Usa un nombre de zona IANA, como America/Mexico_City."
            ),
            code="unknown_time_zone",
            params={"zone": value},
        ) from None


def check_interval(weekday: int, start: dt.time, end: dt.time) -> None:
    """One interval: a known weekday and an end after its start (an end of 00:00 is midnight)."""
    if weekday not in WEEKDAY_NAMES:
        raise ValidationError(
            _("Día de la semana desconocido: %(day)s."), code="weekday", params={"day": weekday}
        )
    low, high = interval_bounds(start, end)
    if high <= low:
        raise ValidationError(
            _(
                "%(day)s: el intervalo %(span)s termina antes de empezar o a la misma hora "
                "(un fin a las 00:00 significa medianoche)."
            ),
            code="inverted_interval",
            params={"day": WEEKDAY_NAMES[weekday], "span": _span(start, end)},
        )


def check_week(intervals: Iterable[tuple[int, dt.time, dt.time]]) -> None:
    """A whole week: every interval valid, none overlapping another on its day, at least one."""
    errors: list[ValidationError] = []
    by_day: dict[int, list[tuple[int, int, dt.time, dt.time]]] = {}
    for weekday, start, end in intervals:
        try:
            check_interval(weekday, start, end)
        except ValidationError as error:
            errors.append(error)
            continue
        by_day.setdefault(weekday, []).append((*interval_bounds(start, end), start, end))
    for weekday in sorted(by_day):
        rows = sorted(by_day[weekday])
        for (_low, high, start, end), (next_low, _h, next_start, next_end) in zip(
            rows, rows[1:], strict=False
        ):
            if next_low < high:
                errors.append(
                    ValidationError(
                        _("%(day)s: los intervalos %(first)s y %(second)s se traslapan."),
                        code="overlapping_intervals",
                        params={
                            "day": WEEKDAY_NAMES[weekday],
                            "first": _span(start, end),
                            "second": _span(next_start, next_end),
                        },
                    )
                )
    if not by_day and not errors:
        errors.append(
            ValidationError(
                _(
                    "El calendario no tiene ninguna hora de atención en la semana: agrega al menos un intervalo."
                ),
                code="no_open_hours",
            )
        )
    if errors:
        raise ValidationError(errors)


def check_closure(start_date: dt.date, end_date: dt.date) -> None:
    if end_date < start_date:
        raise ValidationError(
            _("El cierre termina (%(end)s) antes de empezar (%(start)s)."),
            code="inverted_closure",
            params={"start": _dmy(start_date), "end": _dmy(end_date)},
        )


def check_closures(closures: Iterable[tuple]) -> None:
    errors = []
    for start_date, end_date, *_reason in closures:
        try:
            check_closure(start_date, end_date)
        except ValidationError as error:
            errors.append(error)
    if errors:
        raise ValidationError(errors)


def check_policy(
    *,
    first_response: dt.timedelta | None,
    resolution: dt.timedelta | None,
    at_risk_percent: int | None,
) -> None:
    """An SLA policy's targets: both positive, resolution not before first response, a risk share in 1–99 %."""
    errors: dict[str, list] = {}
    zero = dt.timedelta(0)
    for name, value in (("first_response", first_response), ("resolution", resolution)):
        if value is not None and value <= zero:
            errors[name] = [
                ValidationError(_("El plazo debe ser mayor que cero."), code="non_positive_target")
            ]
    if (
        first_response is not None
        and resolution is not None
        and zero < resolution < first_response
        and "resolution" not in errors
    ):
        errors["resolution"] = [
            ValidationError(
                _("La resolución no puede vencer antes que la primera respuesta."),
                code="resolution_before_response",
            )
        ]
    if at_risk_percent is not None and not 1 <= at_risk_percent <= 99:
        errors["at_risk_percent"] = [
            ValidationError(_("Escribe un porcentaje entre 1 y 99."), code="bad_share")
        ]
    if errors:
        raise ValidationError(errors)
