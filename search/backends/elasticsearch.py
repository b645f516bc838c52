"""The Elasticsearch backend, written with ``elasticsearch.dsl``: one index per content kind behind an alias.

Text is indexed folded (no accents) with the built-in ``french`` analyzer (stemming, elision, stop words);
acronyms and synonyms are expanded in Python (search.vocabulary), so no custom analyzer or synonym filter is
needed. Facets are terms aggregations on keyword fields, places a ``geo_point``, autocomplete a completion
suggester. ``rebuild`` fills new indices and then swaps the aliases in one call: no moment with an empty index.
"""

import logging
import time
from collections.abc import Callable, Iterable

from django.conf import settings
from django.utils.module_loading import import_string
from elastic_transport import TransportError
from elasticsearch import Elasticsearch
from elasticsearch import exceptions as es_exceptions
from elasticsearch.dsl import Completion, Document, GeoPoint, Integer, Keyword, Q, Search, Text
from elasticsearch.helpers import BulkIndexError, bulk

from search import registry
from search.backends.base import (
    BackendUnavailable,
    Filters,
    RawHit,
    RawResult,
    SearchBackend,
    Suggestion,
)
from search.documents import SearchDoc
from search.vocabulary import ParsedQuery, fold, words

logger = logging.getLogger(__name__)
TEXT_FIELDS = ["title^4", "themes_text^2", "body"]
UNAVAILABLE = (TransportError, es_exceptions.ConnectionError, es_exceptions.ConnectionTimeout, BulkIndexError,
               es_exceptions.ApiError, OSError)


class SearchableDocument(Document):
    """The mapping of every kind's index (display fields are stored, not indexed)."""

    key = Keyword()
    kind = Keyword()
    object_id = Integer()
    title = Text(analyzer="french")
    themes_text = Text(analyzer="french")
    body = Text(analyzer="french")
    display_title = Keyword(index=False)
    sort_title = Keyword()
    url = Keyword(index=False)
    themes = Keyword(multi=True)
    publics = Keyword(multi=True)
    typologie = Keyword()
    area = Keyword(multi=True)
    hidden_in = Keyword(multi=True)
    commune = Keyword()
    age_min = Integer()
    age_max = Integer()
    location = GeoPoint()
    suggest = Completion()


def index_names() -> dict[str, str]:
    """kind → index name (behind an alias), one per registered document type."""
    return {document_type.kind: document_type.index for document_type in registry.document_types()}


def suggest_inputs(doc: SearchDoc) -> list[str]:
    """The title from each of its words on ("Mission locale de l'Arrageois" → "arrageois" too), folded."""
    out = []
    for text in [doc.title, *doc.suggest]:
        ws = words(text)
        out += [" ".join(ws[i:]) for i in range(min(len(ws), 6)) if len(ws[i]) > 1]
    return list(dict.fromkeys(out))[:12]


def to_source(doc: SearchDoc) -> dict:
    source = {
        "key": doc.key, "kind": doc.kind, "object_id": doc.object_id,
        "title": fold(doc.title), "themes_text": fold(doc.themes_text), "body": fold(doc.body),
        "display_title": doc.title, "sort_title": fold(doc.title),
        "url": doc.url, "themes": doc.themes, "publics": doc.publics,
        "typologie": doc.typologie or None, "area": doc.area, "commune": doc.commune_code or None,
        "hidden_in": doc.hidden_in,
        "age_min": doc.age_min, "age_max": doc.age_max,
        "suggest": {"input": suggest_inputs(doc)},
    }
    if doc.latitude is not None and doc.longitude is not None:
        source["location"] = {"lat": doc.latitude, "lon": doc.longitude}
    return source


def bulk_reason(item: dict) -> str:
    """A refused bulk item's reason in one line ("failed to parse field [location]…: illegal latitude…")."""
    error = item.get("error") or {}
    if not isinstance(error, dict):
        return str(error)[:500]
    reason = error.get("reason") or error.get("type") or "refusé"
    cause = (error.get("caused_by") or {}).get("reason")
    return (f"{reason}: {cause}" if cause else str(reason))[:500]


