"""The database backend over many matches: one statement per search, whatever the number of matches, and the
same total, facet counts and ranked pages as a naive computation over the documents.

Runs on this run's database: SQLite in the first pass of ``make test``, PostgreSQL in the second (``services``).
"""

import itertools
import os
from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from search.backends import Filters
from search.backends.database import DatabaseBackend
from search.documents import FACETS, SearchDoc
from search.vocabulary import parse

ON_POSTGRESQL = os.environ.get("DATABASE_URL", "").startswith("postgres")
pytestmark = [pytest.mark.django_db, *([pytest.mark.services] if ON_POSTGRESQL else [])]

THEMES = ["sante", "logement-hebergement", "trouver-un-emploi", "mobilite", "famille"]
TYPES = ["mission-locale", "ccas-cias", "caf"]
SYLLABLES = ["ba", "ko", "ri", "tu", "ma", "lo", "ni", "pa"]
# Pseudo-words (see corpus), each its own: every title has two words, every body four, so that documents of one class
# (kind, and where the word is) have the same length and so the same score; titles break the ties.
# (class, kind, the word in the title?, how many): the expected order of classes, best first.
CLASSES = [("A", "organisation", True, 40), ("B", "service", True, 80), ("C", "organisation", False, 300),
           ("D", "service", False, 3000), ("none", "service", None, 300)]
WORD = "zephyr"


def corpus() -> list[tuple[str, SearchDoc]]:
    docs = []
    unique_words = ("".join(parts) for parts in itertools.product(SYLLABLES, repeat=4))
    members = [(name, kind, in_title) for name, kind, in_title, count in CLASSES for _ in range(count)]
    for i, (name, kind, in_title) in enumerate(members):
        unique = next(unique_words)
        title = f"{WORD} {unique}" if in_title else f"alpha {unique}"
        body = f"{WORD} gamma delta epsilon" if in_title is False else "omega gamma delta epsilon"
        docs.append((name, SearchDoc(
            key=f"{kind}:{i}", kind=kind, object_id=i, title=title.capitalize(), url=f"/x/{i}/",
            themes_text="beta kappa", body=body, themes=[THEMES[i % 5]], publics=["jeunes"] if i % 3 else [],
            typologie=TYPES[i % 7 % 3], area=["62", f"62{i % 4:03d}"], commune_code=f"62{i % 11:03d}",
            commune_name=f"Commune {i % 11}")))
    return docs


@pytest.fixture
def many(settings):
    settings.RELAIS_SEARCH = {"BACKEND": "database", "ELASTICSEARCH_URL": "", "INDEX_PREFIX": "test"}
    docs = corpus()
    DatabaseBackend().rebuild([doc for _name, doc in docs])
    return docs


def expected_ranking(docs) -> list[str]:
    """Classes in order, each sorted by title (equal scores), then by insertion (the documents' ids)."""
    order = {name: rank for rank, (name, *_rest) in enumerate(CLASSES)}
    matching = [(order[name], doc.title.lower(), i, doc.key) for i, (name, doc) in enumerate(docs) if name != "none"]
    return [key for *_sort, key in sorted(matching)]


def expected_facets(docs) -> dict[str, dict[str, int]]:
    counts: dict[str, Counter] = {}
    for name, doc in docs:
        if name == "none":
            continue
        for tag in doc.tags():
            facet, _, value = tag.partition(":")
            if facet in FACETS:
                counts.setdefault(facet, Counter())[value] += 1
    return {facet: dict(values) for facet, values in counts.items()}


def test_over_three_thousand_matches_total_facets_and_pages_are_exact(many):
    backend = DatabaseBackend()
    ranking = expected_ranking(many)
    assert len(ranking) > 3000
    first = backend.query(parse(WORD), Filters(), limit=20)
    assert first.total == len(ranking)
    assert first.facets == expected_facets(many)
    assert "area" not in first.facets  # a filter, not a facet
    assert [hit.key for hit in first.hits] == ranking[:20]
    scores = [hit.score for hit in first.hits]
    assert scores == sorted(scores, reverse=True)
    # A page far down (the lowest class, ties broken by title), and a page across two classes.
    for offset in (3100, 110):
        page = backend.query(parse(WORD), Filters(), offset=offset, limit=20, facets=False)
        assert [hit.key for hit in page.hits] == ranking[offset:offset + 20], offset
        assert page.total == len(ranking)
    # Filters count within the matches.
    result = backend.query(parse(WORD), Filters(themes=("sante",), kinds=("organisation",)), limit=5)
    matching = [doc for name, doc in many if name != "none" and doc.kind == "organisation" and "sante" in doc.themes]
    assert result.total == len(matching)
    assert result.facets["kind"] == {"organisation": len(matching)}
    assert result.facets["theme"] == {"sante": len(matching)}


