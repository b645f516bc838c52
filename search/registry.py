"""What the content apps declare to search. Search imports no app and names no class: each app's ``ready()``
registers here what it indexes, the labels of its facet values, how a typed place is understood and the
synonyms of its field, the way Wagtail's search lets apps declare their indexed models.

    # directory/apps.py
    registry.register_places(territories.place_finder)
    registry.register_facet("theme", vocabulary.theme_labels)
    registry.register_documents(directory_search.ORGANISATIONS, directory_search.SERVICES)
    # guide/apps.py
    registry.register_synonyms("glossary", glossary.synonym_groups)
    registry.register_documents(guide_search.GUIDE_PAGES)

Registration happens once per process (``AppConfig.ready``); registering the same name again replaces it,
so a test can swap a provider and put it back.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from django.utils.translation import gettext

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from search.documents import SearchDoc


# --- places ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Place:
    """A place a visitor named, as search needs it: the codes of what serves it, and where it is."""

    code: str
    name: str
    area: tuple[str, ...] = ()  # codes whose documents serve this place (itself, ancestors, descendants)
    latitude: float | None = None
    longitude: float | None = None


class PlaceFinder(Protocol):
    def by_text(self, text: str) -> Place | None:
        """The place of the territory filter: a code, a postal code or a name."""

    def commune(self, text: str) -> Place | None:
        """The commune of "près de": its INSEE code, its postal code or its name (accents optional)."""

    def at(self, latitude: float, longitude: float) -> Place | None:
        """The commune a point is in (the nearest commune centre, within a few km), for "autour de moi"."""


class _NoPlaces:
    def by_text(self, text: str) -> Place | None:
        return None

    def commune(self, text: str) -> Place | None:
        return None

    def at(self, latitude: float, longitude: float) -> Place | None:
        return None


_places: PlaceFinder = _NoPlaces()


def register_places(finder: PlaceFinder) -> None:
    global _places
    _places = finder


def places() -> PlaceFinder:
    """The registered finder; without one (search alone), no place is known and place filters are ignored."""
    return _places


# --- documents -------------------------------------------------------------------------------------------
_KIND = re.compile(r"[a-z][a-z0-9_-]{0,39}")


@dataclass(frozen=True)
class DocumentType:
    """One kind of search result and where it comes from. Its documents' keys are ``"<kind>:<pk>"``.

    ``queryset()`` gives the public rows to index (their primary keys are the documents' ids);
    ``build(row)`` turns one into a ``SearchDoc``, or None when it is not public; ``keys_for(instance)``
    says which documents a save of an instance of one of ``models`` touches (itself, its parent record…),
    and ``keys_deleted(instance)`` those its deletion touches (by default the same). Wagtail page types set
    ``pages``: they are indexed on publication, unpublication and view-restriction changes, not on every
    save (a draft is not public). ``m2m`` names many-to-many fields of ``models`` whose changes touch the
    instance's documents. ``boost`` multiplies the relevance of this kind at equal text match.
    """

    kind: str
    label: str
    models: tuple[type, ...]
    queryset: Callable[[], QuerySet]
    build: Callable[[Any], SearchDoc | None]
    keys_for: Callable[[Any], Iterable[str]]
    keys_deleted: Callable[[Any], Iterable[str]] | None = None
    pages: bool = False
    m2m: tuple[str, ...] = ()
    boost: float = 1.0
    index_name: str = ""  # the Elasticsearch index (behind an alias); by default the kind + "s"
    # Live, public details of hits computed at render time, never indexed (phone, address, open status):
    # ``details(object_ids) -> {object_id: {"phone": …, "address": …, "status": …}}``.
    details: Callable[[list[int]], Mapping[int, Mapping[str, str]]] | None = None

    def __post_init__(self):
        if not _KIND.fullmatch(self.kind):  # keys, tags and index names are built from it
            raise ValueError(f"search: invalid document kind {self.kind!r}")
        if not self.boost > 0:  # ranking multiplies scores by it, and bounds the page by the boosts
            raise ValueError(f"search: the boost of {self.kind!r} must be positive, not {self.boost!r}")

    def key(self, pk) -> str:
        return f"{self.kind}:{pk}"

    @property
    def index(self) -> str:
        return self.index_name or f"{self.kind}s"

    def removed_keys(self, instance) -> list[str]:
        return list((self.keys_deleted or self.keys_for)(instance))


_documents: dict[str, DocumentType] = {}


def register_documents(*types: DocumentType) -> None:
    """Declare what an app indexes; search connects its signal handlers for these models at once."""
    from search import indexing

    for document_type in types:
        _documents[document_type.kind] = document_type
        indexing.connect_document_type(document_type)
    _changed()


def document_types() -> list[DocumentType]:
    return list(_documents.values())


def document_type(kind: str) -> DocumentType | None:
    return _documents.get(kind)


def kind_labels() -> dict[str, str]:
    """kind → label of the registered document types ("organisation" → "Partenaire"), in the reader's language
    (the apps register French messages)."""
    return {kind: gettext(document_type.label) for kind, document_type in _documents.items()}


# --- facet vocabularies ----------------------------------------------------------------------------------
_facets: dict[str, Callable[[], Mapping[str, str]]] = {}
_listed: dict[str, Callable[[], Iterable[str]]] = {}
_generation = 0


def generation() -> int:
    """Changes whenever a document type or a facet vocabulary is registered: what a cached label map keys on."""
    return _generation


def _changed() -> None:
    global _generation
    _generation += 1


def register_facet(name: str, labels: Callable[[], Mapping[str, str]],
                   listed: Callable[[], Iterable[str]] | None = None) -> None:
    """``labels()`` gives code → label of a facet's values; only registered codes pass the public filters.
    ``listed()``, when given, are the only codes shown as the facet's values (the theme facet lists the
    categories, not their many sub-themes); every registered code still filters."""
    _facets[name] = labels
    _changed()
    if listed is None:
        _listed.pop(name, None)
    else:
        _listed[name] = listed


def facet_labels(name: str) -> dict[str, str]:
    provider = _facets.get(name)
    return dict(provider()) if provider is not None else {}


def facet_listed(name: str) -> set[str] | None:
    """The codes a facet lists, or None when it lists every registered code."""
    provider = _listed.get(name)
    return set(provider()) if provider is not None else None


# --- where to browse ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Link:
    title: str
    url: str


_browse: dict[str, Callable[[], Iterable[Link]]] = {}


def register_browse(name: str, links: Callable[[], Iterable[Link]]) -> None:
    """Pages a visitor can browse instead when a search finds nothing ("themes": the guide's themes)."""
    _browse[name] = links


def browse_links(name: str) -> list[Link]:
    provider = _browse.get(name)
    return list(provider()) if provider is not None else []


# --- synonyms --------------------------------------------------------------------------------------------
_synonyms: dict[str, Callable[[], Iterable[tuple[str, ...]]]] = {}


def register_synonyms(name: str, groups: Callable[[], Iterable[tuple[str, ...]]]) -> None:
    """``groups()`` gives groups of equivalent terms (an acronym and its spelled-out forms)."""
    _synonyms[name] = groups


def synonym_groups() -> list[tuple[str, ...]]:
    out: list[tuple[str, ...]] = []
    for provider in _synonyms.values():
        out.extend(tuple(group) for group in provider() if len(group) > 1)
    return out
