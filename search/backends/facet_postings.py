"""Facet counts of the database backend: each facet value's documents kept in this process as a bitmap.

Counting facets in SQL joins every match to its tags: at national scale the 78,000 matches of « logement »,
six facet tags each, cost more to count than the full-text ranking itself. Here each facet tag
('theme:sante') keeps the ids of its documents as a compressed bitmap (pyroaring, the structure search
engines count facets with); a search reads its matches' ids in the same statement as its page, and a facet
value's count is the size of an intersection.

The bitmaps follow the index by its last document (id and write time), which the search statement also
reads. A document only ever gets a new id (AUTOINCREMENT on SQLite, a sequence on PostgreSQL, and writers
take IndexVersion's row before inserting, so ids are given in commit order): a later last document means
rows past the one kept, whose tags are read from the (document, facet, tag) index alone. A document removed
keeps its bits but never matches again: once more documents were added than were read whole, every bitmap is
read again, as when the last document kept is gone or was written again (a rebuild, a transaction rolled back
in the tests).
"""

import threading

from django.db import connection
from pyroaring import BitMap

State = tuple[int, str]  # the index's last document: id, write time (as text)
_WRITTEN = "CAST(updated_at AS TEXT)"
# What a search statement reads beside its page, for ``counts``: the index's last document.
LAST_ID_SQL = "SELECT id FROM search_searchdocument ORDER BY id DESC LIMIT 1"
LAST_WRITTEN_SQL = f"SELECT {_WRITTEN} FROM search_searchdocument ORDER BY id DESC LIMIT 1"  # noqa: S608


def id_list_sql(column: str) -> str:
    """The vendor's aggregate of ids as one comma-separated text, as ``counts`` and the bitmaps' reading take it."""
    return f"group_concat({column})" if connection.vendor == "sqlite" else f"string_agg({column}::text, ',')"


class FacetPostings:
    def __init__(self):
        self._lock = threading.Lock()
        # (state, bitmaps, documents read whole, documents added since): replaced at once, never changed in
        # place, so a reader needs no lock.
        self._kept: tuple[State | None, dict[tuple[str, str], BitMap], int, int] = (None, {}, 0, 0)

    def counts(self, match_ids: str, state: State) -> dict[str, dict[str, int]]:
        """{facet: {value: count}} of the matches (their ids comma-separated), the index being at ``state``."""
        if not match_ids:
            return {}
        bitmaps = self._bitmaps(state)
        matches = BitMap(map(int, match_ids.split(",")))
        out: dict[str, dict[str, int]] = {}
        for (facet, value), documents in bitmaps.items():
            if count := matches.intersection_cardinality(documents):
                out.setdefault(facet, {})[value] = count
        return out

    def _bitmaps(self, state: State) -> dict[tuple[str, str], BitMap]:
        if self._kept[0] == state:
            return self._kept[1]
        with self._lock:
            kept, bitmaps, whole, added = self._kept
            if kept == state:
                return bitmaps
            if kept and kept[0] < state[0] and added <= whole and self._unchanged(kept):
                bitmaps = dict(bitmaps)
                new = _read(after=kept[0], up_to=state[0])
                for tag, documents in new.items():
                    bitmaps[tag] = bitmaps[tag] | documents if tag in bitmaps else documents
                added += _documents(new)
            else:
                bitmaps = _read(after=0, up_to=state[0])
                whole, added = _documents(bitmaps), 0
            self._kept = (state, bitmaps, whole, added)
            return bitmaps

    @staticmethod
    def _unchanged(kept: State) -> bool:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {_WRITTEN} FROM search_searchdocument WHERE id = %s", [kept[0]])  # noqa: S608
            row = cursor.fetchone()
        return row is not None and row[0] == kept[1]


def _documents(bitmaps: dict[tuple[str, str], BitMap]) -> int:
    """How many documents the bitmaps hold: each has exactly one 'kind:' tag (SearchDoc.tags)."""
    return sum(len(documents) for (facet, _value), documents in bitmaps.items() if facet == "kind")


def _read(*, after: int, up_to: int) -> dict[tuple[str, str], BitMap]:
    """{(facet, value): documents} of the documents whose id is in (after, up_to]."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT tag, {id_list_sql('document_id')} FROM search_searchtag"  # noqa: S608
                       " WHERE document_id > %s AND document_id <= %s AND facet > '' GROUP BY tag", [after, up_to])
        return {tuple(tag.split(":", 1)): BitMap(map(int, documents.split(",")))
                for tag, documents in cursor.fetchall()}


POSTINGS = FacetPostings()
