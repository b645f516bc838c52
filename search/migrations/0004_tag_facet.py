"""SearchTag.facet: the facet a tag counts in, filled for the tags already indexed, and a (document, facet, tag)
index, so that facet counts read a matched document's facet tags from the index instead of scanning tags with
LIKE 'prefix:%'; and an index on SearchDocument.updated_at, whose latest value each search checks."""

from django.db import migrations, models

# The facets of search.documents.FACETS when this migration was written (a migration keeps its own copy).
FACETS = ("kind", "theme", "public", "type", "commune")


def fill_facets(apps, schema_editor):
    SearchTag = apps.get_model("search", "SearchTag")
    for facet in FACETS:
        SearchTag.objects.filter(tag__startswith=f"{facet}:").update(facet=facet)


class Migration(migrations.Migration):

    dependencies = [
        ("search", "0003_outbox_state"),
    ]

    operations = [
        migrations.AddField(
            model_name="searchtag",
            name="facet",
            field=models.CharField(blank=True, default="", max_length=20),
        ),
        migrations.RunPython(fill_facets, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="searchtag",
            index=models.Index(fields=["document", "facet", "tag"], name="search_tag_doc_facet"),
        ),
        # An index only: altering the field would make SQLite rebuild the table without 0002's triggers.
        migrations.AddIndex(
            model_name="searchdocument",
            index=models.Index(fields=["updated_at"], name="search_doc_updated"),
        ),
    ]
