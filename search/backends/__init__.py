"""Backend selection: ``settings.RELAIS_SEARCH["BACKEND"]`` is "database" (default) or "elasticsearch"."""

from functools import lru_cache

from django.conf import settings

from search.backends.base import BackendUnavailable, Filters, Near, SearchBackend  # noqa: F401


def database_backend() -> SearchBackend:
    from search.backends.database import DatabaseBackend

    return DatabaseBackend()


@lru_cache(maxsize=8)
def _elasticsearch_backend(url: str, prefix: str, node_class: str) -> SearchBackend:
    from search.backends.elasticsearch import ElasticsearchBackend

    return ElasticsearchBackend(url=url, prefix=prefix)


def elasticsearch_backend() -> SearchBackend | None:
    conf = settings.RELAIS_SEARCH
    if conf.get("BACKEND") != "elasticsearch" or not conf.get("ELASTICSEARCH_URL"):
        return None
    return _elasticsearch_backend(conf["ELASTICSEARCH_URL"], conf.get("INDEX_PREFIX", "relais"),
                                  str(conf.get("NODE_CLASS", "")))


def primary_backend() -> SearchBackend:
    """The backend public queries go to first (Elasticsearch when configured)."""
    return elasticsearch_backend() or database_backend()
