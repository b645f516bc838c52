"""Suggestions made to the visitor: typo correction before searching, "did you mean" (the closest indexed
words) for a query that found nothing or had to be relaxed. Autocomplete is asked of the backend
(search.api.autocomplete).

Typos are corrected here, once, against the vocabulary of the database index (always written, whatever the
backend) and the glossary's words: every backend then receives the same corrected words, so SQLite,
PostgreSQL and Elasticsearch give the same totals for "mision locale lens" (a fuzzy match inside each
engine would not: trigrams, Levenshtein automata and FTS5 each tolerate different typos)."""

import difflib
import functools

from django.core.cache import cache

from search.models import IndexVersion, SearchDocument
from search.vocabulary import STOP_WORDS, ParsedQuery, stem, synonym_words, words

# A word shorter than this is never corrected (acronyms: "psy", "cio", "aah", "115").
MIN_CORRECTED = 5
# difflib ratio: "mision" → "mission" 0.92, "apartement" → "appartement" 0.95, "logment" → "logement" 0.93.
CORRECTION_CUTOFF = 0.8


def _index_words() -> tuple[frozenset[str], frozenset[str]]:
    """(words "did you mean" may propose: titles and themes, longer than two letters; every word search can
    match: titles, themes and summaries), read in one pass and cached until the index changes."""
    # The index's version (bumped by every write of the database backend) and its last id (rows added by
    # other means): two primary-key reads, no aggregate over the documents.
    version, top = IndexVersion.state()
    cache_key = f"search:words:{version}:{top}"
    cached = cache.get(cache_key)
    if cached is None:
        proposable, known = set(), set()
        rows = SearchDocument.objects.values_list("title", "themes_text", "summary").iterator(chunk_size=2000)
        for title, themes, summary in rows:
            heading = [w for w in words(f"{title} {themes}") if not w.isdigit()]
            proposable.update(w for w in heading if len(w) > 2)
            known.update(heading)
            known.update(w for w in words(summary) if not w.isdigit())
        cached = (frozenset(proposable), frozenset(known))
        cache.set(cache_key, cached, 3600)
    return cached


def index_vocabulary() -> frozenset[str]:
    """Words of the titles and themes of the index: what "did you mean" may propose."""
    return _index_words()[0]


@functools.lru_cache(maxsize=4)
def _lookup(index_words: frozenset[str], glossary_words: frozenset[str]):
    """(known words, their stems, known words by length), computed once per vocabulary."""
    known = index_words | glossary_words
    by_length: dict[int, list[str]] = {}
    for word in sorted(known):
        by_length.setdefault(len(word), []).append(word)
    return known, frozenset(stem(w) for w in known), by_length


def corrector():
    """A function word → the known word it was most likely meant to be (itself when known or unsure).

    A bounded edit-distance pass: only words of 5 letters or more, against known words of similar length
    (± 2 letters), the best difflib ratio above CORRECTION_CUTOFF. The vocabulary is read on the first word
    that needs it: a query of short or digit-only words costs nothing."""
    lookup = None

    def correct(word: str) -> str:
        nonlocal lookup
        if len(word) < MIN_CORRECTED or word.isdigit() or word in STOP_WORDS:
            return word
        if lookup is None:
            lookup = _lookup(_index_words()[1], frozenset(synonym_words()))
        known, stems, by_length = lookup
        if word in known or stem(word) in stems:
            return word
        candidates = [w for n in range(len(word) - 2, len(word) + 3) for w in by_length.get(n, ())]
        close = difflib.get_close_matches(word, candidates, n=1, cutoff=CORRECTION_CUTOFF)
        return close[0] if close else word

    return correct


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
