"""Health of the public search, for /healthz: is the backend reachable, and does the index hold what the
database says it should (an Elasticsearch that restarted empty still answers "ok" to a ping)?"""

from django.conf import settings
from django.core.cache import cache

# Documents of one commit may still be on their way to the index (the task runs after the commit): a gap of
# at most this many documents (or 0.5 % of the corpus, if larger) is not reported as stale.
TOLERANCE = 2
CACHE_SECONDS = 10


def _tolerance(expected: int) -> int:
    return max(int(settings.RELAIS_SEARCH.get("HEALTH_TOLERANCE", TOLERANCE)), expected // 200)


def search_report(*, use_cache: bool = True) -> dict:
    """{"state": "ok" | "stale" | "degraded", "expected": n, "database": n[, "elasticsearch": n]}.

    One count per side (the source tables, each index), cached ``CACHE_SECONDS`` seconds so that a monitor
    polling /healthz costs nothing. "stale": an index holds more or fewer documents than the database would
    index (run ``search_index --sync``); "degraded": Elasticsearch does not answer (the database serves).
    """
    conf = settings.RELAIS_SEARCH
    cache_key = "relais:search-health:{}:{}:{}".format(conf.get("BACKEND"), conf.get("ELASTICSEARCH_URL"),
                                                      conf.get("INDEX_PREFIX"))
    if use_cache:
        cached = cache.get(cache_key)
        if cached is not None:
            return cached
    report = _measure()
    if use_cache:
        cache.set(cache_key, report, conf.get("HEALTH_CACHE_SECONDS", CACHE_SECONDS))
    return report


def _measure() -> dict:
    from search import indexing
    from search.backends import BackendUnavailable, database_backend, elasticsearch_backend

    expected = indexing.expected_count()
    report = {"state": "ok", "expected": expected, "database": database_backend().count()}
    counts = [report["database"]]
    if settings.RELAIS_SEARCH.get("BACKEND") == "elasticsearch":
        backend = elasticsearch_backend()
        try:
            if backend is None or backend.health() != "ok":
                raise BackendUnavailable("no answer")
            report["elasticsearch"] = backend.count()
            counts.append(report["elasticsearch"])
        except BackendUnavailable:
            report["state"] = "degraded"
            report["elasticsearch"] = None
            return report
    if any(abs(count - expected) > _tolerance(expected) for count in counts):
        report["state"] = "stale"
    return report


def search_state() -> str:
    """'ok', 'stale' (an index does not hold what the database would index) or 'degraded' (Elasticsearch
    unreachable: public search falls back to the database)."""
    return search_report(use_cache=False)["state"]
