"""Reading the search parameters of /recherche/ and /api/recherche (the same for both).

A bad value never fails the request: it is ignored and reported with a French message, and the rest of
the search goes on. Types and bounds are read by relais.filters (the one place for the public filters).
"""

from dataclasses import dataclass, field

from django.http import QueryDict

from relais.filters import read_filters
from search import labels
from search.api import area_codes, commune_from_text, territory
from search.backends import Filters, Near
from search.documents import KIND_LABELS
from search.vocabulary import clean_text

RADII_KM = (2, 5, 10, 20, 50, 100)
DEFAULT_RADIUS_KM = 20
SORT_PARAMS = {"pertinence": "relevance", "distance": "distance", "nom": "title"}
MAX_VALUES = 20


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


def _codes(query: QueryDict, name: str, valid, message: str, errors: list[str]) -> tuple[str, ...]:
    values = [v.strip() for v in query.getlist(name)[:MAX_VALUES] if v.strip()]
    good = tuple(dict.fromkeys(v for v in values if v in valid))
    if len(good) < len(set(values)):
        errors.append(message)
    return good


def parse_params(query: QueryDict) -> SearchParams:
    values, refused = read_filters(query)
    params = SearchParams(text=clean_text(values.get("q", "")))
    errors = params.errors
    if "q" in refused:
        errors.append("Texte de recherche illisible (caractère nul) : il est ignoré.")
    kinds = _codes(query, "type", KIND_LABELS, "Type de contenu inconnu : ce filtre est ignoré.", errors)
    themes = _codes(query, "theme", labels.theme_labels(), "Thème inconnu : ce filtre est ignoré.", errors)
    publics = _codes(query, "public", labels.public_labels(), "Public inconnu : ce filtre est ignoré.", errors)
    types = _codes(query, "typologie", labels.type_labels(), "Type de structure inconnu : ce filtre est ignoré.",
                   errors)
    area: tuple[str, ...] = ()
    code = values.get("territoire", "").strip()[:20]
    if "territoire" in refused:
        errors.append("Territoire inconnu : ce filtre est ignoré.")
    elif code:
        place = territory(code)
        if place is None:
            errors.append("Territoire inconnu : ce filtre est ignoré.")
        else:
            area = area_codes(place)
            params.territory_name, params.territory_code = place.name, place.code
    age = None
    if "age" in refused or values.get("age", 1) >= 100:
        errors.append("L'âge doit être un nombre entre 1 et 99 : ce filtre est ignoré.")
    else:
        age = values.get("age")
    radius = DEFAULT_RADIUS_KM
    if "rayon" in refused or values.get("rayon", DEFAULT_RADIUS_KM) not in RADII_KM:
        errors.append(f"Rayon inconnu : la recherche utilise {DEFAULT_RADIUS_KM} km.")
    else:
        radius = values.get("rayon", DEFAULT_RADIUS_KM)
    params.radius_km = radius
    near = None
    near_text = values.get("pres_de", "").strip()[:80]
    if "pres_de" in refused:
        errors.append("Commune inconnue ou sans coordonnées : la recherche à proximité est ignorée.")
    if {"lat", "lon"} & (refused | set(values)):
        lat, lon = values.get("lat"), values.get("lon")
        if lat is None or lon is None:
            errors.append("Position invalide : la recherche autour de vous est ignorée.")
        else:
            near = Near(round(lat, 5), round(lon, 5), radius)
            params.near_label = "votre position"
    elif near_text:
        place = commune_from_text(near_text)
        if place is None or place.latitude is None or place.longitude is None:
            errors.append("Commune inconnue ou sans coordonnées : la recherche à proximité est ignorée.")
        else:
            near = Near(place.latitude, place.longitude, radius)
            params.near_label = place.name
    sort_param = values.get("tri", "pertinence").strip()
    if sort_param not in SORT_PARAMS:
        errors.append("Tri inconnu : les résultats sont triés par pertinence.")
        sort_param = "pertinence"
    if sort_param == "distance" and near is None:
        sort_param = "pertinence"
    params.sort_param = sort_param
    params.page = values.get("page", 1)
    params.unreadable = bool({"q", "territoire", "pres_de", "tri"} & refused)
    params.filters = Filters(kinds=kinds, themes=themes, publics=publics, types=types, area=area, age=age,
                             near=near, sort=SORT_PARAMS[sort_param])
    return params
