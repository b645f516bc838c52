"""The small interface every search backend implements, and the neutral query/result shapes."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from search.documents import SearchDoc
from search.vocabulary import ParsedQuery

EARTH_RADIUS_KM = 6371.0088
SORTS = ("relevance", "distance", "title")


class BackendUnavailable(Exception):
    """The backend could not answer (network, server down): the caller falls back to the database."""


@dataclass(frozen=True)
class Near:
    """Around a point: a document passes when its office is within the radius, or when it serves the place
    (``area``: the codes of the commune named, itself and its ancestors; a département-wide SIAO in Calais is
    kept around Arras)."""

    latitude: float
    longitude: float
    radius_km: float
    area: tuple[str, ...] = ()


@dataclass(frozen=True)
class Filters:
    """Every filter is optional; values within one filter are alternatives (OR), filters combine (AND)."""

    kinds: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()
    publics: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    area: tuple[str, ...] = ()  # codes whose documents serve the place (a commune and its ancestors, or "*")
    age: int | None = None
    near: Near | None = None
    sort: str = "relevance"
    # The reader's language: documents hidden in it (another language's pages) are left out. Not a filter
    # the reader chooses, so it does not count in ``is_empty``.
    language: str = ""

    @property
    def is_empty(self) -> bool:
        return not (self.kinds or self.themes or self.publics or self.types or self.area or self.age is not None
                    or self.near)


@dataclass
class RawHit:
    key: str
    score: float = 0.0
    distance_km: float | None = None


@dataclass
class RawResult:
    hits: list[RawHit] = field(default_factory=list)
    total: int = 0
    facets: dict[str, dict[str, int]] = field(default_factory=dict)


@dataclass
class Suggestion:
    label: str
    url: str
    kind: str


class SearchBackend:
    """index / delete / rebuild / query / autocomplete / health; ``match_any`` relaxes AND into OR."""

    name = "base"

    def index(self, docs: list[SearchDoc]) -> dict[str, str]:
        """Write these documents; returns {key: reason} of any the backend refused (the others are written)."""
        raise NotImplementedError

    def count(self) -> int:
        """Documents in the index (one count query): what /healthz compares with the database."""
        raise NotImplementedError

    def keys(self) -> set[str]:
        """Every key in the index: what ``search_index --sync`` compares with the database."""
        raise NotImplementedError

    def delete(self, keys: list[str]) -> None:
        raise NotImplementedError

    def rebuild(self, docs: Iterable[SearchDoc], *, progress: Callable[[int], None] | None = None) -> int:
        raise NotImplementedError

    def query(self, parsed: ParsedQuery, filters: Filters, *, offset: int = 0, limit: int = 20,
              match_any: bool = False, facets: bool = True) -> RawResult:
        raise NotImplementedError

    def autocomplete(self, text: str, *, limit: int = 8) -> list[Suggestion]:
        raise NotImplementedError

    def health(self) -> str:
        return "ok"


def bounding_box(near: Near) -> tuple[float, float, float, float]:
    """(min lat, max lat, min lon, max lon) enclosing the circle: a cheap index-friendly pre-filter."""
    import math

    dlat = math.degrees(near.radius_km / EARTH_RADIUS_KM)
    dlon = math.degrees(near.radius_km / (EARTH_RADIUS_KM * max(math.cos(math.radians(near.latitude)), 0.01)))
    return near.latitude - dlat, near.latitude + dlat, near.longitude - dlon, near.longitude + dlon


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    import math

    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))