def test_one_statement_per_search_whatever_the_number_of_matches(many):
    backend = DatabaseBackend()
    cases = {
        "one match": (parse(f"{WORD} {next(doc.title for name, doc in many if name == 'A').split()[1]}"), Filters()),
        "thousands of matches": (parse(WORD), Filters()),
        "thousands, with filters": (parse(WORD), Filters(themes=("sante",), publics=("jeunes",), area=("62",))),
        "no text, a filter": (parse(""), Filters(types=("caf",))),
    }
    backend.query(parse(WORD), Filters())  # the facet bitmaps are read once after the index changes
    for name, (parsed, filters) in cases.items():
        with CaptureQueriesContext(connection) as captured:
            result = backend.query(parsed, filters, limit=60, facets=True)
        assert result.total, name
        assert len(captured) == 1, (name, [q["sql"][:120] for q in captured])


@pytest.mark.skipif(not ON_POSTGRESQL, reason="PostgreSQL's planner settings (the second pass)")
def test_the_search_statements_planner_cost_does_not_outlive_it(many):
    """The statement prices its text matches for itself (SET LOCAL in its own message): inside a longer
    transaction (here the test's), the next statement plans with the session's settings again."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW cpu_operator_cost")
        before = cursor.fetchone()[0]
        result = DatabaseBackend().query(parse(WORD), Filters(), limit=20, facets=True)
        cursor.execute("SHOW cpu_operator_cost")
        assert cursor.fetchone()[0] == before
    assert result.total == sum(count for name, _kind, _in_title, count in CLASSES if name != "none")


def _doc(i, theme, commune):
    return SearchDoc(key=f"service:{i}", kind="service", object_id=i, title=f"{WORD.capitalize()} nouveau {i}",
                     url=f"/x/{i}/", themes=[theme], commune_code=commune, commune_name="Ailleurs")


def test_facet_counts_follow_every_change_of_the_index(many):
    """Counts come from bitmaps kept in the process: after an addition, a re-indexing, a deletion, a write
    rolled back (its ids given again to other documents) and a rebuild, they are still the documents' own."""
    from django.db import transaction

    backend = DatabaseBackend()
    docs = [doc for name, doc in many if name != "none"]

    def facets():
        return backend.query(parse(WORD), Filters(), limit=5).facets

    def expected():
        return expected_facets([("x", doc) for doc in docs])

    assert facets() == expected()
    added = [_doc(90_001, "numerique", "99001"), _doc(90_002, "numerique", "99002")]
    backend.index(added)
    docs += added
    with CaptureQueriesContext(connection) as captured:
        assert facets() == expected()
    assert facets()["theme"]["numerique"] == 2
    # The search, a look at the last document the bitmaps had, then the new documents' tags only.
    assert len(captured) == 3 and "document_id > 0" not in captured[2]["sql"], [q["sql"] for q in captured]

    moved = _doc(90_001, "mobilite", "99001")
    backend.index([moved])  # re-indexed: a new row, the old one gone
    docs[docs.index(added[0])] = moved
    assert facets() == expected()
    backend.delete([added[1].key])
    docs.remove(added[1])
    assert facets() == expected() and "numerique" not in facets()["theme"]

    class Undone(Exception):
        pass

    with pytest.raises(Undone), transaction.atomic():
        backend.index([_doc(90_003, "sport", "99003")])
        assert facets()["theme"]["sport"] == 1  # seen inside the transaction…
        raise Undone
    # On SQLite the rolled-back row's id is given again, here to the first of two new documents: the bitmaps
    # must not keep its bits, though the last document is past the one they knew.
    replaced = [_doc(90_004, "culture", "99004"), _doc(90_005, "culture", "99005")]
    backend.index(replaced)
    docs += replaced
    assert facets() == expected()
    assert "sport" not in facets()["theme"] and facets()["theme"]["culture"] == 2

    backend.rebuild(docs[:100])
    assert facets() == expected_facets([("x", doc) for doc in docs[:100]])
