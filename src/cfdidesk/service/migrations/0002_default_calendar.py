"""The office hours of seed 001 as the default calendar, "Horario de oficina"."""

import datetime as dt
import uuid

from django.db import migrations

# Frozen here on purpose: a migration must not follow later changes to the app's constants.
OFFICE_HOURS = [(weekday, 9, 14) for weekday in range(6)] + [
    (weekday, 16, 19) for weekday in range(5)
]


def create(apps, schema_editor):
    BusinessCalendar = apps.get_model("service", "BusinessCalendar")
    CalendarInterval = apps.get_model("service", "CalendarInterval")
    if BusinessCalendar.objects.filter(is_default=True).exists():
        return
    calendar = BusinessCalendar.objects.create(
        name="Horario de oficina",
        time_zone="America/Mexico_City",
        is_default=True,
        use_mexican_holidays=True,
        revision=uuid.uuid4(),
    )
    CalendarInterval.objects.bulk_create(
        CalendarInterval(calendar=calendar, weekday=weekday, start=dt.time(start), end=dt.time(end))
        for weekday, start, end in OFFICE_HOURS
    )


class Migration(migrations.Migration):
    dependencies = [("service", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
