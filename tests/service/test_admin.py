"""Calendars in /administracion/: intervals and closures inline, the rules' errors in Spanish."""

import pytest

from cfdidesk.accounts import roles
from cfdidesk.service.models import BusinessCalendar, CalendarClosure, CalendarInterval
from cfdidesk.service.selectors import load_calendar

from .conftest import at, hours

pytestmark = pytest.mark.django_db
ADD = "/administracion/service/businesscalendar/add/"


def inline(prefix: str, rows: list[dict], initial: int = 0) -> dict:
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        data.update({f"{prefix}-{i}-{key}": value for key, value in row.items()})
    return data


def form(
    name="Guardia nocturna", *, zone="America/Mexico_City", default=False, intervals=(), closures=()
) -> dict:
    data = {"name": name, "time_zone": zone, "use_mexican_holidays": "on"}
    if default:
        data["is_default"] = "on"
    data |= inline("intervals", [{"weekday": d, "start": s, "end": e} for d, s, e in intervals])
    data |= inline(
        "closures", [{"start_date": s, "end_date": e, "reason": r} for s, e, r in closures]
    )
    return data


@pytest.fixture
def client(admin_client):
    return admin_client


def test_administrator_sees_the_default_calendar(client):
    page = client.get("/administracion/service/businesscalendar/").content.decode()
    assert "Horario de oficina" in page and "calendarios de atención" in page.lower()
    assert ">45<" in page  # hours per week
    detail = BusinessCalendar.objects.get(is_default=True)
    assert (
        client.get(f"/administracion/service/businesscalendar/{detail.pk}/change/").status_code
        == 200
    )


def test_administrator_creates_a_calendar_with_intervals_and_closures(client):
    response = client.post(
        ADD,
        form(
            intervals=[(0, "19:00", "00:00"), (1, "19:00", "23:00")],
            closures=[("2026-12-24", "2026-12-25", "Navidad")],
        ),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    calendar = BusinessCalendar.objects.get(name="Guardia nocturna")
    assert calendar.intervals.count() == 2 and calendar.closures.count() == 1
    assert load_calendar(calendar.pk).between(at(2026, 3, 9), at(2026, 3, 11)) == hours(9)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            form(intervals=[(0, "09:00", "14:00"), (0, "13:00", "15:00")]),
            "lunes: los intervalos 09:00–14:00 y 13:00–15:00 se traslapan.",
        ),
        (
            form(intervals=[(4, "18:00", "09:00")]),
            "viernes: el intervalo 18:00–09:00 termina antes de empezar o a la misma hora",
        ),
        (
            form(intervals=[]),
            "El calendario no tiene ninguna hora de atención en la semana: agrega al menos un intervalo.",
        ),
        (
            form(intervals=[(0, "09:00", "14:00")], closures=[("2026-12-31", "2026-12-24", "")]),
            "El cierre termina (24/12/2026) antes de empezar (31/12/2026).",
        ),
        (
            form(zone="Mexico/Monterrey", intervals=[(0, "09:00", "14:00")]),
            "Zona horaria desconocida: «Mexico/Monterrey».",
        ),
        (
            form(default=True, intervals=[(0, "09:00", "14:00")]),
            "Ya hay un calendario predeterminado.",
        ),
    ],
)
def test_bad_calendars_are_refused_in_spanish_and_nothing_is_saved(client, data, message):
    before = (
        BusinessCalendar.objects.count(),
        CalendarInterval.objects.count(),
        CalendarClosure.objects.count(),
    )
    response = client.post(ADD, data)
    assert response.status_code == 200
    assert message in response.content.decode()
    after = (
        BusinessCalendar.objects.count(),
        CalendarInterval.objects.count(),
        CalendarClosure.objects.count(),
    )
    assert after == before


def test_editing_the_default_calendar_changes_the_computations(client):
    calendar = BusinessCalendar.objects.get(is_default=True)
    before = load_calendar()
    rows = list(calendar.intervals.order_by("weekday", "start"))
    data = {
        "name": calendar.name,
        "time_zone": calendar.time_zone,
        "is_default": "on",
        "use_mexican_holidays": "on",
    }
    interval_rows = [
        {
            "id": row.pk,
            "calendar": calendar.pk,
            "weekday": row.weekday,
            "start": f"{row.start:%H:%M}",
            "end": f"{row.end:%H:%M}",
        }
        for row in rows
    ]
    saturday = next(row for row in interval_rows if row["weekday"] == 5)
    saturday["DELETE"] = "on"  # no more Saturdays
    interval_rows.append(
        {"calendar": calendar.pk, "weekday": 6, "start": "10:00", "end": "12:00"}
    )  # Sundays instead
    data |= inline("intervals", interval_rows, initial=len(rows))
    data |= inline("closures", [])
    response = client.post(f"/administracion/service/businesscalendar/{calendar.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    after = load_calendar()
    assert after is not before
    assert after.between(at(2026, 3, 7), at(2026, 3, 9)) == hours(2)


def test_the_default_calendar_cannot_be_deleted(client):
    calendar = BusinessCalendar.objects.get(is_default=True)
    assert (
        client.get(f"/administracion/service/businesscalendar/{calendar.pk}/delete/").status_code
        == 403
    )
    assert (
        "delete_selected"
        not in client.get("/administracion/service/businesscalendar/").content.decode()
    )


@pytest.mark.parametrize("role", [roles.CONSULTANT, roles.SUPERVISOR, roles.BILLING, roles.PORTAL])
def test_other_roles_cannot_edit_calendars(client_as, role):
    client = client_as(role)
    response = client.post(ADD, form(intervals=[(0, "09:00", "14:00")]))
    assert (
        response.status_code == 302
        and not BusinessCalendar.objects.filter(name="Guardia nocturna").exists()
    )
