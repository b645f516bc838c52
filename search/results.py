"""What a search answers: hits hydrated from the database index (public fields only) with the matched words
highlighted, and facet values with their labels (from search.registry)."""

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.utils.safestring import SafeString, mark_safe

from search import registry
from search.backends import Filters
from search.backends.base import RawResult, haversine_km
from search.models import SearchDocument
from search.vocabulary import ParsedQuery, fold, stem, words

MAX_PAGE = 50
SNIPPET_WORDS = 32
FACET_VALUES = 30


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
    details: Mapping[str, str] = field(default_factory=dict)  # the app's live details (DocumentType.details)


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


def hydrate(raw: RawResult, parsed: ParsedQuery, filters: Filters) -> list[Hit]:
    keys = [h.key for h in raw.hits]
    rows = {row.key: row for row in SearchDocument.objects.filter(key__in=keys).only(
        "key", "kind", "object_id", "title", "subtitle", "url", "summary", "commune_name", "latitude",
        "longitude")}
    stems = {stem(w) for w in parsed.all_words()}
    kind_labels = registry.kind_labels()
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
            key=row.key, kind=row.kind, kind_label=kind_labels.get(row.kind, row.kind), title=row.title,
            title_html=highlight(row.title, stems), subtitle=row.subtitle, url=row.url,
            snippet_html=highlight(snippet_text, stems), snippet=snippet_text, commune_name=row.commune_name,
            distance_km=round(distance, 1) if distance is not None else None, score=raw_hit.score,
            object_id=row.object_id))
    _add_details(hits)
    return hits


def _add_details(hits: list[Hit]) -> None:
    """Each kind's live details (phone, address, open status), one call per kind, computed now: an opening
    status is true at the moment of reading, never at the moment of indexing."""
    by_kind: dict[str, list[Hit]] = {}
    for hit in hits:
        by_kind.setdefault(hit.kind, []).append(hit)
    for kind, kind_hits in by_kind.items():
        document_type = registry.document_type(kind)
        if document_type is None or document_type.details is None:
            continue
        details = document_type.details([hit.object_id for hit in kind_hits])
        for hit in kind_hits:
            hit.details = dict(details.get(hit.object_id, {}))


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


def commune_labels(codes) -> dict[str, str]:
    """Names of communes by code, read from the index itself (search reads no app's tables)."""
    codes = [c for c in codes if c]
    if not codes:
        return {}
    rows = (SearchDocument.objects.filter(commune_code__in=codes).exclude(commune_name="")
            .values_list("commune_code", "commune_name").distinct())
    return dict(rows)


def facet_values(raw: dict[str, dict[str, int]], filters: Filters) -> dict[str, list[FacetValue]]:
    selected = {"kind": filters.kinds, "theme": filters.themes, "public": filters.publics, "type": filters.types}
    out: dict[str, list[FacetValue]] = {}
    for name, values in raw.items():
        if name == "kind":
            label_map = registry.kind_labels()
        elif name == "commune":
            label_map = commune_labels(values.keys())
        else:
            label_map = registry.facet_labels(name)
        listed = registry.facet_listed(name)
        if listed is not None:  # e.g. categories only: sub-themes are too many to list
            values = {k: v for k, v in values.items() if k in listed}
        items = [FacetValue(value=v, label=label_map.get(v, v), count=c, selected=v in selected.get(name, ()))
                 for v, c in values.items()]
        items.sort(key=lambda f: (-f.count, fold(f.label)))
        if items:
            out[name] = items[:FACET_VALUES]
    return out
