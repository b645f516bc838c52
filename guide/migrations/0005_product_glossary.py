"""The product's glossary (guide/data/glossary.toml): search's acronyms and everyday words from the first start.

Creates the missing terms only (by slug or word): an existing term keeps its editor's wording."""

from django.db import migrations


def add_terms(apps, schema_editor):
    from guide.glossary import add_missing_terms

    add_missing_terms(apps.get_model("guide", "GlossaryTerm"))


class Migration(migrations.Migration):

    dependencies = [
        ("guide", "0004_glossary_search_terms"),
    ]

    operations = [
        migrations.RunPython(add_terms, migrations.RunPython.noop),
    ]
