from django.apps import AppConfig


class SearchConfig(AppConfig):
    """The public search layer: one interface, a database and an Elasticsearch backend."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "search"
    label = "search"
    verbose_name = "Recherche"

    def ready(self):
        from search.indexing import connect_signals

        connect_signals()
