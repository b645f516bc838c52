"""What the content apps declare to search. Search imports no app and names no class: each app's ``ready()``
registers here what it indexes, the labels of its facet values, how a typed place is understood and the
synonyms of its field, the way Wagtail's search lets apps declare their indexed models.

    # directory/apps.py
    registry.register_places(territories.place_finder)
    registry.register_facet("theme", vocabulary.theme_labels)
    # guide/apps.py
    registry.register_synonyms("glossary", glossary.synonym_groups)

Registration happens once per process (``AppConfig.ready``); registering the same name again replaces it,
so a test can swap a provider and put it back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Protocol


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


class _NoPlaces:
    def by_text(self, text: str) -> Place | None:
        return None

    def commune(self, text: str) -> Place | None:
        return None


_places: PlaceFinder = _NoPlaces()


def register_places(finder: PlaceFinder) -> None:
    global _places
    _places = finder


def places() -> PlaceFinder:
    """The registered finder; without one (search alone), no place is known and place filters are ignored."""
    return _places


# --- facet vocabularies ----------------------------------------------------------------------------------
_facets: dict[str, Callable[[], Mapping[str, str]]] = {}


def register_facet(name: str, labels: Callable[[], Mapping[str, str]]) -> None:
    """``labels()`` gives code → label of a facet's values; only registered codes pass the public filters."""
    _facets[name] = labels


def facet_labels(name: str) -> dict[str, str]:
    provider = _facets.get(name)
    return dict(provider()) if provider is not None else {}


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
