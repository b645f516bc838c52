"""Suggestions made to the visitor: "did you mean" (the closest indexed words) for a query that found
nothing or had to be relaxed. Autocomplete is asked of the backend (search.api.autocomplete)."""

import difflib
from collections import Counter

from django.core.cache import cache
from django.db.models import Max

from search.models import SearchDocument
from search.vocabulary import ParsedQuery, words


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
