"""The one entry point of public search: ``search()`` for pages and the JSON API, ``autocomplete()``,
``search_ids()`` for other apps' lists.

It understands the text once (search.vocabulary), asks the configured backend, falls back to the database
backend within the same request when Elasticsearch cannot answer, and relaxes "every word" to "some words"
when nothing matches. What it answers is shaped in search.results (hits, highlighting, facets); the
"did you mean" correction comes from search.suggestions. A typed place is understood through
``search.registry.places()``.
"""

import hashlib
import logging
from dataclasses import replace

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import get_language

from search import ranking
from search.backends import BackendUnavailable, Filters, database_backend, primary_backend
from search.backends.base import RawResult, Suggestion
from search.models import IndexVersion
from search.results import MAX_PAGE, SearchResponse, add_details, facet_values, hydrate
from search.suggestions import corrector, did_you_mean
from search.vocabulary import ParsedQuery, parse

logger = logging.getLogger(__name__)


# --- falling back --------------------------------------------------------------------------------------
def _down_key() -> str:
    return "search:down:" + settings.RELAIS_SEARCH.get("ELASTICSEARCH_URL", "")


def _first_backend():
    """(backend, degraded): Elasticsearch when configured, unless it failed a moment ago: then the
    database at once, so that a hung server costs its timeout to one request, not to every one."""
    backend = primary_backend()
    if backend.name != "database" and cache.get(_down_key()):
        return database_backend(), True
    return backend, False


def _mark_down(backend, exc) -> None:
    logger.warning("search: %s unreachable, falling back to the database backend: %s", backend.name, exc)
    retry_after = int(settings.RELAIS_SEARCH.get("RETRY_AFTER", 30) or 0)
    if retry_after > 0:
        cache.set(_down_key(), True, retry_after)


# --- running a query -----------------------------------------------------------------------------------
def _run(backend, parsed, filters, offset, limit, match_any, facets) -> RawResult:
    return backend.query(parsed, filters, offset=offset, limit=limit, match_any=match_any, facets=facets)


# --- answers kept until the index changes ----------------------------------------------------------------
# A database-backend answer depends only on the query, the filters and the index: it is kept under the index's
# state (search.models.IndexVersion, bumped in the transaction of every write) and read back by the next
# visitor asking the same thing, in any process. Elasticsearch answers are not kept (the engine caches its own).
RESULTS_TTL = 600


def _keeps_answers() -> bool:
    return primary_backend().name == "database"


def _results_key(what: str, parsed: ParsedQuery, filters: Filters, *args) -> str:
    version, top = IndexVersion.state()
    # The language too: labels (kinds, themes) are written in the reader's.
    described = repr((get_language(), parsed.groups, sorted(parsed.typed), parsed.age, filters, *args))
    return f"search:{what}:{version}:{top}:" + hashlib.blake2b(described.encode(), digest_size=16).hexdigest()


def raw_search(parsed: ParsedQuery, filters: Filters, *, offset=0, limit=20, facets=True):
    """(RawResult, backend name, degraded, relaxed): the configured backend, else the database.

    Ranked by relevance, the first ``ranking.WINDOW`` results are put in the shared order (search.ranking):
    the backend is asked for the whole window and this page is cut from it. Database answers are kept until
    the index changes (``RESULTS_TTL`` at most)."""
    if not _keeps_answers():
        return _raw_search(parsed, filters, offset=offset, limit=limit, facets=facets)
    key = _results_key("raw", parsed, filters, offset, limit, facets)
    kept = cache.get(key)
    if kept is not None:
        return kept
    answer = _raw_search(parsed, filters, offset=offset, limit=limit, facets=facets)
    cache.set(key, answer, RESULTS_TTL)
    return answer


