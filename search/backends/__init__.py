"""Backend selection: ``settings.RELAIS_SEARCH["BACKEND"]`` is "database" (default) or "elasticsearch"."""

from functools import lru_cache

from django.conf import settings

from search.backends.base import BackendUnavailable, Filters, Near, SearchBackend  # noqa: F401


def database_backend() -> SearchBackend:
    from search.backends.database import DatabaseBackend

    return DatabaseBackend()


# Index writes made by a management command (rebuild, sync) may wait at least this long per call.
BATCH_TIMEOUT = 120.0


@lru_cache(maxsize=8)
def _elasticsearch_backend(url: str, prefix: str, node_class: str, write_timeout: float = 30.0) -> SearchBackend:
    from search.backends.elasticsearch import ElasticsearchBackend

    return ElasticsearchBackend(url=url, prefix=prefix, write_timeout=write_timeout)


def elasticsearch_backend(*, batch: bool = False) -> SearchBackend | None:
    """The configured Elasticsearch backend. Searches wait ``TIMEOUT`` seconds at most; index writes
    ``INDEX_TIMEOUT`` (a task's), or at least ``BATCH_TIMEOUT`` with ``batch`` (a command's)."""
    conf = settings.RELAIS_SEARCH
    if conf.get("BACKEND") != "elasticsearch" or not conf.get("ELASTICSEARCH_URL"):
        return None
    write_timeout = float(conf.get("INDEX_TIMEOUT", conf.get("TIMEOUT", 2)))
    if batch:
        write_timeout = max(write_timeout, BATCH_TIMEOUT)
    return _elasticsearch_backend(conf["ELASTICSEARCH_URL"], conf.get("INDEX_PREFIX", "relais"),
                                  str(conf.get("NODE_CLASS", "")), write_timeout)


def primary_backend() -> SearchBackend:
    """The backend public queries go to first (Elasticsearch when configured)."""
    return elasticsearch_backend() or database_backend()
