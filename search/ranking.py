"""The one relevance order of the first results, whatever the backend.

SQLite's bm25, PostgreSQL's ts_rank and Elasticsearch's BM25 agree on which documents match (the same words
reach them, see search.vocabulary) but not on their order: each weighs term frequency, rarity and length its
own way, so "logement" listed its first results differently on each. The backends still find and pre-rank the
matches; the first ``WINDOW`` of them are then put in this one order, computed here from the database index
(always written, whatever the backend), so that a visitor sees the same first results on every deployment and
the relevance suite means the same thing everywhere.

The order, per document: each group of the query (a concept and its synonyms) scores where it is found, in the
title (``TITLE``), the themes and places (``THEMES``) or the text (``TEXT`` × a saturating share of its
occurrences); the sum is multiplied by the kind's boost (a partner's own record above its services) and by
1 + ``TITLE_BONUS`` × the share of the groups found in the title. What the visitor typed weighs more than its
synonyms. Ties go to the title made mostly of the query's words, then to alphabetical order: never to chance.
A title repeated (the same service of eight partners) counts less at each repetition, so that the first page
shows different answers.
"""

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models.functions import Substr

from search import registry
from search.backends.base import RawHit
from search.models import SearchDocument
from search.vocabulary import ParsedQuery, fold, stem

# Results re-ordered here: the first three pages of 20. Past them, the backend's own order goes on (the
# documents it ranked after the window are the same whichever order the window is in).
WINDOW = 60
TITLE, THEMES, TEXT = 10.0, 3.0, 1.0
TITLE_BONUS = 1.0
# A synonym found counts half of what the visitor typed; the group's other wordings found add a quarter.
SYNONYM = 0.5
OTHERS = 0.25
# The text is read up to here (a long article's first screens say what it is about; the rest costs time).
TEXT_READ = 3000
# The text's share saturates: 1 occurrence gives 0.4 of TEXT, 3 give 0.67, 10 give 0.87.
SATURATION = 1.5


@dataclass(frozen=True)
class _Fields:
    title: list[str]
    title_set: set[str]
    themes: list[str]
    themes_set: set[str]
    text: Counter

    def weight(self, word: str) -> float:
        if word in self.title_set:
            return TITLE
        if word in self.themes_set:
            return THEMES
        occurrences = self.text.get(word, 0)
        return TEXT * occurrences / (occurrences + SATURATION)


def _alternatives(parsed: ParsedQuery) -> list[list[tuple[tuple[str, ...], float]]]:
    """Each group's alternatives as stems, with their weight (typed or synonym)."""
    out = []
    for group in parsed.groups:
        alternatives = []
        for alternative in group:
            stems = tuple(stem(w) for w in alternative)
            typed = not parsed.typed or all(w in parsed.typed for w in stems)
            alternatives.append((stems, 1.0 if typed else SYNONYM))
        out.append(alternatives)
    return out


def _density(words: list[str], found: set[str]) -> float:
    return sum(w in found for w in words) / len(words) if words else 0.0


def score(groups, boost: float, fields: _Fields) -> tuple[float, float, float]:
    """(score, share of the title made of the query's words, the same share of the themes)."""
    total, in_title, found = 0.0, 0, set()
    for alternatives in groups:
        scores, whole_in_title = [], False
        for stems, weight in alternatives:
            matched = [w for w in stems if w in fields.title_set or w in fields.themes_set or w in fields.text]
            found.update(matched)
            # Part of a wording ("santé" of "santé mentale") counts by the share found, twice over.
            share = len(matched) / len(stems)
            scores.append(weight * share * sum(fields.weight(w) for w in stems) / len(stems))
            whole_in_title = whole_in_title or all(w in fields.title_set for w in stems)
        scores.sort(reverse=True)
        total += scores[0] + OTHERS * sum(scores[1:])
        in_title += whole_in_title
    value = total * boost * (1 + TITLE_BONUS * in_title / max(1, len(groups)))
    return value, _density(fields.title, found), _density(fields.themes, found)


def reorder(parsed: ParsedQuery, hits: Sequence[RawHit]) -> list[RawHit]:
    """The first ``WINDOW`` hits in the shared order, the rest after them as the backend gave them."""
    head, tail = list(hits[:WINDOW]), list(hits[WINDOW:])
    if parsed.is_empty or len(head) < 2:
        return head + tail
    documents = SearchDocument.objects.filter(key__in=[h.key for h in head]).annotate(
        text_start=Substr("text_c", 1, TEXT_READ))
    rows = {key: rest for key, *rest in documents.values_list("key", "kind", "title", "text_a", "text_b",
                                                               "text_start")}
    groups = _alternatives(parsed)
    boosts = {t.kind: float(t.boost) for t in registry.document_types()}
    keyed = []
    for position, hit in enumerate(head):
        row = rows.get(hit.key)
        if row is None:  # in Elasticsearch, not yet in the database: after the others, as the backend had it
            keyed.append(((1, position), hit))
            continue
        kind, title, text_a, text_b, text_c = row
        title_words, theme_words = text_a.split(), text_b.split()
        fields = _Fields(title_words, set(title_words), theme_words, set(theme_words), Counter(text_c.split()))
        value, title_density, themes_density = score(groups, boosts.get(kind, 1.0), fields)
        keyed.append(((0, -round(value, 6), -round(title_density, 6), -round(themes_density, 6), fold(title),
                       hit.key), hit))
    keyed.sort(key=lambda pair: pair[0])
    return _diversified(keyed) + tail


def _diversified(keyed: list[tuple[tuple, RawHit]]) -> list[RawHit]:
    """The sorted window with each repeated title's score divided by 1 + its repetitions so far: eight
    "Accompagnement des jeunes majeurs (CJM)" of eight MDS do not hide the article on the contrat jeune
    majeur. Documents missing from the database (first key element 1) stay last."""
    pending = [(key, hit) for key, hit in keyed if key[0] == 0]
    out, seen = [], Counter()
    while pending:
        best = min(range(len(pending)), key=lambda i: (
            pending[i][0][1] / (1 + seen[pending[i][0][4]]), *pending[i][0][2:]))
        key, hit = pending.pop(best)
        seen[key[4]] += 1
        out.append(hit)
    return out + [hit for key, hit in keyed if key[0] == 1]
