"""The one entry point of public search: ``search()`` for pages and the JSON API, ``autocomplete()``,
``search_ids()`` for the directory.

It understands the text once (search.vocabulary), asks the configured backend, falls back to the database
backend within the same request when Elasticsearch cannot answer, relaxes "every word" to "some words" when
nothing matches, proposes a correction for typos, and hydrates hits from the database index (public fields
only) with the matched words highlighted.
"""

import difflib
import html
import logging
import re
from collections import Counter
from dataclasses import dataclass, field, replace

from django.core.cache import cache
from django.db.models import Max
from django.utils.safestring import SafeString, mark_safe

from search import labels
from search.backends import BackendUnavailable, Filters, database_backend, primary_backend
from search.backends.base import RawResult, Suggestion, haversine_km
from search.documents import AREA_EVERYWHERE, KIND_LABELS
from search.models import SearchDocument
from search.vocabulary import ParsedQuery, fold, parse, stem, words

logger = logging.getLogger(__name__)
MAX_PAGE = 50
SNIPPET_WORDS = 32


@dataclass
class Hit:
    key: str
    kind: str
    kind_label: str
    title: str
    title_html: SafeString
    subtitle: str
    url: str
    snippet_html: SafeString
    snippet: str
    commune_name: str
    distance_km: float | None
    score: float
    object_id: int


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool = False