def make_client(url: str | None = None) -> Elasticsearch:
    """A client whose calls give up after ``RELAIS_SEARCH["TIMEOUT"]`` seconds (connecting or waiting for the
    answer), with no retry: a visitor's search then falls back to the database instead of hanging."""
    conf = settings.RELAIS_SEARCH
    kwargs = {"request_timeout": conf.get("TIMEOUT", 2), "max_retries": 0, "retry_on_timeout": False}
    node_class = conf.get("NODE_CLASS")
    if node_class:
        kwargs["node_class"] = import_string(node_class) if isinstance(node_class, str) else node_class
    return Elasticsearch(url or conf["ELASTICSEARCH_URL"], **kwargs)


class ElasticsearchBackend(SearchBackend):
    name = "elasticsearch"

    def __init__(self, url: str | None = None, prefix: str | None = None, client: Elasticsearch | None = None,
                 write_timeout: float | None = None):
        self.client = client or make_client(url)
        # Index writes run in the task worker or a command: they may wait longer than a visitor's search.
        self.writer = self.client.options(request_timeout=write_timeout) if write_timeout else self.client
        self.prefix = prefix or settings.RELAIS_SEARCH.get("INDEX_PREFIX", "relais")

    def alias(self, kind: str) -> str:
        return f"{self.prefix}-{index_names()[kind]}"

    def aliases(self) -> list[str]:
        return [self.alias(kind) for kind in index_names()]

    # --- writing -----------------------------------------------------------------------------------------
    def ensure_indices(self) -> None:
        """Create an empty index behind each missing alias (first start)."""
        try:
            for kind in index_names():
                alias = self.alias(kind)
                if not self.writer.indices.exists_alias(name=alias):
                    concrete = f"{alias}-{int(time.time() * 1000)}"
                    SearchableDocument.init(index=concrete, using=self.writer)
                    self.writer.indices.put_alias(index=concrete, name=alias)
        except UNAVAILABLE as exc:
            raise BackendUnavailable(str(exc)) from exc

    def _bulk(self, actions: Iterable[dict], *, refresh=False) -> tuple[int, dict[str, str]]:
        """Write the actions; (written, {key: reason} of the documents Elasticsearch refused).

        Per-document errors never stop the others: a refused document (a 4xx, e.g. a latitude out of range)
        is returned with its reason; only a server that cannot take writes at all (network, 429, 5xx)
        raises BackendUnavailable.
        """
        try:
            count, errors = bulk(self.writer, actions, chunk_size=1000, refresh=refresh, raise_on_error=False)
        except UNAVAILABLE as exc:
            raise BackendUnavailable(str(exc)) from exc
        rejected, transient = {}, []
        for error in errors:
            item = next(iter(error.values()), {}) if isinstance(error, dict) else {}
            status = int(item.get("status") or 0)
            if status == 429 or status >= 500 or not status:
                transient.append(item)
            else:
                rejected[str(item.get("_id"))] = bulk_reason(item)
        if transient:
            raise BackendUnavailable(f"{len(transient)} écriture(s) refusée(s) par le serveur : "
                                     f"{bulk_reason(transient[0])}")
        return count, rejected

    def index(self, docs: list[SearchDoc]) -> dict[str, str]:
        """Index these documents; returns {key: reason} of those Elasticsearch refused (the rest are written)."""
        if not docs:
            return {}
        self.ensure_indices()
        _, rejected = self._bulk(({"_op_type": "index", "_index": self.alias(d.kind), "_id": d.key,
                                   "_source": to_source(d)} for d in docs), refresh="wait_for")
        for key, reason in rejected.items():
            logger.warning("search: Elasticsearch refused %s: %s", key, reason)
        return rejected

    def count(self) -> int:
        """Documents behind the aliases (one _count request). Reading creates nothing: while the indices are
        missing (a restart without data), searches keep falling back to the database."""
        try:
            return int(self.client.count(index=",".join(self.aliases()), ignore_unavailable=True)["count"])
        except es_exceptions.NotFoundError:
            return 0
        except UNAVAILABLE as exc:
            raise BackendUnavailable(str(exc)) from exc

    def keys(self, *, page: int = 1000) -> set[str]:
        """Every key in the index, read in pages sorted by key (search_after): what ``--sync`` diffs."""
        found: set[str] = set()
        try:
            after = None
            while True:
                extra = {"search_after": after} if after else {}
                response = self.writer.search(index=",".join(self.aliases()), size=page, source=False,
                                              sort=[{"key": "asc"}], **extra)
                hits = response["hits"]["hits"]
                found.update(hit["_id"] for hit in hits)
                if len(hits) < page:
                    return found
                after = hits[-1]["sort"]
        except es_exceptions.NotFoundError:  # no index yet (a restart without data): everything is missing
            return found
        except UNAVAILABLE as exc:
            raise BackendUnavailable(str(exc)) from exc

    def delete(self, keys: list[str]) -> None:
        if not keys:
            return
        self.ensure_indices()
        kinds = {key: key.split(":", 1)[0] for key in keys}
        actions = [{"_op_type": "delete", "_index": self.alias(kind), "_id": key}
                   for key, kind in kinds.items() if kind in index_names()]
        try:
            bulk(self.writer, actions, refresh="wait_for", raise_on_error=False)
        except UNAVAILABLE as exc:
            raise BackendUnavailable(str(exc)) from exc

    def rebuild(self, docs: Iterable[SearchDoc], *, progress: Callable[[int], None] | None = None,
                rejected: dict[str, str] | None = None) -> int:
        """Fill new indices, then move every alias in one call and drop the old indices. Documents refused
        one by one do not stop the rebuild: they are added to ``rejected`` (key → reason)."""
        stamp = int(time.time() * 1000)
        new = {kind: f"{self.alias(kind)}-{stamp}" for kind in index_names()}
        try:
            for name in new.values():
                SearchableDocument.init(index=name, using=self.writer)
            count = 0

            def actions():
                nonlocal count
                for doc in docs:
                    count += 1
                    if progress and count % 1000 == 0:
                        progress(count)
                    yield {"_op_type": "index", "_index": new[doc.kind], "_id": doc.key, "_source": to_source(doc)}

            _, refused = self._bulk(actions())
            if rejected is not None:
                rejected.update(refused)
            self.writer.indices.refresh(index=",".join(new.values()))
            swap, old = [], []
            for kind in new:
                alias = self.alias(kind)
                if self.writer.indices.exists_alias(name=alias):
                    for index_name in self.writer.indices.get_alias(name=alias):
                        swap.append({"remove": {"index": index_name, "alias": alias}})
                        old.append(index_name)
                swap.append({"add": {"index": new[kind], "alias": alias}})
            self.writer.indices.update_aliases(actions=swap)
            for index_name in old:
                self.writer.indices.delete(index=index_name, ignore_unavailable=True)
        except UNAVAILABLE as exc:
            raise BackendUnavailable(str(exc)) from exc
        if progress:
            progress(count)
        return count

    # --- reading -----------------------------------------------------------------------------------------
    def _text_query(self, parsed: ParsedQuery, match_any: bool):
        groups = []
        for group in parsed.groups:
            # One-word alternatives share one clause (any of the words); phrases need all their words.
            singles = [alt[0] for alt in group if len(alt) == 1]
            clauses = [Q("multi_match", query=" ".join(singles), fields=TEXT_FIELDS, operator="or")] if singles else []
            clauses += [Q("multi_match", query=" ".join(alt), fields=TEXT_FIELDS, operator="and")
                        for alt in group if len(alt) > 1]
            groups.append(clauses[0] if len(clauses) == 1 else Q("bool", should=clauses, minimum_should_match=1))
        return Q("bool", should=groups, minimum_should_match=1) if match_any else Q("bool", must=groups)

    def _filters(self, filters: Filters) -> list:
        out = []
        if filters.kinds:
            out.append(Q("terms", kind=list(filters.kinds)))
        for field_name, values in (("themes", filters.themes), ("publics", filters.publics),
                                   ("typologie", filters.types), ("area", filters.area)):
            if values:
                out.append(Q("terms", **{field_name: list(values)}))
        if filters.language:
            out.append(Q("bool", must_not=Q("term", hidden_in=filters.language)))
        if filters.age is not None:
            for field_name, op in (("age_min", "lte"), ("age_max", "gte")):
                out.append(Q("bool", minimum_should_match=1, should=[
                    Q("range", **{field_name: {op: filters.age}}),
                    Q("bool", must_not=Q("exists", field=field_name))]))
        if filters.near:
            within = Q("geo_distance", distance=f"{filters.near.radius_km}km",
                       location={"lat": filters.near.latitude, "lon": filters.near.longitude})
            if filters.near.area:  # or serves the place named (see Near)
                within = Q("bool", minimum_should_match=1,
                           should=[within, Q("terms", area=list(filters.near.area))])
            out.append(within)
        return out

    def _search(self) -> Search:
        return Search(using=self.client, index=",".join(self.aliases()))

    def query(self, parsed: ParsedQuery, filters: Filters, *, offset: int = 0, limit: int = 20,
              match_any: bool = False, facets: bool = True) -> RawResult:
        search = self._search().extra(track_total_hits=True, from_=offset, size=limit).source(["key"])
        must = [] if parsed.is_empty else [self._text_query(parsed, match_any)]
        if must:
            # A kind's boost (a partner's own record outranks its services) is an index-level multiplier:
            # function_score is much slower, 5x on the emulator.
            boosts = [{self.alias(t.kind): t.boost} for t in registry.document_types() if t.boost != 1.0]
            if boosts:
                search = search.extra(indices_boost=boosts)
        search = search.query(Q("bool", must=must or [Q("match_all")], filter=self._filters(filters)))
        point = None
        if filters.near:
            point = {"lat": filters.near.latitude, "lon": filters.near.longitude}
        geo_sort = {"_geo_distance": {"location": point, "order": "asc", "unit": "km"}} if point else None
        if filters.sort == "distance" and point:
            search = search.sort(geo_sort, "_score")
        elif filters.sort == "title" or parsed.is_empty:
            search = search.sort(*([geo_sort] if point else []),
                                 {"sort_title": {"order": "asc", "unmapped_type": "keyword"}})
        elif point:
            search = search.sort("_score", geo_sort)
        if facets:
            for name, field_name in (("kind", "kind"), ("theme", "themes"), ("public", "publics"),
                                     ("type", "typologie"), ("commune", "commune")):
                search.aggs.bucket(name, "terms", field=field_name, size=200)
        try:
            response = search.execute()
        except UNAVAILABLE as exc:
            raise BackendUnavailable(str(exc)) from exc
        result = RawResult(total=response.hits.total.value)
        for hit in response:
            distance = None
            sort_values = list(getattr(hit.meta, "sort", []) or [])
            if point and sort_values:
                distance = next((round(float(v), 2) for v in sort_values
                                 if isinstance(v, (int, float)) and filters.sort == "distance"), None)
            result.hits.append(RawHit(key=hit.key, score=float(hit.meta.score or 0), distance_km=distance))
        if facets and result.total:
            for name in ("kind", "theme", "public", "type", "commune"):
                buckets = getattr(response.aggregations, name).buckets
                values = {b.key: b.doc_count for b in buckets if b.doc_count}
                if values:
                    result.facets[name] = values
        return result

    def autocomplete(self, text: str, *, limit: int = 8) -> list[Suggestion]:
        typed = " ".join(words(text))
        if len(typed) < 2:
            return []
        search = self._search().source(["display_title", "url", "kind"]).suggest(
            "titles", typed, completion={"field": "suggest", "size": limit * 2, "skip_duplicates": True})
        try:
            response = search.execute()
        except UNAVAILABLE as exc:
            raise BackendUnavailable(str(exc)) from exc
        seen, out = set(), []
        for option in response.suggest.titles[0].options:
            source = option._source
            title = source.display_title
            if fold(title) in seen:
                continue
            seen.add(fold(title))
            out.append(Suggestion(label=title, url=source.url, kind=source.kind))
            if len(out) >= limit:
                break
        return out

    def health(self) -> str:
        try:
            return "ok" if self.client.ping() else "degraded"
        except Exception:
            return "degraded"
