"""The database backend: SQLite FTS5 in the embedded mode, PostgreSQL full-text (French + unaccent) in production.

Both read the ``search_searchdocument`` table and its tags; the full-text part differs per vendor (see
migration 0002). Filters, facets and distances are plain SQL shared by both. Ranking: title (A) above
themes and places (B) above descriptions (C).
"""

import sqlite3
from collections.abc import Callable, Iterable

from django.db import connection, transaction

from search import registry
from search.backends.base import (
    Filters,
    RawHit,
    RawResult,
    SearchBackend,
    Suggestion,
    bounding_box,
)
from search.backends.facet_postings import LAST_ID_SQL, LAST_WRITTEN_SQL, POSTINGS, id_list_sql
from search.documents import FACETS, SearchDoc
from search.models import IndexVersion, SearchDocument, SearchTag
from search.vocabulary import STOP_WORDS, ParsedQuery, fold, index_text, stem, words

# bm25 column weights of text_a, text_b, text_c (SQLite); ts_rank weights {D, C, B, A} (PostgreSQL).
SQLITE_WEIGHTS = (10.0, 3.0, 1.0)
POSTGRES_WEIGHTS = "{0.05, 0.2, 0.45, 1.0}"
# Full-text scores add up every matched synonym in every column; a match in the title is what a visitor
# means, so the score is multiplied by up to (1 + TITLE_BONUS) by the share of words found in the title.
TITLE_BONUS = 1.0
# PostgreSQL prices a scan by its pages and each operator at cpu_operator_cost, a text match on a tsvector as an
# integer comparison; most of a broad search's real cost is those matches and ts_rank on every row. Priced at
# ten times the default for the search's statement alone, the scan of an index past min_parallel_table_scan_size
# (8 MB: about 4,000 documents) is shared by parallel workers, as the bare ranked query's sort already was
# (national scale: 280 → 170 ms for « logement », 78,403 matches; département: 32 → 26 ms; bench_search.py).
POSTGRES_OPERATOR_COST = 0.025
BATCH = 1000
# Counts this process's writes to the index: what cached readings of the index (facet labels) key on.
_writes = 0


def index_generation() -> int:
    return _writes


def _written() -> None:
    """Called first in every writing transaction: the version's row is locked until it commits, so writers
    take turns and documents get their ids in the order they are committed (what the facet bitmaps need)."""
    global _writes
    _writes += 1
    IndexVersion.bump()


def _row(doc: SearchDoc) -> SearchDocument:
    return SearchDocument(
        key=doc.key, kind=doc.kind, object_id=doc.object_id, title=doc.title[:300], subtitle=doc.subtitle[:300],
        url=doc.url, summary=doc.summary, themes_text=doc.themes_text, body=doc.body,
        text_a=index_text(doc.title), text_b=index_text(doc.themes_text), text_c=index_text(doc.body),
        themes=doc.themes, publics=doc.publics, typologie=doc.typologie, area=doc.area,
        commune_code=doc.commune_code, commune_name=doc.commune_name, age_min=doc.age_min, age_max=doc.age_max,
        latitude=doc.latitude, longitude=doc.longitude, suggest=doc.suggest,
    )


def _facet(tag: str) -> str:
    """The facet a tag counts in ('theme' for 'theme:sante'), or '' for a filter-only tag ('area:62')."""
    name = tag.partition(":")[0]
    return name if name in FACETS else ""


def _insert_sql(model, fields) -> str:
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    return (f"INSERT INTO {quote(model._meta.db_table)} ({columns})"  # noqa: S608 (names from the models)
            f" VALUES ({', '.join(['%s'] * len(fields))})")


def _kind_boost() -> tuple[str, float, float]:
    """Each registered kind's boost as SQL (a partner's own record outranks its services), and the smallest
    and largest boost. Kinds are plain [a-z0-9_-] words (the registry refuses others): safe as literals."""
    boosted = [t for t in registry.document_types() if t.boost != 1.0]
    cases = [f"WHEN d.kind = '{t.kind}' THEN {float(t.boost)!r}" for t in boosted]
    boosts = [1.0, *(float(t.boost) for t in boosted)]
    return (f"(CASE {' '.join(cases)} ELSE 1.0 END)" if cases else "1.0"), min(boosts), max(boosts)


