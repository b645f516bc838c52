"""Health of the public search backend, for /healthz."""

from django.conf import settings


def search_state() -> str:
    """'ok' or 'degraded' (Elasticsearch unreachable: public search falls back to the database)."""
    if settings.RELAIS_SEARCH["BACKEND"] != "elasticsearch":
        return "ok"
    try:
        from elasticsearch import Elasticsearch

        client = Elasticsearch(settings.RELAIS_SEARCH["ELASTICSEARCH_URL"], request_timeout=2)
        return "ok" if client.ping() else "degraded"
    except Exception:
        return "degraded"
