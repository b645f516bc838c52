"""One vocabulary for every backend: tokenising, stop words, acronyms and synonyms, a light French stemmer.

Elasticsearch's ``synonym`` filters are not available everywhere (the test emulator ignores them) and SQLite
has no French stemmer, so what a visitor types is understood here, in Python, once: both backends receive the
same groups of plain words. The acronyms and synonyms are not written here: the apps declare them to
``search.registry`` (the guide's editable glossary), and they are compiled again whenever they change.
Nothing the visitor types is ever passed on as query syntax: a token is made of letters and digits only.
"""

import functools
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from search import registry

# Dropped before matching: French function words and what people type around their need ("j'ai pas de…").
STOP_WORDS = frozenset("""
a à ai aie as au aux avec avoir c ça ca ce ces cet cette chez comment d dans de des du elle en es est et etre
être il ils j je jai l la le les leur lui m ma me mes moi mon n ne ni nous o on ou où par pas peu plus pour qu que
quel quelle quels quelles qui quoi s sa sans se ses si son sont suis sur svp stp t ta te tes toi ton tres très tu
un une vers veux voudrais vous y cherche chercher trouver besoin faire fait aide aider
""".split())

MAX_QUERY_CHARS = 200
MAX_TERMS = 12
_WORD = re.compile(r"[^\W_]+")  # letters and digits of every script: Arabic, Dari, Pashto, Tigrinya too
_AGE = re.compile(r"\b(1[4-9]|2[0-9]|30)\s*ans?\b")


def fold(text: str) -> str:
    """Lower case without accents or ligatures: 'Santé Œuvre' → 'sante oeuvre'."""
    text = (text or "").lower()
    if text.isascii():  # nothing to decompose (a typed query, a code, many names)
        return text
    decomposed = unicodedata.normalize("NFKD", text.replace("œ", "oe").replace("æ", "ae"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def words(text: str) -> list[str]:
    """Folded words, apostrophes and punctuation as separators ("l'Arrageois" → ['l', 'arrageois'])."""
    return _WORD.findall(fold(text))


def stem(word: str) -> str:
    """A light French stemmer (plural and a few endings): enough to match 'logements' with 'logement'."""
    if word.isdigit() or len(word) <= 3:
        return word
    if word.endswith("aux") and len(word) > 5:
        return word[:-3] + "al"
    if word.endswith(("s", "x")) and not word.endswith("ss"):
        word = word[:-1]
    if word.endswith("e") and len(word) > 4 and not word.endswith("ee"):
        word = word[:-1]
    return word


def content_words(text: str) -> list[str]:
    return [w for w in words(text) if w not in STOP_WORDS]


def index_text(text: str) -> str:
    """What the SQLite full-text index stores: folded, stop words dropped, lightly stemmed."""
    return " ".join(stem(w) for w in content_words(text))


def _phrase_key(text: str) -> tuple[str, ...]:
    return tuple(w for w in words(text) if w not in STOP_WORDS)


def _stemmed(key: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(stem(w) for w in key)


@dataclass(frozen=True)
class Synonyms:
    """Synonym groups ready for matching: a group is its alternatives (tuples of words), the reference
    wording first; ``lookup`` maps each alternative, stemmed, to its group."""

    groups: tuple[tuple[tuple[str, ...], ...], ...] = ()
    lookup: dict[tuple[str, ...], int] = field(default_factory=dict)
    longest: int = 0


@functools.lru_cache(maxsize=4)
def _compile(groups: tuple[tuple[str, ...], ...]) -> Synonyms:
    """Compiled once per content of the glossary: an edited term gives new groups, hence a new entry here."""
    compiled: list[tuple[tuple[str, ...], ...]] = []
    lookup: dict[tuple[str, ...], int] = {}
    for group in groups:
        # Spellings that stem alike ("mission locale", "missions locales") are one alternative: the first.
        members: dict[tuple[str, ...], tuple[str, ...]] = {}
        for member in group:
            key = _phrase_key(member)
            if key:
                members.setdefault(_stemmed(key), key)
        if len(members) < 2:
            continue
        for stemmed in members:
            lookup.setdefault(stemmed, len(compiled))
        compiled.append(tuple(members.values()))
    return Synonyms(tuple(compiled), lookup, max((len(key) for key in lookup), default=0))


def synonyms() -> Synonyms:
    """The acronyms and synonyms the apps declared (the guide's glossary), as of now."""
    return _compile(tuple(tuple(group) for group in registry.synonym_groups()))


@dataclass
class ParsedQuery:
    """The visitor's text understood: every group must match; a group matches if one alternative does.

    An alternative is a tuple of words that must all appear (``('mission', 'locale')``). ``age`` is set when
    the text says "18 ans". ``text`` is the cleaned text, for display.
    """

    text: str = ""
    groups: list[tuple[tuple[str, ...], ...]] = field(default_factory=list)
    age: int | None = None
    # The words the visitor typed, as stems (after correction): what they wrote weighs more than its
    # synonyms in the shared order of search.ranking ("alternance" before "formation").
    typed: frozenset[str] = frozenset()

    @property
    def is_empty(self) -> bool:
        return not self.groups

    def all_words(self) -> set[str]:
        """Every word of every alternative, for highlighting."""
        return {w for group in self.groups for alternative in group for w in alternative}


def clean_text(raw: str) -> str:
    """What is kept of the raw text: at most MAX_QUERY_CHARS printable characters, spaces collapsed."""
    raw = (raw or "")[: MAX_QUERY_CHARS * 4]
    printable = "".join(ch if ch.isprintable() else " " for ch in raw)
    return " ".join(printable.split())[:MAX_QUERY_CHARS]


def synonym_words() -> set[str]:
    """Every word of every synonym group: words search understands even when no document uses them."""
    return {w for group in synonyms().groups for alternative in group for w in alternative}


def parse(raw: str, correct: Callable[[str], str] | None = None) -> ParsedQuery:
    """Tokenise, read an age ("18 ans"), drop stop words, correct typos (``correct``: a word → the known word
    it was meant to be) and expand acronyms and synonyms."""
    text = clean_text(raw)
    folded = fold(text)
    age = None
    match = _AGE.search(folded)
    if match:
        age = int(match.group(1))
        folded = folded[: match.start()] + " " + folded[match.end():]
    tokens = [w for w in _WORD.findall(folded) if w not in STOP_WORDS]
    if correct is not None:
        tokens = [correct(w) for w in tokens]
    known = synonyms()
    groups: list[tuple[tuple[str, ...], ...]] = []
    i = 0
    while i < len(tokens) and len(groups) < MAX_TERMS:
        for size in range(min(known.longest, len(tokens) - i), 0, -1):
            key = _stemmed(tuple(tokens[i:i + size]))
            if key in known.lookup:
                groups.append(known.groups[known.lookup[key]])
                i += size
                break
        else:
            groups.append(((tokens[i],),))
            i += 1
    # The same group twice adds nothing ("ml mission locale").
    groups = list(dict.fromkeys(groups))
    return ParsedQuery(text=text, groups=groups, age=age, typed=frozenset(stem(w) for w in tokens))


def expansions_for(term: str) -> list[str]:
    """The equivalent wordings of one term, for documentation and tests."""
    known = synonyms()
    key = _stemmed(_phrase_key(term))
    if key not in known.lookup:
        return []
    return [" ".join(alt) for alt in known.groups[known.lookup[key]]]