def _fts5_expression(parsed: ParsedQuery, match_any: bool) -> str:
    """FTS5 syntax built from plain words only ([a-z0-9]+, quoted): the visitor's text is never syntax."""
    groups = []
    for group in parsed.groups:
        alternatives = ["(" + " AND ".join(f'"{stem(w)}"' for w in alt) + ")" for alt in group]
        groups.append("(" + " OR ".join(alternatives) + ")")
    return (" OR " if match_any else " AND ").join(groups)


def _title_factor(parsed: ParsedQuery, vendor: str, ident: str = "d.id") -> tuple[str, list]:
    """SQL multiplying the score by 1 + TITLE_BONUS × (share of query groups found in the title).

    SQLite: the documents whose title has a group are one full-text look-up of that group in the title
    column, made once per statement (an uncorrelated IN), never by reading the matches' rows."""
    if vendor == "sqlite" and len(parsed.groups) == 1 and all(len(alt) == 1 for alt in parsed.groups[0]):
        # One group of single words: the group is in the title when any of its words is, i.e. when bm25
        # counting the title alone is not zero; FTS5 knows it from the match, without reading the row.
        return f"(1.0 + {TITLE_BONUS} * (CASE WHEN bm25(search_fts, 1.0, 0.0, 0.0) < 0 THEN 1 ELSE 0 END))", []
    cases, params = [], []
    for group in parsed.groups:
        if vendor == "postgresql":
            cases.append("(CASE WHEN d.search_vector @@ to_tsquery('relais_fr', %s) THEN 1 ELSE 0 END)")
            params.append(" | ".join("(" + " & ".join(f"{w}:A" for w in alt) + ")" for alt in group))
        else:
            cases.append(f"(CASE WHEN {ident} IN (SELECT title.rowid FROM search_fts title"  # noqa: S608
                         " WHERE title.search_fts MATCH %s) THEN 1 ELSE 0 END)")
            params.append("text_a : " + _fts5_expression(ParsedQuery(groups=[group]), match_any=False))
    return f"(1.0 + {TITLE_BONUS} * ({' + '.join(cases)}) / {len(parsed.groups)}.0)", params


def _tsquery_text(parsed: ParsedQuery, match_any: bool) -> str:
    """to_tsquery text from plain words only; PostgreSQL stems them with the French configuration."""
    groups = []
    for group in parsed.groups:
        alternatives = ["(" + " & ".join(alt) + ")" for alt in group]
        groups.append("(" + " | ".join(alternatives) + ")")
    return (" | " if match_any else " & ").join(groups)


