"""Reading the search parameters of /recherche/ and /api/recherche (the same for both).

A bad value never fails the request: it is ignored and reported with a French message, and the rest of
the search goes on.
"""

from dataclasses import dataclass, field

from django.http import QueryDict

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
    territory_name: str = ""
    territory_code: str = ""
    near_label: str = ""
    radius_km: int = DEFAULT_RADIUS_KM
    sort_param: str = "pertinence"


def _float(value: str, low: float, high: float) -> float | None:
    try:
        number = float(value.replace(",", "."))
    except (TypeError, ValueError):
        return None
    return number if low <= number <= high else None


def _codes(query: QueryDict, name: str, valid, message: str, errors: list[str]) -> tuple[str, ...]:
    values = [v.strip() for v in query.getlist(name)[:MAX_VALUES] if v.strip()]
    good = tuple(dict.fromkeys(v for v in values if v in valid))
    if len(good) < len(set(values)):
        errors.append(message)
    return good


def parse_params(query: QueryDict) -> SearchParams:
    params = SearchParams(text=clean_text(query.get("q", "")))
    errors = params.errors
    kinds = _codes(query, "type", KIND_LABELS, "Type de contenu inconnu : ce filtre est ignoré.", errors)
    themes = _codes(query, "theme", labels.theme_labels(), "Thème inconnu : ce filtre est ignoré.", errors)
    publics = _codes(query, "public", labels.public_labels(), "Public inconnu : ce filtre est ignoré.", errors)
    types = _codes(query, "typologie", labels.type_labels(), "Type de structure inconnu : ce filtre est ignoré.",
                   errors)
    area: tuple[str, ...] = ()
    code = query.get("territoire", "").strip()[:20]
    if code:
        place = territory(code)
        if place is None:
            errors.append("Territoire inconnu : ce filtre est ignoré.")
        else:
            area = area_codes(place)
            params.territory_name, params.territory_code = place.name, place.code
    age = None
    raw_age = query.get("age", "").strip()
    if raw_age:
        if raw_age.isdigit() and 0 < int(raw_age) < 100:
            age = int(raw_age)
        else:
            errors.append("L'âge doit être un nombre entre 1 et 99 : ce filtre est ignoré.")
    radius = DEFAULT_RADIUS_KM
    raw_radius = query.get("rayon", "").strip()
    if raw_radius:
        if raw_radius.isdigit() and int(raw_radius) in RADII_KM:
            radius = int(raw_radius)
        else:
            errors.append(f"Rayon inconnu : la recherche utilise {DEFAULT_RADIUS_KM} km.")
    params.radius_km = radius
    near = None
    raw_lat, raw_lon = query.get("lat", "").strip(), query.get("lon", "").strip()
    near_text = query.get("pres_de", "").strip()[:80]
    if raw_lat or raw_lon:
        lat, lon = _float(raw_lat, -90, 90), _float(raw_lon, -180, 180)
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
    sort_param = query.get("tri", "pertinence").strip()
    if sort_param not in SORT_PARAMS:
        errors.append("Tri inconnu : les résultats sont triés par pertinence.")
        sort_param = "pertinence"
    if sort_param == "distance" and near is None:
        sort_param = "pertinence"
    params.sort_param = sort_param
    raw_page = query.get("page", "1").strip()
    params.page = int(raw_page) if raw_page.isdigit() and 0 < int(raw_page) < 10_000 else 1
    params.filters = Filters(kinds=kinds, themes=themes, publics=publics, types=types, area=area, age=age,
                             near=near, sort=SORT_PARAMS[sort_param])
    return params
