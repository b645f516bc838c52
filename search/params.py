"""Reading the search parameters of /recherche/ and /api/recherche (the same for both).

A bad value never fails the request: it is ignored and reported with a French note, and the rest of the
search goes on. Types, bounds, vocabulary codes and the notes are relais.filters' (the one form of the public
filters, shared with /annuaire/); places are understood by the finder the directory registers.
"""

from dataclasses import dataclass, field

from django.http import QueryDict

from relais.filters import note, read_filters
from search import registry
from search.backends import Filters, Near
from search.documents import AREA_EVERYWHERE, KIND_LABELS
from search.vocabulary import clean_text

RADII_KM = (2, 5, 10, 20, 50, 100)
DEFAULT_RADIUS_KM = 20
SORT_PARAMS = {"pertinence": "relevance", "distance": "distance", "nom": "title"}


@dataclass
class SearchParams:
    text: str = ""
    filters: Filters = field(default_factory=Filters)
    page: int = 1
    errors: list[str] = field(default_factory=list)
    unreadable: bool = False  # a text parameter carried bytes no search can use (NUL)
    territory_name: str = ""
    territory_code: str = ""
    near_label: str = ""
    radius_km: int = DEFAULT_RADIUS_KM
    sort_param: str = "pertinence"


def parse_params(query: QueryDict) -> SearchParams:
    read = read_filters(query, codes={
        "type": ("kind", KIND_LABELS),
        "theme": ("theme", registry.facet_labels("theme")),
        "public": ("public", registry.facet_labels("public")),
        "typologie": ("structure", registry.facet_labels("type")),
    })
    values, refused = read.values, set(read.refused)
    params = SearchParams(text=clean_text(values.get("q", "")))
    errors = read.notes()
    area: tuple[str, ...] = ()
    code = values.get("territoire", "").strip()[:20]
    if code:
        place = registry.places().by_text(code)
        if place is None:
            errors.append(note("territoire"))
        else:
            area = tuple(dict.fromkeys((*place.area, AREA_EVERYWHERE)))  # guide articles serve everywhere
            params.territory_name, params.territory_code = place.name, place.code
    radius = DEFAULT_RADIUS_KM
    if "rayon" in refused or values.get("rayon", DEFAULT_RADIUS_KM) not in RADII_KM:
        errors.append(f"Rayon inconnu : la recherche utilise {DEFAULT_RADIUS_KM} km.")
    else:
        radius = values.get("rayon", DEFAULT_RADIUS_KM)
    params.radius_km = radius
    near = None
    near_text = values.get("pres_de", "").strip()[:80]
    if {"lat", "lon"} & (refused | set(values)):
        lat, lon = values.get("lat"), values.get("lon")
        if lat is None or lon is None:
            errors.append(note("position"))
        else:
            # The commune the reader stands in: partners serving it are kept beyond the radius, as for a
            # commune typed in "près de" (the département's SIAO, 98 km away, still answers "115").
            place = registry.places().at(lat, lon)
            served = tuple(code for code in place.area if code != AREA_EVERYWHERE) if place is not None else ()
            near = Near(round(lat, 5), round(lon, 5), radius, area=served)
            params.near_label = "votre position"
    elif near_text:
        place = registry.places().commune(near_text)
        if place is None or place.latitude is None or place.longitude is None:
            errors.append(note("pres_de"))
        else:
            served = tuple(code for code in place.area if code != AREA_EVERYWHERE)
            near = Near(place.latitude, place.longitude, radius, area=served)
            params.near_label = place.name
    sort_param = values.get("tri", "pertinence").strip()
    if sort_param not in SORT_PARAMS:
        errors.append(note("sort"))
        sort_param = "pertinence"
    if sort_param == "distance" and near is None:
        sort_param = "pertinence"
    params.sort_param = sort_param
    params.page = values.get("page", 1)
    params.unreadable = bool({"q", "territoire", "pres_de", "tri"} & refused)
    params.errors = list(dict.fromkeys(errors))
    params.filters = Filters(kinds=values.get("type", ()), themes=values.get("theme", ()),
                             publics=values.get("public", ()), types=values.get("typologie", ()), area=area,
                             age=values.get("age"), near=near, sort=SORT_PARAMS[sort_param])
    return params