class DatabaseBackend(SearchBackend):
    name = "database"

    @property
    def vendor(self) -> str:
        return connection.vendor

    # --- writing -----------------------------------------------------------------------------------------
    def index(self, docs: list[SearchDoc]) -> dict[str, str]:
        if not docs:
            return {}
        with transaction.atomic():
            _written()
            SearchDocument.objects.filter(key__in=[d.key for d in docs]).delete()
            self._insert(docs)
        return {}

    def count(self) -> int:
        return SearchDocument.objects.count()

    def keys(self) -> set[str]:
        return set(SearchDocument.objects.values_list("key", flat=True))

    def _insert(self, docs: list[SearchDoc]) -> None:
        """Plain INSERTs of prepared values: a rebuild writes a hundred thousand rows (a dozen tags a document),
        and building a model instance for each, then the ORM's statement, was most of its time."""
        fields = [field for field in SearchDocument._meta.concrete_fields if not field.primary_key]
        values = [tuple(field.get_db_prep_save(field.pre_save(row, True), connection) for field in fields)
                  for row in map(_row, docs)]
        with connection.cursor() as cursor:
            cursor.executemany(_insert_sql(SearchDocument, fields), values)
            ids = dict(SearchDocument.objects.filter(key__in=[d.key for d in docs]).values_list("key", "id"))
            tags = [(ids[doc.key], tag[:150], _facet(tag)) for doc in docs for tag in doc.tags()]
            cursor.executemany(_insert_sql(SearchTag, [SearchTag._meta.get_field(name)
                                                       for name in ("document", "tag", "facet")]), tags)

    def delete(self, keys: list[str]) -> None:
        with transaction.atomic():
            _written()
            SearchDocument.objects.filter(key__in=list(keys)).delete()

    def rebuild(self, docs: Iterable[SearchDoc], *, progress: Callable[[int], None] | None = None) -> int:
        """Replace the whole index in one transaction: readers see the old index until it commits."""
        count = 0
        with transaction.atomic():
            _written()
            SearchTag.objects.all().delete()
            SearchDocument.objects.all().delete()
            batch: list[SearchDoc] = []
            for doc in docs:
                batch.append(doc)
                if len(batch) >= BATCH:
                    self._insert(batch)
                    count += len(batch)
                    batch = []
                    if progress:
                        progress(count)
            if batch:
                self._insert(batch)
                count += len(batch)
                if progress:
                    progress(count)
        return count

    # --- reading -----------------------------------------------------------------------------------------
    def _distance_sql(self) -> str:
        least = "least" if self.vendor == "postgresql" else "min"
        return (f"(2 * 6371.0088 * asin({least}(1.0, sqrt(power(sin((radians(d.latitude) - radians(%s)) / 2), 2)"
                " + cos(radians(%s)) * cos(radians(d.latitude))"
                " * power(sin((radians(d.longitude) - radians(%s)) / 2), 2)))))")

    def _matches(self, parsed: ParsedQuery, filters: Filters, match_any: bool, ranked: bool) -> tuple[str, list, str]:
        """The matches as SQL, with their params and their shape.

        "wide": they carry what the page shows, (id, key, score, sort_title, distance). "narrow": (id, s0,
        distance), s0 being the score; ``query`` joins only the page's candidates to their documents. On
        SQLite a ranked text search with no filter on the documents' own columns (kind, age, place) reads no
        document row at all ("narrow, boost left"): its tag filters apply to the full-text row id, and s0 is
        the score before the kind's boost (reading every match's row cost a third of the bare full-text query
        at national scale)."""
        where: list[str] = []
        params: list = []
        score_sql, score_params = "0", []
        ident = "d.id"
        if parsed.is_empty:
            from_sql = "search_searchdocument d"
        elif self.vendor == "postgresql":
            from_sql = "search_searchdocument d"
            where.append("d.search_vector @@ to_tsquery('relais_fr', %s)")
            query_text = _tsquery_text(parsed, match_any)
            params.append(query_text)
            title_sql, title_params = _title_factor(parsed, "postgresql")
            score_sql = f"ts_rank('{POSTGRES_WEIGHTS}', d.search_vector, to_tsquery('relais_fr', %s)) * {title_sql}"
            score_params = [query_text, *title_params]
        else:
            # CROSS JOIN keeps the full-text match as SQLite's outer loop: with a plain JOIN and a kind filter
            # the planner may walk the documents of that kind and run the MATCH once for each (2,000 matches
            # evaluated instead of one: 200 ms instead of 7 for the directory's text search).
            if not ranked or filters.kinds or filters.age is not None or filters.near:
                from_sql = "search_fts CROSS JOIN search_searchdocument d ON d.id = search_fts.rowid"
            else:
                # The unary + keeps "rowid IN (tags)" a filter: offered to FTS5 as a constraint, SQLite would
                # run the MATCH once per tagged document (390 ms instead of 4 for a theme and an area).
                from_sql, ident = "search_fts", "+search_fts.rowid"
            a, b, c = SQLITE_WEIGHTS
            title_sql, score_params = _title_factor(parsed, "sqlite", ident)
            score_sql = f"(-bm25(search_fts, {a}, {b}, {c})) * {title_sql}"
            where.append("search_fts MATCH %s")
            params.append(_fts5_expression(parsed, match_any))
        if filters.kinds:
            where.append("d.kind IN (" + ", ".join(["%s"] * len(filters.kinds)) + ")")
            params += list(filters.kinds)
        for prefix, values in (("theme", filters.themes), ("public", filters.publics), ("type", filters.types),
                               ("area", filters.area)):
            if values:
                placeholders = ", ".join(["%s"] * len(values))
                where.append(f"{ident} IN (SELECT document_id FROM search_searchtag WHERE tag IN ({placeholders}))")  # noqa: S608
                params += [f"{prefix}:{v}" for v in values]
        if filters.language:  # one indexed look-up: only pages in several languages carry hidden: tags
            where.append(f"{ident} NOT IN (SELECT document_id FROM search_searchtag WHERE tag = %s)")  # noqa: S608
            params.append(f"hidden:{filters.language}")
        if filters.age is not None:
            where.append("(d.age_min IS NULL OR d.age_min <= %s) AND (d.age_max IS NULL OR d.age_max >= %s)")
            params += [filters.age, filters.age]
        distance_sql, distance_params = "NULL", []
        if filters.near:
            near = filters.near
            min_lat, max_lat, min_lon, max_lon = bounding_box(near)
            distance_sql = self._distance_sql()
            distance_params = [near.latitude, near.latitude, near.longitude]
            within = (f"(d.latitude BETWEEN %s AND %s AND d.longitude BETWEEN %s AND %s AND {distance_sql} <= %s)")
            within_params = [min_lat, max_lat, min_lon, max_lon, *distance_params, near.radius_km]
            if near.area:
                placeholders = ", ".join(["%s"] * len(near.area))
                within = (f"({within} OR d.id IN (SELECT document_id FROM search_searchtag"  # noqa: S608
                          f" WHERE tag IN ({placeholders})))")
                within_params += [f"area:{code}" for code in near.area]
            where.append(within)
            params += within_params
        where_sql = " AND ".join(where) or "1 = 1"
        if ident != "d.id":
            return (f"SELECT {ident} AS id, {score_sql} AS s0, NULL AS distance"  # noqa: S608
                    f" FROM {from_sql} WHERE {where_sql}", score_params + params, "narrow, boost left")
        score_sql = f"{score_sql} * {_kind_boost()[0]}"
        # Ranked on PostgreSQL: narrow, as lowering every match's title cost more than reading the candidates'.
        # SQLite, having read the row, keeps what the page shows (a directory search asks for 3,000 ids).
        if ranked and self.vendor == "postgresql":
            return (f"SELECT d.id, {score_sql} AS s0, {distance_sql} AS distance"  # noqa: S608
                    f" FROM {from_sql} WHERE {where_sql}", score_params + distance_params + params, "narrow")
        return (f"SELECT d.id, d.key, {score_sql} AS score, lower(d.title) AS sort_title,"  # noqa: S608
                f" {distance_sql} AS distance FROM {from_sql} WHERE {where_sql}",
                score_params + distance_params + params, "wide")

    def query(self, parsed: ParsedQuery, filters: Filters, *, offset: int = 0, limit: int = 20,
              match_any: bool = False, facets: bool = True) -> RawResult:
        """One statement, one full-text evaluation: the matches and their scores are computed once into a
        materialised set, from which come the page (``limit`` rows from ``offset``), the total and the
        matches' ids, whose facet counts come from the facet bitmaps (``facet_postings``).

        Ranked by score, only the matches that can reach the page are joined to their documents. Where the
        kind's boost is left to the page, it lies between the smallest and the largest boost: a match whose
        score before the boost, times the largest, is below the page's last score before the boost times the
        smallest, cannot be on the page."""
        if filters.sort == "distance" and filters.near:
            order = "distance ASC, score DESC, sort_title ASC, id ASC"
        elif filters.sort == "title" or parsed.is_empty:
            order = "distance ASC, sort_title ASC, id ASC" if filters.near else "sort_title ASC, id ASC"
        else:
            order = "score DESC, sort_title ASC, id ASC"
        matches_sql, params, shape = self._matches(parsed, filters, match_any, order.startswith("score"))
        if shape == "wide":
            page_sql = f"SELECT * FROM matches ORDER BY {order} LIMIT %s OFFSET %s"  # noqa: S608
        else:
            boost_sql, least, most = _kind_boost() if shape == "narrow, boost left" else ("1.0", 1.0, 1.0)
            last = (f"SELECT s0 * {least!r} FROM matches ORDER BY s0 DESC"  # noqa: S608
                    f" LIMIT 1 OFFSET {max(offset + limit - 1, 0):d}")
            candidates = f"SELECT * FROM matches WHERE s0 * {most!r} >= coalesce(({last}), 0)"  # noqa: S608
            if self.vendor == "postgresql":
                # LATERAL … OFFSET 0: one primary-key read per candidate (PostgreSQL, taking the candidates for
                # a third of the matches, would otherwise hash every document to join a few dozen).
                joined = (f"({candidates}) m CROSS JOIN LATERAL (SELECT key, title"  # noqa: S608
                          " FROM search_searchdocument WHERE id = m.id OFFSET 0) d")
            else:  # CROSS JOIN: the candidates stay SQLite's outer loop
                joined = f"({candidates}) m CROSS JOIN search_searchdocument d ON d.id = m.id"
            page_sql = (f"SELECT m.id AS id, d.key AS key, m.s0 * {boost_sql} AS score,"  # noqa: S608
                        f" lower(d.title) AS sort_title, m.distance AS distance FROM {joined}"
                        f" ORDER BY {order} LIMIT %s OFFSET %s")
        sql = (f"WITH matches AS {self._materialized()}({matches_sql}), page AS ({page_sql})"  # noqa: S608
               # The page's position is numbered over its own rows only: the union keeps no order of its own.
               f" SELECT 0 AS part, key, score, distance, ROW_NUMBER() OVER (ORDER BY {order}) AS n FROM page"
               " UNION ALL SELECT 1, NULL, NULL, NULL, COUNT(*) FROM matches")
        if facets:
            # The matches' ids and the index's last document: the facet bitmaps' input (facet_postings).
            sql += (f" UNION ALL SELECT 2, {id_list_sql('id')}, NULL, NULL, NULL FROM matches"  # noqa: S608
                    f" UNION ALL SELECT 3, ({LAST_WRITTEN_SQL}), NULL, NULL, ({LAST_ID_SQL})")
        if self.vendor == "postgresql":
            # For this statement only, in the same message (one round trip, one implicit transaction); back to
            # the session's value after it when a longer transaction goes on.
            sql = (f"SET LOCAL cpu_operator_cost = {POSTGRES_OPERATOR_COST}; {sql};"
                   " SET LOCAL cpu_operator_cost TO DEFAULT")
        result = RawResult()
        page, match_ids, last_document = [], "", None
        with connection.cursor() as cursor:
            cursor.execute(sql, params + [limit, offset])
            if self.vendor == "postgresql":
                cursor.cursor.nextset()  # the statement's rows follow the SET's empty result
            for part, key, score, distance, n in cursor.fetchall():
                if part == 0:
                    page.append((n, RawHit(key=key, score=float(score or 0),
                                           distance_km=round(distance, 2) if distance is not None else None)))
                elif part == 1:
                    result.total = n
                elif part == 2:
                    match_ids = key or ""
                else:
                    last_document = (n, key)
        if match_ids and last_document:
            result.facets = POSTINGS.counts(match_ids, last_document)
        result.hits = [hit for _n, hit in sorted(page, key=lambda pair: pair[0])]
        return result

    def _materialized(self) -> str:
        """``MATERIALIZED``: the matches are computed once, whatever the number of parts reading them
        (PostgreSQL 12+, SQLite 3.35+; an older SQLite gives the same answer, evaluating them per part)."""
        if self.vendor == "sqlite" and sqlite3.sqlite_version_info < (3, 35):
            return ""
        return "MATERIALIZED "

    def autocomplete(self, text: str, *, limit: int = 8) -> list[Suggestion]:
        """Titles whose words start with what was typed (the last word as a prefix)."""
        typed = words(text)[:6]
        if not typed or len("".join(typed)) < 2:
            return []
        # Finished words that carry no meaning are dropped; the word being typed is kept as a prefix.
        typed = [w for w in typed[:-1] if w not in STOP_WORDS] + typed[-1:]
        with connection.cursor() as cursor:
            if self.vendor == "postgresql":
                terms = [f"{w}:A" for w in typed[:-1]] + [f"{typed[-1]}:*A"]
                cursor.execute(
                    "SELECT d.title, d.url, d.kind FROM search_searchdocument d"
                    " WHERE d.search_vector @@ to_tsquery('relais_fr', %s)"
                    " ORDER BY ts_rank(d.search_vector, to_tsquery('relais_fr', %s)) DESC, d.title LIMIT %s",
                    [" & ".join(terms), " & ".join(terms), limit * 3])
            else:
                terms = [f'"{stem(w)}"' for w in typed[:-1]] + [f'"{stem(typed[-1])}"*']
                cursor.execute(
                    "SELECT d.title, d.url, d.kind FROM search_fts JOIN search_searchdocument d"
                    " ON d.id = search_fts.rowid WHERE search_fts MATCH %s ORDER BY bm25(search_fts), d.title"
                    " LIMIT %s",
                    ["text_a : (" + " AND ".join(terms) + ")", limit * 3])
            rows = cursor.fetchall()
        seen, out = set(), []
        for title, url, kind in rows:
            if fold(title) in seen:
                continue
            seen.add(fold(title))
            out.append(Suggestion(label=title, url=url, kind=kind))
            if len(out) >= limit:
                break
        return out

    def health(self) -> str:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1 FROM search_searchdocument LIMIT 1")
            return "ok"
        except Exception:
            return "degraded"
