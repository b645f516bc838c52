"""The database index's version row (search.models.IndexVersion), created at 1 so that writers only update it."""

from django.db import migrations, models


def create_row(apps, schema_editor):
    apps.get_model("search", "IndexVersion").objects.get_or_create(pk=1, defaults={"version": 1})


class Migration(migrations.Migration):

    dependencies = [
        ("search", "0004_tag_facet"),
    ]

    operations = [
        migrations.CreateModel(
            name="IndexVersion",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("version", models.BigIntegerField(default=0)),
            ],
        ),
        migrations.RunPython(create_row, migrations.RunPython.noop),
    ]
