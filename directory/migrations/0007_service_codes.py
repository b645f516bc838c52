"""Themes and service areas of each service as indexed rows (``ServiceCode``), filled from its JSON lists;
the "|code|" theme index they replace goes."""

import django.db.models.deletion
from django.db import migrations, models


BATCH = 2000


def fill_codes(apps, schema_editor):
    """One row per theme (a sub-theme's category too: "a--b" also gives "a") and per area code."""
    Service = apps.get_model("directory", "Service")
    ServiceCode = apps.get_model("directory", "ServiceCode")
    rows = []
    for pk, themes, areas in Service.objects.values_list("pk", "thematiques", "zone_eligibilite").iterator(
            chunk_size=BATCH):
        codes = [("theme", code) for theme in themes or [] for code in (theme, theme.split("--", 1)[0])]
        codes += [("area", str(code).strip()) for code in areas or [] if str(code).strip()]
        rows += [ServiceCode(service_id=pk, kind=kind, code=code[:120]) for kind, code in dict.fromkeys(codes)]
        if len(rows) >= BATCH:
            ServiceCode.objects.bulk_create(rows)
            rows = []
    ServiceCode.objects.bulk_create(rows)


def refill_theme_index(apps, schema_editor):
    """Going back: the "|code|" index of themes, categories included, as it was written."""
    Service = apps.get_model("directory", "Service")
    for service in Service.objects.only("pk", "thematiques").iterator(chunk_size=BATCH):
        codes = list(dict.fromkeys(c for t in service.thematiques or [] for c in (t, t.split("--", 1)[0])))
        Service.objects.filter(pk=service.pk).update(themes_index="|" + "|".join(codes) + "|" if codes else "")


class Migration(migrations.Migration):

    dependencies = [
        ('directory', '0006_organisation_closure'),
    ]

    operations = [
        migrations.CreateModel(
            name='ServiceCode',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('theme', 'thématique'), ('area', "zone d'éligibilité")], max_length=5)),
                ('code', models.CharField(max_length=120)),
                ('service', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='code_rows', to='directory.service')),
            ],
            options={
                'verbose_name': "code d'un service",
                'verbose_name_plural': 'codes des services',
                'indexes': [models.Index(fields=['kind', 'code', 'service'], name='directory_servicecode_lookup')],
                'constraints': [models.UniqueConstraint(fields=('service', 'kind', 'code'), name='directory_servicecode_unique')],
            },
        ),
        migrations.RunPython(fill_codes, refill_theme_index),
        migrations.RemoveField(
            model_name='service',
            name='themes_index',
        ),
    ]
