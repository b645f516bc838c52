"""What a search answers: hits hydrated from the database index (public fields only) with the matched words
highlighted, and facet values with their labels (from search.registry)."""

import html
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

from relais import languages
from search import registry
from search.backends import Filters, database
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


def hydrate(raw: RawResult, parsed: ParsedQuery, filters: Filters, *, details: bool = True) -> list[Hit]:
    """The hits of the answer from the database index (public fields), highlighted; with their live details
    unless ``details`` is False (search.api adds them at each reading: an answer may be kept)."""
    keys = [h.key for h in raw.hits]
    rows = {row.key: row for row in SearchDocument.objects.filter(key__in=keys).only(
        "key", "kind", "object_id", "title", "subtitle", "url", "summary", "commune_name", "latitude",
        "longitude")}
    stems = {stem(w) for w in parsed.all_words()}
    seen: dict[str, bool] = {}
    kind_labels = registry.kind_labels()
    page_kinds = {t.kind for t in registry.document_types() if t.pages}
    hits = []
    for raw_hit in raw.hits:
        row = rows.get(raw_hit.key)
        if row is None:  # indexed in Elasticsearch, not (yet) in the database: skipped, never guessed
            continue
        distance = raw_hit.distance_km
        if filters.near and distance is None and row.latitude is not None and row.longitude is not None:
            distance = round(haversine_km(filters.near.latitude, filters.near.longitude, row.latitude,
                                          row.longitude), 1)
        snippet_text = snippet(row.summary, stems, seen)
        hits.append(Hit(
            key=row.key, kind=row.kind, kind_label=kind_labels.get(row.kind, row.kind), title=row.title,
            title_html=highlight(row.title, stems, seen), subtitle=row.subtitle,
            url=_in_language(row.url, filters.language) if row.kind in page_kinds else row.url,
            snippet_html=highlight(snippet_text, stems, seen), snippet=snippet_text, commune_name=row.commune_name,
            distance_km=round(distance, 1) if distance is not None else None, score=raw_hit.score,
            object_id=row.object_id))
    if details:
        add_details(hits)
    return hits


def _in_language(url: str, language: str) -> str:
    """A French page found by a reader of another language opens in that language's interface (/ar/guide/…),
    as the guide's own lists link it; a translation's address already carries its prefix."""
    if not language or language == languages.default_language() or not url.startswith("/"):
        return url
    if url.startswith(tuple(f"/{code}/" for code in languages.codes())):
        return url
    return languages.prefixed(url, language)


def add_details(hits: list[Hit]) -> None:
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


def highlight(text: str, stems: set[str], seen: dict[str, bool] | None = None) -> SafeString:
    """The text, HTML-escaped, with the words of the query wrapped in <mark>. ``seen`` keeps the verdict of
    each word across the texts of one answer (the same words recur from hit to hit)."""
    if not text:
        return mark_safe("")  # noqa: S308 - empty
    seen = {} if seen is None else seen
    out = []
    for part in _TOKEN.split(text):
        if not part:
            continue
        matched = seen.get(part)
        if matched is None:
            matched = seen[part] = bool(stems) and _TOKEN.fullmatch(part) is not None and _matches(part, stems)
        out.append(f"<mark>{html.escape(part)}</mark>" if matched else html.escape(part))
    return mark_safe("".join(out))  # noqa: S308 - every part escaped above


def snippet(text: str, stems: set[str], seen: dict[str, bool] | None = None) -> str:
    """About SNIPPET_WORDS words of the text around the first matched word."""
    tokens = (text or "").split()
    if len(tokens) <= SNIPPET_WORDS:
        return " ".join(tokens)
    seen = {} if seen is None else seen

    def matched(token: str) -> bool:
        key = "\0" + token  # whole tokens ("l'accueil,"), apart from highlight's words
        if key not in seen:
            seen[key] = _matches(token, stems)
        return seen[key]

    first = next((i for i, t in enumerate(tokens) if matched(t)), 0)
    start = max(0, min(first - 6, len(tokens) - SNIPPET_WORDS))
    piece = " ".join(tokens[start:start + SNIPPET_WORDS])
    return ("… " if start else "") + piece + (" …" if start + SNIPPET_WORDS < len(tokens) else "")


