"""The support types of seed 000 and the request reasons of seed 001, as editable data."""

from django.db import migrations

INCIDENTS = [
    "Error de structure validation y reproceso",
    "Cambio de uso de CFDI",
    "Comprobación de timbrado",
    "Errores en XML",
    "Errores del lado del cliente",
    "Errores en el generador",
    "Error de mapping",
]
REQUESTS = [
    "Orientación sobre el uso del producto",
    "Asistencia remota para configuración",
    "Customización del producto",
    "Instalación, activación o configuración",
    "Entrenamiento adicional",
    "Solicitud de timbres fiscales",
]


def load(apps, schema_editor):
    Category = apps.get_model("desk", "Category")
    Team = apps.get_model("desk", "Team")
    for position, name in enumerate(INCIDENTS):
        Category.objects.get_or_create(kind="incident", name=name, defaults={"position": position})
    for position, name in enumerate(REQUESTS):
        Category.objects.get_or_create(kind="request", name=name, defaults={"position": position})
    Team.objects.get_or_create(name="Soporte facturación")


class Migration(migrations.Migration):
    dependencies = [("desk", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