@dataclass
class SearchResponse:
    text: str
    parsed: ParsedQuery
    filters: Filters
    hits: list[Hit] = field(default_factory=list)
    total: int = 0
    page: int = 1
    per_page: int = 20
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    backend: str = "database"
    degraded: bool = False
    relaxed: bool = False
    did_you_mean: str = ""
    searched: bool = False  # False: nothing to search for (no words, no filter)

    @property
    def pages(self) -> int:
        return min(MAX_PAGE, max(1, -(-self.total // self.per_page)))

    @property
    def start(self) -> int:
        return (self.page - 1) * self.per_page + 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1


# --- territories -----------------------------------------------------------------------------------------
def territory(code: str):
    """The directory's Territory with this code, or None."""
    from django.apps import apps

    try:
        Territory = apps.get_model("directory.Territory")
    except LookupError:
        return None
    return Territory.objects.filter(code=code).select_related("parent__parent").first()


def commune_from_text(text: str):
    """A commune from what a visitor types: its INSEE code, its postal code or its name (accents optional)."""
    from django.apps import apps

    text = " ".join((text or "").split())[:80]
    if not text:
        return None
    try:
        Territory = apps.get_model("directory.Territory")
    except LookupError:
        return None
    communes = Territory.objects.filter(kind="commune")
    found = communes.filter(code=text).first()
    if found is None and text.isdigit() and len(text) == 5:
        found = communes.filter(postal_codes__contains=text).order_by("-population", "name").first()
    if found is None:
        found = communes.filter(name__iexact=text).first()
    if found is None:
        wanted = " ".join(words(text))
        for pk, name in communes.values_list("pk", "name").iterator(chunk_size=2000):
            if " ".join(words(name)) == wanted:
                found = communes.get(pk=pk)
                break
    return found


def area_codes(place) -> tuple[str, ...]:
    """Codes whose documents serve this place: itself, its ancestors, its descendants, and "everywhere"."""
    codes = [place.code]
    node = place
    while node.parent_id is not None and len(codes) < 5:
        node = node.parent
        codes.append(node.code)
    if place.kind != "commune":
        from django.apps import apps

        Territory = apps.get_model("directory.Territory")
        codes += list(Territory.objects.filter(pk__in=place.descendant_ids()).values_list("code", flat=True))
    codes.append(AREA_EVERYWHERE)
    return tuple(dict.fromkeys(codes))


# --- running a query -------------------------------------------------------------------------------------
def _run(backend, parsed, filters, offset, limit, match_any, facets) -> RawResult:
    return backend.query(parsed, filters, offset=offset, limit=limit, match_any=match_any, facets=facets)


def _down_key() -> str:
    from django.conf import settings

    return "search:down:" + settings.RELAIS_SEARCH.get("ELASTICSEARCH_URL", "")


def _first_backend():
    """(backend, degraded): Elasticsearch when configured, unless it failed a moment ago: then the
    database at once, so that a hung server costs its timeout to one request, not to every one."""
    backend = primary_backend()
    if backend.name != "database" and cache.get(_down_key()):
        return database_backend(), True
    return backend, False


def _mark_down(backend, exc) -> None:
    from django.conf import settings

    logger.warning("search: %s unreachable, falling back to the database backend: %s", backend.name, exc)
    retry_after = int(settings.RELAIS_SEARCH.get("RETRY_AFTER", 30) or 0)
    if retry_after > 0:
        cache.set(_down_key(), True, retry_after)


def raw_search(parsed: ParsedQuery, filters: Filters, *, offset=0, limit=20, facets=True):
    """(RawResult, backend name, degraded, relaxed): the configured backend, else the database."""
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
        raw, relaxed = ask(True), True
    return raw, backend.name, degraded, relaxed


def search(text: str, filters: Filters | None = None, *, page: int = 1, per_page: int = 20,
           facets: bool = True) -> SearchResponse:
    """Public search over guide articles, organisations and services."""
    filters = filters or Filters()
    parsed = parse(text)
    if parsed.age is not None and filters.age is None:
        filters = replace(filters, age=parsed.age)
    page = min(max(1, int(page)), MAX_PAGE)
    response = SearchResponse(text=parsed.text, parsed=parsed, filters=filters, page=page, per_page=per_page)
    if parsed.is_empty and filters.is_empty:
        return response
    response.searched = True
    raw, response.backend, response.degraded, response.relaxed = raw_search(
        parsed, filters, offset=(page - 1) * per_page, limit=per_page, facets=facets)
    response.total = raw.total
    response.hits = hydrate(raw, parsed, filters)
    response.facets = facet_values(raw.facets, filters)
    if (response.total == 0 or response.relaxed) and not parsed.is_empty:
        response.did_you_mean = did_you_mean(parsed)
    return response


def search_ids(text: str, filters: Filters | None = None, *, kinds=("organisation",), limit: int = 1000) -> list[int]:
    """Object ids in relevance order, for other apps' lists (e.g. /annuaire/ routes its free text here)."""
    filters = filters or Filters()
    parsed = parse(text)
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


# --- presenting ------------------------------------------------------------------------------------------
def hydrate(raw: RawResult, parsed: ParsedQuery, filters: Filters) -> list[Hit]:
    keys = [h.key for h in raw.hits]
    rows = {row.key: row for row in SearchDocument.objects.filter(key__in=keys).only(
        "key", "kind", "object_id", "title", "subtitle", "url", "summary", "commune_name", "latitude",
        "longitude")}
    stems = {stem(w) for w in parsed.all_words()}
    hits = []
    for raw_hit in raw.hits:
        row = rows.get(raw_hit.key)
        if row is None:  # indexed in Elasticsearch, not (yet) in the database: skipped, never guessed
            continue
        distance = raw_hit.distance_km
        if filters.near and distance is None and row.latitude is not None and row.longitude is not None:
            distance = round(haversine_km(filters.near.latitude, filters.near.longitude, row.latitude,
                                          row.longitude), 1)
        snippet_text = snippet(row.summary, stems)
        hits.append(Hit(
            key=row.key, kind=row.kind, kind_label=KIND_LABELS.get(row.kind, row.kind), title=row.title,
            title_html=highlight(row.title, stems), subtitle=row.subtitle, url=row.url,
            snippet_html=highlight(snippet_text, stems), snippet=snippet_text, commune_name=row.commune_name,
            distance_km=round(distance, 1) if distance is not None else None, score=raw_hit.score,
            object_id=row.object_id))
    return hits


_TOKEN = re.compile(r"(\w+)", re.UNICODE)


def _matches(token: str, stems: set[str]) -> bool:
    ws = words(token)
    return bool(ws) and all(stem(w) in stems for w in ws)


def highlight(text: str, stems: set[str]) -> SafeString:
    """The text, HTML-escaped, with the words of the query wrapped in <mark>."""
    if not text:
        return mark_safe("")  # noqa: S308 - empty
    out = []
    for part in _TOKEN.split(text):
        if part and _TOKEN.fullmatch(part) and stems and _matches(part, stems):
            out.append(f"<mark>{html.escape(part)}</mark>")
        else:
            out.append(html.escape(part))
    return mark_safe("".join(out))  # noqa: S308 - every part escaped above


def snippet(text: str, stems: set[str]) -> str:
    """About SNIPPET_WORDS words of the text around the first matched word."""
    tokens = (text or "").split()
    if len(tokens) <= SNIPPET_WORDS:
        return " ".join(tokens)
    first = next((i for i, t in enumerate(tokens) if _matches(t, stems)), 0)
    start = max(0, min(first - 6, len(tokens) - SNIPPET_WORDS))
    piece = " ".join(tokens[start:start + SNIPPET_WORDS])
    return ("… " if start else "") + piece + (" …" if start + SNIPPET_WORDS < len(tokens) else "")


def facet_values(raw: dict[str, dict[str, int]], filters: Filters) -> dict[str, list[FacetValue]]:
    selected = {"kind": filters.kinds, "theme": filters.themes, "public": filters.publics, "type": filters.types}
    out: dict[str, list[FacetValue]] = {}
    label_maps = {"kind": labels.kind_labels(), "theme": labels.theme_labels(), "public": labels.public_labels(),
                  "type": labels.type_labels()}
    label_maps["commune"] = labels.commune_labels(raw.get("commune", {}).keys())
    for name, values in raw.items():
        if name == "theme":  # categories only: sub-themes are too many to list
            values = {k: v for k, v in values.items() if k in labels.category_codes()}
        label_map = label_maps.get(name, {})
        items = [FacetValue(value=v, label=label_map.get(v, v), count=c, selected=v in selected.get(name, ()))
                 for v, c in values.items()]
        items.sort(key=lambda f: (-f.count, fold(f.label)))
        if items:
            out[name] = items[:30]
    return out


# --- did you mean ----------------------------------------------------------------------------------------
def index_vocabulary() -> set[str]:
    """Words of the titles and themes of the index (cached until the index changes)."""
    state = SearchDocument.objects.aggregate(last=Max("updated_at"), top=Max("id"))
    cache_key = f"search:vocabulary:{state['top']}:{state['last'] and state['last'].timestamp()}"
    vocabulary = cache.get(cache_key)
    if vocabulary is None:
        counter: Counter = Counter()
        for title, themes in SearchDocument.objects.values_list("title", "themes_text").iterator(chunk_size=2000):
            counter.update(w for w in words(f"{title} {themes}") if len(w) > 2 and not w.isdigit())
        vocabulary = set(counter)
        cache.set(cache_key, vocabulary, 3600)
    return vocabulary


def did_you_mean(parsed: ParsedQuery) -> str:
    """The query with each unknown word replaced by the closest indexed word, or ""."""
    vocabulary = index_vocabulary()
    if not vocabulary:
        return ""
    changed, out = False, []
    for group in parsed.groups:
        if len(group) == 1 and len(group[0]) == 1:
            word = group[0][0]
            if word not in vocabulary and len(word) > 3:
                close = difflib.get_close_matches(word, vocabulary, n=1, cutoff=0.75)
                if close:
                    out.append(close[0])
                    changed = True
                    continue
            out.append(word)
        else:
            out.append(" ".join(group[0]))
    return " ".join(out) if changed else ""
