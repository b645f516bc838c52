"""Explaining the words of the field in place: the first use of a glossary term in an article becomes a
footnote-style link to its definition at the end of the article (a real link: keyboard, screen readers,
print and no-JS all work; nothing shows on hover only).

The glossary is read with one query, then kept in the cache until a term changes (signals below); the
matching regex is compiled once per glossary version. The same terms are search's acronyms and synonyms
(``synonym_groups``); a term without an explanation only serves search.
"""

import functools
import hashlib
import html
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils.safestring import mark_safe

# The product's glossary: the acronyms and everyday words search must understand from the first start.
DATA_FILE = Path(__file__).resolve().parent / "data" / "glossary.toml"
CACHE_KEY = "guide:glossary:v2"
CACHE_SECONDS = 24 * 3600
# Text inside these elements is never marked: links (no nested links), headings, disclosure summaries,
# form controls, and terms already marked.
SKIP_TAGS = {"a", "h1", "h2", "h3", "h4", "h5", "h6", "summary", "button", "label", "option", "textarea",
             "script", "style", "abbr", "dfn", "code", "pre", "title"}
TAG_RE = re.compile(r"(<[^>]*>)")
TAG_NAME_RE = re.compile(r"^<\s*(/?)\s*([a-zA-Z0-9]+)")
VOID_TAGS = {"br", "img", "hr", "input", "meta", "link", "source", "wbr", "col", "area", "track", "embed"}


@dataclass(frozen=True)
class Entry:
    term: str
    expansion: str
    definition: str
    slug: str
    spellings: tuple[str, ...]
    search_words: tuple[str, ...] = ()


def _all_entries() -> tuple[Entry, ...]:
    """Every term, explained or not, read once and kept in the cache until a term changes."""
    entries = cache.get(CACHE_KEY)
    if entries is None:
        from guide.models import GlossaryTerm

        entries = tuple(Entry(t.term, t.expansion, t.definition, t.slug, tuple(t.spellings()),
                              tuple(t.search_words()))
                        for t in GlossaryTerm.objects.order_by("term"))
        cache.set(CACHE_KEY, entries, CACHE_SECONDS)
    return entries


def glossary_entries() -> tuple[Entry, ...]:
    """The terms shown to readers (glossary page, articles): those with an explanation."""
    return tuple(entry for entry in _all_entries() if entry.definition)


def glossary_digest(entries: tuple[Entry, ...]) -> str:
    """The same for the same terms in every process (Python's ``hash`` of strings differs between processes):
    what a page kept in a shared cache is checked against."""
    return hashlib.sha256(repr(entries).encode()).hexdigest()


def synonym_groups() -> list[tuple[str, ...]]:
    """What search understands as one need: each term with its spelled-out form, its other spellings and the
    words people type for it, the spelled-out form first (search's reference wording). Registered with
    search in guide/apps.py; it follows the glossary's cache, so an edited term counts at once."""
    groups = []
    for entry in _all_entries():
        members = [entry.expansion, *entry.spellings, *entry.search_words]
        group = tuple(dict.fromkeys(member for member in members if member))
        if len(group) > 1:
            groups.append(group)
    return groups


def product_terms() -> list[dict]:
    """The glossary shipped with the product (guide/data/glossary.toml) as GlossaryTerm fields."""
    with DATA_FILE.open("rb") as file:
        terms = tomllib.load(file)["terms"]
    return [{"term": term["term"], "expansion": term.get("expansion", ""), "definition": term["definition"],
             "variants": term.get("variants", ""), "search_terms": term.get("search_terms", ""), "slug": term["slug"]}
            for term in terms]


def add_missing_terms(model=None) -> int:
    """Create the product's terms whose slug (or word) is not there yet; never changes an existing term, so an
    editor's wording survives. ``model`` is the migration's historical model. Returns how many were created."""
    if model is None:
        from guide.models import GlossaryTerm as model
    existing = model.objects.values_list("slug", "term")
    slugs = {slug for slug, _term in existing}
    words = {term.casefold() for _slug, term in existing}
    created = 0
    for fields in product_terms():
        if fields["slug"] in slugs or fields["term"].casefold() in words:
            continue
        model.objects.create(**fields)
        created += 1
    if created:
        cache.delete(CACHE_KEY)
    return created


@receiver(post_save, sender="guide.GlossaryTerm")
@receiver(post_delete, sender="guide.GlossaryTerm")
def _forget_glossary(**_kwargs):
    cache.delete(CACHE_KEY)


def _is_acronym(spelling: str) -> bool:
    return spelling.isupper() and len(spelling) <= 8


@functools.lru_cache(maxsize=8)
def _matcher(entries: tuple[Entry, ...]):
    """One alternation over every spelling, longest first; acronyms are case-sensitive, words are not."""
    by_spelling: dict[str, Entry] = {}
    patterns = []
    for entry in entries:
        for spelling in entry.spellings:
            key = spelling if _is_acronym(spelling) else spelling.casefold()
            if key in by_spelling:
                continue
            by_spelling[key] = entry
            escaped = re.escape(html.escape(spelling, quote=False)).replace(r"\ ", r"\s+")
            patterns.append((len(spelling), escaped if _is_acronym(spelling) else f"(?i:{escaped})"))
    if not patterns:
        return None, by_spelling
    patterns.sort(key=lambda item: -item[0])
    regex = re.compile(r"(?<![\w&-])(?:" + "|".join(p for _n, p in patterns) + r")(?![\w-])")
    return regex, by_spelling


def _entry_for(match_text: str, by_spelling: dict[str, Entry]) -> Entry | None:
    text = re.sub(r"\s+", " ", html.unescape(match_text))
    return by_spelling.get(text) or by_spelling.get(text.casefold())


def mark_terms(rendered_html: str, entries: tuple[Entry, ...] | None = None, *, prefix: str = ""
               ) -> tuple[str, list[Entry]]:
    """Link the first use of each glossary term in ``rendered_html``; return the new HTML and the terms used.

    ``prefix`` keeps anchors unique when several articles share a document (the printable guide).
    """
    entries = glossary_entries() if entries is None else entries
    regex, by_spelling = _matcher(entries)
    if regex is None or not rendered_html:
        return rendered_html, []
    used: dict[str, Entry] = {}
    skip_depth = 0
    parts = TAG_RE.split(str(rendered_html))
    for index, part in enumerate(parts):
        if not part:
            continue
        if part.startswith("<"):
            tag = TAG_NAME_RE.match(part)
            if tag and tag.group(2).lower() in SKIP_TAGS and not part.endswith("/>"):
                skip_depth += -1 if tag.group(1) else 1
                skip_depth = max(skip_depth, 0)
            continue
        if skip_depth:
            continue

        def replace(match):
            entry = _entry_for(match.group(0), by_spelling)
            if entry is None or entry.slug in used:
                return match.group(0)
            used[entry.slug] = entry
            anchor = f"{prefix}{entry.slug}"
            word = match.group(0)
            if entry.expansion and _is_acronym(html.unescape(word)):
                word = f'<abbr title="{html.escape(entry.expansion)}">{word}</abbr>'
            return (f'<a class="term" id="ref-{anchor}" href="#mot-{anchor}" '
                    f'aria-describedby="mot-{anchor}-def">{word}</a>')

        parts[index] = regex.sub(replace, part)
    return mark_safe("".join(parts)), list(used.values())  # noqa: S308 - input is our own rendered HTML