# Facet labels are read from maps kept in this process: code → (label, sort key), the sort key folded once.
# A map is dropped when the registry changes (a vocabulary registered again) or, for communes, when this
# process writes the index, and after LABELS_TTL seconds in any case (another process's write, a rename).
LABELS_TTL = 300.0
_label_maps: dict[str, tuple[tuple, float, dict[str, tuple[str, str]]]] = {}


def _label_map(name: str, stamp: tuple, fill=None) -> dict[str, tuple[str, str]]:
    entry = _label_maps.get(name)
    now = time.monotonic()
    if entry is None or entry[0] != stamp or entry[1] < now:
        labels = {code: (label, fold(label)) for code, label in (fill() if fill else {}).items()}
        entry = _label_maps[name] = (stamp, now + LABELS_TTL, labels)
    return entry[2]


def commune_labels(codes) -> dict[str, str]:
    """Names of communes by code, read from the index itself (search reads no app's tables); codes read once
    are kept (see LABELS_TTL)."""
    known = _commune_map(codes)
    return {code: known[code][0] for code in codes if code in known}


def _commune_map(codes) -> dict[str, tuple[str, str]]:
    known = _label_map("commune", (database.index_generation(),))
    missing = [c for c in codes if c and c not in known]
    if missing:
        rows = dict(SearchDocument.objects.filter(commune_code__in=missing).exclude(commune_name="")
                    .values_list("commune_code", "commune_name").distinct())
        for code in missing:  # a code without a name is remembered too, labelled with itself
            label = rows.get(code, code)
            known[code] = (label, fold(label))
    return known


def _labels(name: str, codes) -> dict[str, tuple[str, str]]:
    """Communes keep their names; the vocabularies' labels are the reader's language's (one map per language,
    through gettext: the registered labels are the French messages)."""
    if name == "commune":
        return _commune_map(codes)
    provider = registry.kind_labels if name == "kind" else (lambda: registry.facet_labels(name))
    language = get_language() or ""
    return _label_map(f"{name}:{language}", (registry.generation(),),
                      lambda: {code: gettext(label) for code, label in provider().items()})


def _listed(name: str) -> set[str] | None:
    entry = _label_maps.get("listed:" + name)
    stamp = (registry.generation(),)
    if entry is None or entry[0] != stamp or entry[1] < time.monotonic():
        entry = _label_maps["listed:" + name] = (stamp, time.monotonic() + LABELS_TTL, registry.facet_listed(name))
    return entry[2]


def facet_values(raw: dict[str, dict[str, int]], filters: Filters) -> dict[str, list[FacetValue]]:
    """Each facet's values, most frequent first (then by label), labelled from the cached maps."""
    selected = {"kind": filters.kinds, "theme": filters.themes, "public": filters.publics, "type": filters.types}
    out: dict[str, list[FacetValue]] = {}
    for name, values in raw.items():
        listed = _listed(name)
        if listed is not None:  # e.g. categories only: sub-themes are too many to list
            values = {k: v for k, v in values.items() if k in listed}
        labels = _labels(name, values.keys())
        chosen = selected.get(name, ())
        ranked = sorted(values.items(), key=lambda item: (-item[1], _sort_key(labels, item[0])))[:FACET_VALUES]
        items = [FacetValue(value=v, label=labels[v][0] if v in labels else v, count=c, selected=v in chosen)
                 for v, c in ranked]
        if items:
            out[name] = items
    return out


def _sort_key(labels: dict[str, tuple[str, str]], code: str) -> str:
    return labels[code][1] if code in labels else fold(code)
