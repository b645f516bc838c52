"""The database search index (always kept, it is also the fallback when Elasticsearch is down) and its outbox.

One row per public document, with the text of its three weights pre-normalised for SQLite FTS5 (the
virtual table ``search_fts`` is created by migration 0002 on SQLite only; on PostgreSQL the same migration
adds a weighted ``search_vector`` column computed with the French configuration and unaccent).
"""

from django.db import connections, models, router


class SearchDocument(models.Model):
    key = models.CharField(max_length=64, unique=True)
    kind = models.CharField(max_length=20, db_index=True)
    object_id = models.BigIntegerField()
    title = models.CharField(max_length=300)
    subtitle = models.CharField(max_length=300, blank=True)
    url = models.CharField(max_length=500)
    summary = models.TextField(blank=True)
    themes_text = models.TextField(blank=True)
    body = models.TextField(blank=True)
    # Folded, stop words dropped, lightly stemmed: what SQLite FTS5 indexes (weights A, B, C).
    text_a = models.TextField(blank=True)
    text_b = models.TextField(blank=True)
    text_c = models.TextField(blank=True)
    themes = models.JSONField(default=list, blank=True)
    publics = models.JSONField(default=list, blank=True)
    typologie = models.CharField(max_length=100, blank=True)
    area = models.JSONField(default=list, blank=True)
    commune_code = models.CharField(max_length=20, blank=True)
    commune_name = models.CharField(max_length=200, blank=True)
    age_min = models.PositiveSmallIntegerField(null=True, blank=True)
    age_max = models.PositiveSmallIntegerField(null=True, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    suggest = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "document indexé"
        verbose_name_plural = "documents indexés"
        # updated_at: the "did you mean" words are cached until the index changes, which each search checks
        # (search.suggestions reads the latest change, not every row). An index, not db_index: altering
        # the field would make SQLite rebuild the table and drop the full-text triggers of migration 0002.
        indexes = [models.Index(fields=["latitude", "longitude"], name="search_doc_latlon"),
                   models.Index(fields=["updated_at"], name="search_doc_updated")]

    def __str__(self):
        return f"{self.key} {self.title}"


class SearchTag(models.Model):
    """A filter/facet value of a document ('theme:logement-hebergement', 'area:62041'…).

    ``facet`` names the facet a tag counts in ('theme'), empty for a filter-only tag ('area:…'): facet counts
    read a document's facet tags from the (document, facet, tag) index alone, without scanning tags by prefix.
    """

    document = models.ForeignKey(SearchDocument, on_delete=models.CASCADE, related_name="tags")
    tag = models.CharField(max_length=150)
    facet = models.CharField(max_length=20, blank=True, default="")

    class Meta:
        indexes = [models.Index(fields=["tag", "document"], name="search_tag_tag_doc"),
                   models.Index(fields=["document", "facet", "tag"], name="search_tag_doc_facet")]

    def __str__(self):
        return self.tag


class SearchOutbox(models.Model):
    """Index updates not written yet: `search_index --sync` retries the pending ones.

    Also written inside a bulk import's transaction (so an import stopped after its commit still owes its
    updates), and cleared once the keys are indexed. A document Elasticsearch refuses (e.g. a latitude out of
    range) is kept as "rejected" with the reason: shown by ``--sync``, not retried until its source changes.
    """

    class Action(models.TextChoices):
        INDEX = "index", "indexer"
        DELETE = "delete", "supprimer"

    class State(models.TextChoices):
        PENDING = "pending", "en attente"
        REJECTED = "rejected", "refusée"

    key = models.CharField(max_length=64, unique=True)
    action = models.CharField(max_length=10, choices=Action.choices)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING, db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "mise à jour d'index en attente"
        verbose_name_plural = "mises à jour d'index en attente"

    def __str__(self):
        return f"{self.action} {self.key}"


class IndexVersion(models.Model):
    """One row counting the writes to the database index, bumped in the writing transaction: what readings
    cached across processes (the words "did you mean" proposes) key on, read by primary key instead of an
    aggregate over every document on every search."""

    version = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"index v{self.version}"

    @classmethod
    def bump(cls) -> None:
        if not cls.objects.filter(pk=1).update(version=models.F("version") + 1):
            cls.objects.get_or_create(pk=1, defaults={"version": 1})

    @classmethod
    def state(cls) -> tuple[int, int | None]:
        """(the version, the last document id: rows added by other means), in one statement of two primary-key
        reads, written out: a search reads it twice, and building it through the ORM cost more than the reads."""
        with connections[router.db_for_read(cls)].cursor() as cursor:
            cursor.execute(_STATE_SQL)
            version, top = cursor.fetchone()
        return version or 0, top


_STATE_SQL = ('SELECT (SELECT "version" FROM "search_indexversion" WHERE "id" = 1), '
              '(SELECT "id" FROM "search_searchdocument" ORDER BY "id" DESC LIMIT 1)')
