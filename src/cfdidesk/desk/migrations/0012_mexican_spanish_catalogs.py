"""Mexican Spanish in the catalogs: «Customización» is an anglicism (the request category reads
«Personalización del producto»), canned replies are «respuestas predefinidas» and the catalogs'
switches read «activo/activa» (the admin showed «is active»)."""

from django.db import migrations, models

OLD, NEW = "Customización del producto", "Personalización del producto"


def rename(apps, schema_editor):
    Category = apps.get_model("desk", "Category")
    if not Category.objects.filter(kind="request", name=NEW).exists():
        Category.objects.filter(kind="request", name=OLD).update(name=NEW)


def rename_back(apps, schema_editor):
    Category = apps.get_model("desk", "Category")
    if not Category.objects.filter(kind="request", name=OLD).exists():
        Category.objects.filter(kind="request", name=NEW).update(name=OLD)


class Migration(migrations.Migration):
    dependencies = [("desk", "0011_inbound_possible_impersonation")]
    operations = [
        migrations.AlterModelOptions(
            name="cannedreply",
            options={
                "ordering": ["title"],
                "verbose_name": "respuesta predefinida",
                "verbose_name_plural": "respuestas predefinidas",
            },
        ),
        migrations.AlterField(
            model_name="cannedreply",
            name="is_active",
            field=models.BooleanField(default=True, verbose_name="activa"),
        ),
        migrations.AlterField(
            model_name="category",
            name="is_active",
            field=models.BooleanField(default=True, verbose_name="activa"),
        ),
        migrations.AlterField(
            model_name="team",
            name="is_active",
            field=models.BooleanField(default=True, verbose_name="activo"),
        ),
        migrations.RunPython(rename, rename_back),
    ]
