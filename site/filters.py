"""One validation place for the scalar filters of the public pages (/annuaire/, /recherche/, /api/recherche).

Query strings are typed by anyone: ``age=²`` (``"²".isdigit()`` is True but ``int("²")`` fails),
``page=99999999999999999999``, ``lat=nan``, a NUL byte that PostgreSQL refuses in a text literal, the same
key twice. A Django form reads them all the same way: a value it refuses is reported by name and the caller
ignores that filter with its own French message; nothing else of the request fails.
"""

from __future__ import annotations

from django import forms
from django.http import QueryDict

TEXT_FIELDS = ("q", "territoire", "pres_de", "tri", "vue")


class PublicFilterForm(forms.Form):
    """Types and bounds only; what a value means (a known territory, a radius on offer) is the caller's rule."""

    # CharField refuses NUL bytes (ProhibitNullCharactersValidator) before any query reaches the database.
    q = forms.CharField(required=False)
    territoire = forms.CharField(required=False)
    pres_de = forms.CharField(required=False)
    tri = forms.CharField(required=False)
    vue = forms.CharField(required=False)
    age = forms.IntegerField(required=False, min_value=1, max_value=119)
    page = forms.IntegerField(required=False, min_value=1, max_value=9_999)
    rayon = forms.IntegerField(required=False, min_value=1, max_value=1_000)
    lat = forms.FloatField(required=False, min_value=-90, max_value=90)  # FloatField refuses nan and inf
    lon = forms.FloatField(required=False, min_value=-180, max_value=180)


def read_filters(query: QueryDict | dict) -> tuple[dict, set[str]]:
    """(valid values of the filters present in ``query``, names of the filters refused).

    A key sent twice counts by its last value, as ``QueryDict.get`` reads it; decimals may use a comma.
    """
    data = {}
    for name in PublicFilterForm.base_fields:
        value = query.get(name)
        if isinstance(value, list | tuple):
            value = value[-1] if value else None
        if value is None or str(value).strip() == "":
            continue
        value = str(value)
        data[name] = value.replace(",", ".") if name in ("lat", "lon") else value
    form = PublicFilterForm(data)
    form.is_valid()
    values = {name: value for name, value in form.cleaned_data.items() if name in data}
    return values, set(form.errors)


MAX_ID = 2**63 - 1  # the largest primary key a database column holds (SQLite overflows past it)


def object_id(value) -> int | None:
    """A primary key read from a query string or a post (``"12"`` → 12); None for anything else (``"²"``,
    ``"99999999999999999999"``, a NUL byte), so that a lookup never reaches the database with it."""
    try:
        return forms.IntegerField(min_value=1, max_value=MAX_ID).clean(value)
    except forms.ValidationError:
        return None
