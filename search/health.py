"""Health of the public search backend, for /healthz."""

from django.conf import settings


def search_state() -> str:
    """'ok' or 'degraded' (Elasticsearch unreachable: public search falls back to the database)."""
    if settings.RELAIS_SEARCH.get("BACKEND") != "elasticsearch":
        return "ok"
    from search.backends import elasticsearch_backend

    backend = elasticsearch_backend()
    if backend is None:
        return "degraded"
    return backend.health()