def _raw_search(parsed: ParsedQuery, filters: Filters, *, offset=0, limit=20, facets=True):
    shared_order = filters.sort == "relevance" and not parsed.is_empty and offset < ranking.WINDOW
    page = slice(offset, offset + limit)
    if shared_order:
        offset, limit = 0, max(page.stop, ranking.WINDOW)
    backend, degraded = _first_backend()

    def ask(match_any: bool):
        nonlocal backend, degraded
        try:
            return _run(backend, parsed, filters, offset, limit, match_any, facets)
        except BackendUnavailable as exc:
            _mark_down(backend, exc)
            backend, degraded = database_backend(), True
            return _run(backend, parsed, filters, offset, limit, match_any, facets)

    raw = ask(False)
    relaxed = False
    if raw.total == 0 and len(parsed.groups) > 1:
        # First leave out the words no document has ("permanence MDS Calais", "psychologue gratuit"): the
        # others keep meaning "all of them"; only then is any word enough.
        known = [group for group in parsed.groups
                 if _run(backend, replace(parsed, groups=[group]), filters, 0, 1, False, False).total]
        if known and len(known) < len(parsed.groups):
            narrowed = replace(parsed, groups=known)
            raw = _run(backend, narrowed, filters, offset, limit, False, facets)
            if raw.total:
                parsed = narrowed
        if raw.total == 0:
            raw = ask(True)
        relaxed = True
    if shared_order:
        raw.hits = ranking.reorder(parsed, raw.hits)[page]
    return raw, backend.name, degraded, relaxed


def search(text: str, filters: Filters | None = None, *, page: int = 1, per_page: int = 20,
           facets: bool = True) -> SearchResponse:
    """Public search over every registered document type (guide articles, organisations, services)."""
    filters = filters or Filters()
    parsed = parse(text, corrector())
    if parsed.age is not None and filters.age is None:
        filters = replace(filters, age=parsed.age)
    if not filters.language:  # the reader's language's pages (and the French ones not translated into it)
        filters = replace(filters, language=get_language() or settings.LANGUAGE_CODE)
    page = min(max(1, int(page)), MAX_PAGE)
    response = SearchResponse(text=parsed.text, parsed=parsed, filters=filters, page=page, per_page=per_page)
    if parsed.is_empty and filters.is_empty:
        return response
    response.searched = True
    # The whole answer but the hits' live details (opening status at this minute) is kept with the index's
    # state, as raw_search keeps its own (which /annuaire/ reads through search_ids).
    kept_key = _results_key("page", parsed, filters, page, per_page, facets) if _keeps_answers() else None
    kept = cache.get(kept_key) if kept_key else None
    if kept is None:
        raw, response.backend, response.degraded, response.relaxed = raw_search(
            parsed, filters, offset=(page - 1) * per_page, limit=per_page, facets=facets)
        response.total = raw.total
        response.hits = hydrate(raw, parsed, filters, details=False)
        response.facets = facet_values(raw.facets, filters)
        if (response.total == 0 or response.relaxed) and not parsed.is_empty:
            response.did_you_mean = did_you_mean(parsed)
        if kept_key:
            cache.set(kept_key, response, RESULTS_TTL)
    else:  # the same question, perhaps written otherwise ("Logement"): the visitor's own words are shown
        kept.text, kept.parsed, kept.filters = parsed.text, parsed, filters
        response = kept
    add_details(response.hits)
    return response


def search_ids(text: str, filters: Filters | None = None, *, kinds=("organisation",), limit: int = 1000) -> list[int]:
    """Object ids in relevance order, for other apps' lists (e.g. /annuaire/ routes its free text here)."""
    filters = filters or Filters()
    parsed = parse(text, corrector())
    if parsed.is_empty and filters.is_empty:
        return []
    filters = replace(filters, kinds=tuple(kinds))
    raw, *_ = raw_search(parsed, filters, limit=limit, facets=False)
    return [int(hit.key.split(":", 1)[1]) for hit in raw.hits]


def autocomplete(text: str, *, limit: int = 8) -> list[Suggestion]:
    backend, _degraded = _first_backend()
    try:
        return backend.autocomplete(text, limit=limit)
    except BackendUnavailable as exc:
        _mark_down(backend, exc)
        return database_backend().autocomplete(text, limit=limit)
