"""One validation place for the public filters of /annuaire/, /recherche/ and /api/recherche: one form, the
same bounds and the same French notes on every page.

Query strings are typed by anyone: ``age=²`` (``"²".isdigit()`` is True but ``int("²")`` fails),
``page=99999999999999999999``, ``lat=nan``, a NUL byte that PostgreSQL refuses in a text literal, the same
key twice. A Django form reads them all the same way: a value it refuses is reported by name, with its
French note, and the caller ignores that filter; nothing else of the request fails.

Vocabulary filters (themes, publics, types…) are checked against the codes their caller passes, so this
module imports no app:

    read_filters(request.GET, codes={"theme": ("theme", vocabulary.theme_labels()), ...})
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext, gettext_noop

TEXT_FIELDS = ("q", "territoire", "pres_de", "tri", "vue")
# Age bounds of every public page. 1–99, the stricter of the two the pages used to have (/annuaire/ took up to
# 119): the people served are 16–25 and no service's age range comes near 99, so nothing a visitor means is
# refused, while a three-digit typo ("180" for 18) is said instead of silently emptying the list.
AGE_MIN, AGE_MAX = 1, 99
MAX_VALUES = 20  # values kept per vocabulary filter (theme=…&theme=…)

NOTES = {
    "q": gettext_noop("Texte de recherche illisible (caractère nul) : il est ignoré."),
    "territoire": gettext_noop("Territoire inconnu : ce filtre est ignoré."),
    "age": gettext_noop("L'âge doit être un nombre entre %(min)s et %(max)s : ce filtre est ignoré."),
    "pres_de": gettext_noop("Commune inconnue ou sans coordonnées : la recherche à proximité est ignorée."),
    "position": gettext_noop("Position invalide : la recherche autour de vous est ignorée."),
    "sort": gettext_noop("Tri inconnu : les résultats sont triés par pertinence."),
    # vocabulary concepts: a caller names the concept of each code filter
    "theme": gettext_noop("Thème inconnu : ce filtre est ignoré."),
    "public": gettext_noop("Public inconnu : ce filtre est ignoré."),
    "structure": gettext_noop("Type de structure inconnu : ce filtre est ignoré."),
    "kind": gettext_noop("Type de contenu inconnu : ce filtre est ignoré."),
}
# The note of each refused scalar filter; the others (page, tri, vue, rayon) fall back to a default quietly
# or are the caller's to explain.
FIELD_NOTES = {"q": "q", "territoire": "territoire", "age": "age", "pres_de": "pres_de", "lat": "position",
               "lon": "position"}


def note(name: str) -> str:
    """The French note of a refused filter, by concept (``NOTES``): the same text on every page."""
    return gettext(NOTES[name]) % {"min": AGE_MIN, "max": AGE_MAX}


class PublicFilterForm(forms.Form):
    """Types and bounds only; what a value means (a known territory, a radius on offer) is the caller's rule."""

    # CharField refuses NUL bytes (ProhibitNullCharactersValidator) before any query reaches the database.
    q = forms.CharField(required=False)
    territoire = forms.CharField(required=False)
    pres_de = forms.CharField(required=False)
    tri = forms.CharField(required=False)
    vue = forms.CharField(required=False)
    age = forms.IntegerField(required=False, min_value=AGE_MIN, max_value=AGE_MAX)
    page = forms.IntegerField(required=False, min_value=1, max_value=9_999)
    rayon = forms.IntegerField(required=False, min_value=1, max_value=1_000)
    lat = forms.FloatField(required=False, min_value=-90, max_value=90)  # FloatField refuses nan and inf
    lon = forms.FloatField(required=False, min_value=-180, max_value=180)


@dataclass
class PublicFilters:
    """What ``read_filters`` understood: the valid values of the filters present, and what it refused."""

    values: dict = field(default_factory=dict)
    # filter name → the values refused, as typed (NUL bytes removed, 100 characters at most), for display
    refused: dict[str, list[str]] = field(default_factory=dict)
    concepts: dict[str, str] = field(default_factory=dict)  # code filter name → its concept in NOTES

    def note_of(self, name: str) -> str:
        """The French note of filter ``name`` ("" for a filter whose caller explains it: page, tri, rayon…)."""
        concept = FIELD_NOTES.get(name) or self.concepts.get(name)
        return note(concept) if concept else ""

    def notes(self) -> list[str]:
        """The French note of each refused filter, once each, in the order of the filters."""
        return list(dict.fromkeys(text for text in map(self.note_of, self.refused) if text))


def _raw(query: QueryDict | Mapping, name: str) -> list[str]:
    if hasattr(query, "getlist"):
        raw = query.getlist(name)
    else:
        value = query.get(name)
        raw = list(value) if isinstance(value, list | tuple) else [value] if value is not None else []
    return [str(value).strip() for value in raw if value is not None and str(value).strip()]


def _shown(value: str) -> str:
    return value.replace("\x00", "")[:100]


def read_filters(query: QueryDict | Mapping, codes: Mapping[str, tuple[str, Collection[str]]] | None = None
                 ) -> PublicFilters:
    """Validate the public filters present in ``query``.

    ``codes`` maps a multi-valued filter to (its concept in ``NOTES``, the codes allowed), given by the caller;
    its valid codes come back as a tuple, without repeats, at most MAX_VALUES of them. A scalar key sent twice
    counts by its last value, as ``QueryDict.get`` reads it; decimals may use a comma.
    """
    result = PublicFilters(concepts={name: concept for name, (concept, _allowed) in (codes or {}).items()})
    data = {}
    for name in PublicFilterForm.base_fields:
        values = _raw(query, name)
        if values:
            data[name] = values[-1].replace(",", ".") if name in ("lat", "lon") else values[-1]
    form = PublicFilterForm(data)
    form.is_valid()
    result.values = {name: value for name, value in form.cleaned_data.items() if name in data}
    for name in PublicFilterForm.base_fields:
        if name in form.errors:
            result.refused[name] = [_shown(data[name])]
    for name, (_concept, allowed) in (codes or {}).items():
        values = _raw(query, name)[:MAX_VALUES]
        if not values:
            continue
        result.values[name] = tuple(dict.fromkeys(value for value in values if value in allowed))
        bad = [_shown(value) for value in values if value not in allowed]
        if bad:
            result.refused[name] = list(dict.fromkeys(bad))
    return result


MAX_ID = 2**63 - 1  # the largest primary key a database column holds (SQLite overflows past it)


def object_id(value) -> int | None:
    """A primary key read from a query string or a post (``"12"`` → 12); None for anything else (``"²"``,
    ``"99999999999999999999"``, a NUL byte), so that a lookup never reaches the database with it."""
    try:
        return forms.IntegerField(min_value=1, max_value=MAX_ID).clean(value)
    except forms.ValidationError:
        return None
