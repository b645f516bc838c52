"""Territories: the one place that understands what someone typed as a territory, and what serves a place.

    resolve("Bethune")        # a code, a postal code, a slug or a name, accents optional
    resolve_commune("62100")  # communes only (the search's "près de")
    suggest("cal")            # the guide's autocomplete
    serving_ids(territory)    # itself, its ancestors, its descendants: whose service area includes it
    serving(territory)        # the same as ids, codes (EPCI included) and the rank of each code's area
    subtree_q(territory, "body__territory")  # rows attached to the territory or below it

Search does not import the directory: ``place_finder`` gives it places (``search.registry.Place``), registered
in ``DirectoryConfig.ready``. The loader (INSEE's COG, ``directory.cog``) is called at the end.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When

from directory.models import Territory
from search.documents import AREA_EVERYWHERE
from search.registry import Place
from search.vocabulary import words

MAX_TEXT = 100  # longer input names no territory: it is cut, never refused with an error
MAX_DEPTH = 4  # ancestors followed at most (département → territoire → commune has two): a guard against cycles
_CODE_RE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z_-]{0,19}$")
_POSTAL_RE = re.compile(r"^[0-9]{5}$")

Kind = Territory.Kind


# --- reading what someone typed --------------------------------------------------------------------------
def _clean(text) -> str:
    """One line, at most MAX_TEXT characters; "" for input no query can carry (NUL bytes)."""
    text = " ".join(str(text or "").split())[:MAX_TEXT]
    return "" if "\x00" in text else text


def _key(text: str) -> str:
    """The name as compared: lower case, without accents, punctuation as spaces ("Saint-Léger" = "saint leger")."""
    return " ".join(words(text))


def same_name(name: str, text: str) -> bool:
    """Whether ``text`` spells ``name``, whatever the case, accents and punctuation ("bethune" → "Béthune")."""
    return bool(_key(text)) and _key(name) == _key(text)


def _larger_first(candidates: QuerySet[Territory]) -> QuerySet[Territory]:
    """Ambiguous input prefers the département, then the territoire, then the more populated commune."""
    size = Case(When(kind=Kind.DEPARTEMENT, then=Value(0)), When(kind=Kind.TERRITOIRE, then=Value(1)),
                default=Value(2), output_field=IntegerField())
    return candidates.order_by(size, F("population").desc(nulls_last=True), "code")


def _by_folded_name(candidates: QuerySet[Territory], text: str, match) -> list[int]:
    """Ids of the candidates whose folded name ``match(folded name, folded text)``: the names are compared
    in Python, the one comparison that agrees on accents and ligatures (œ) with every database."""
    wanted = _key(text)
    if not any(ch.isalpha() for ch in wanted):
        return []
    return [pk for pk, name in candidates.order_by().values_list("pk", "name").iterator(chunk_size=2000)
            if match(_key(name), wanted)]


def _resolve(text, candidates: QuerySet[Territory]) -> Territory | None:
    text = _clean(text)
    if not text:
        return None
    candidates = candidates.select_related("parent__parent")
    # A code as written ("62041", "62-ARR", "2A004"): the unique index answers, one row, nothing to order (the
    # model's ordering would still cost the ORM a third of this query's time); another case reads every code.
    if text == text.upper() and _CODE_RE.match(text):
        found = next(iter(candidates.filter(code=text).order_by()[:1]), None)
        if found is not None:
            return found
    candidates = _larger_first(candidates)
    found = candidates.filter(code__iexact=text).first()
    if found is None and _POSTAL_RE.match(text):
        found = candidates.filter(kind=Kind.COMMUNE, postal_codes__contains=text).first()
    if found is None:
        found = candidates.filter(Q(slug=text) | Q(name__iexact=text)).first()
    if found is None:
        ids = _by_folded_name(candidates, text, str.__eq__)
        found = candidates.filter(pk__in=ids).first() if ids else None
    return found


def resolve(text) -> Territory | None:
    """The territory someone typed: a code (``62041``, ``62``, ``62-ARR``), a commune's postal code (``62000``),
    a slug or a name, with or without accents (``arras``, ``Bethune``). Ambiguous input prefers the larger
    territory, then the more populated commune; anything else (junk, NUL bytes) is None."""
    return _resolve(text, Territory.objects.all())


_SAINT = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}
# "Boulogne-sur-Mer" is "Boulogne" to those who live there: the part before these words is a usual name.
_QUALIFIERS = re.compile(r" (?:sur|sous|les|lez|en) .*$")


def _usual(key: str) -> str:
    """A folded name with "St"/"Ste" spelled out ("st omer" → "saint omer")."""
    return " ".join(_SAINT.get(word, word) for word in key.split())


def _is_usual_name(name_key: str, wanted: str) -> bool:
    name = _usual(name_key)
    wanted = _usual(wanted)
    return name == wanted or _QUALIFIERS.sub("", name) == wanted


def resolve_commune(text) -> Territory | None:
    """The commune someone typed, by the same rules as ``resolve`` (its INSEE code, a postal code, its name),
    then by its usual variants: "St Omer" or "saint-omer" for Saint-Omer, "Boulogne" for Boulogne-sur-Mer
    (without its "-sur-…", "-lès-…", "-en-…" part). Ambiguous: the more populated commune."""
    communes = Territory.objects.filter(kind=Kind.COMMUNE)
    found = _resolve(text, communes)
    if found is None and _clean(text):
        ids = _by_folded_name(communes, _clean(text), _is_usual_name)
        found = _larger_first(communes.filter(pk__in=ids)).select_related("parent__parent").first() if ids else None
    return found


def by_code(code) -> Territory | None:
    """The territory with exactly this code (as kept in a cookie or sent by a form), else None."""
    if not isinstance(code, str) or not _CODE_RE.match(code):
        return None
    return Territory.objects.select_related("parent__parent").filter(code=code).first()


def suggest(query, *, limit: int = 10) -> list[Territory]:
    """Communes and territoires for an autocomplete: the exact name or code first, then names starting with
    the query, then names containing it; a territoire before a commune, then by name. Accents are optional
    (a query that matches no spelled name is compared without them)."""
    query = str(query or "").strip()
    if len(query) < 2 or len(query) > 80 or "\x00" in query:  # PostgreSQL refuses NUL in a text literal
        return []
    candidates = Territory.objects.filter(kind__in=[Kind.COMMUNE, Kind.TERRITOIRE])
    found = list(candidates.filter(Q(code__iexact=query) | Q(name__icontains=query))
                 .select_related("parent").order_by("name")[: limit * 3])
    if not found:
        ids = _by_folded_name(candidates, query, lambda name, wanted: wanted in name)
        found = list(candidates.filter(pk__in=ids).select_related("parent").order_by("name")[: limit * 3])
    wanted, code = _key(query), query.casefold()

    def rank(territory):
        name = _key(territory.name)
        return (0 if name == wanted or territory.code.casefold() == code else 1 if name.startswith(wanted) else 2,
                0 if territory.kind == Kind.TERRITOIRE else 1, territory.name)

    return sorted(found, key=rank)[:limit]


def label(territory) -> str:
    """How a place is named to a reader: a commune with its territoire ("Arras (Arrageois)")."""
    if territory is None:
        return ""
    parent = getattr(territory, "parent", None)
    if parent is not None and territory.kind == Kind.COMMUNE:
        return f"{territory.name} ({parent.name})"
    return territory.name


def areas() -> QuerySet[Territory]:
    """Départements and action territories (MDS territoires): the choices of every "territory" select box."""
    return Territory.objects.filter(kind__in=[Kind.DEPARTEMENT, Kind.TERRITOIRE])


# --- what serves a place ---------------------------------------------------------------------------------
def ancestors(territory: Territory) -> list[Territory]:
    """The parent chain, nearest first (a commune's territoire, then its département)."""
    chain, node = [], territory
    while node.parent_id is not None and len(chain) < MAX_DEPTH:
        node = node.parent
        chain.append(node)
    return chain


def _below(territory: Territory) -> Q:
    """Its children and grandchildren; for an EPCI, also its member communes placed under a territoire
    d'action sociale (their ``epci`` names it)."""
    below = Q(parent_id=territory.pk) | Q(parent__parent_id=territory.pk)
    if territory.kind == Kind.EPCI:
        below |= Q(kind=Kind.COMMUNE, epci=territory.code)
    return below


def _descendants(territory: Territory) -> QuerySet[Territory]:
    """Its territoires and communes (a commune has none: no query)."""
    if territory.kind == Kind.COMMUNE:
        return Territory.objects.none()
    return Territory.objects.filter(_below(territory))


# The rank of a served area: the more local, the more likely the partner is the reader's own.
AREA_RANKS = {Kind.COMMUNE: 0, Kind.TERRITOIRE: 1, Kind.DEPARTEMENT: 2}
EPCI_RANK = 1  # an intercommunality (a service's zone_eligibilite may name one by its SIREN)


@dataclass(frozen=True)
class Serving:
    """Whose service area includes a place, read once: territory ids (an organisation's territories), codes
    (a service's ``zone_eligibilite``: communes, EPCI, départements, territoires) and each code's rank."""

    ids: list[int]
    codes: list[str]
    ranks: dict[str, int]

    def codes_of_rank(self, rank: int) -> list[str]:
        return [code for code, found in self.ranks.items() if found == rank]


def serving(territory: Territory) -> Serving:
    """Itself, its ancestors and its descendants, with the EPCI of each commune among them.

    An organisation serving the département serves each commune of it; one serving a commune of an MDS
    territory is relevant to someone searching that territory; a service whose area names Lens's EPCI serves
    Lens. One query for a territoire or a département (its descendants), none for a commune.
    """
    nodes = [(node.pk, node.code, node.kind, node.epci) for node in (territory, *ancestors(territory))]
    nodes += list(_descendants(territory).values_list("pk", "code", "kind", "epci"))
    ranks: dict[str, int] = {}
    for _pk, code, kind, _epci in nodes:
        ranks.setdefault(code, AREA_RANKS.get(kind, AREA_RANKS[Kind.DEPARTEMENT]))
    for _pk, _code, kind, epci in nodes:
        if epci and kind == Kind.COMMUNE:
            ranks.setdefault(epci, EPCI_RANK)
    return Serving(ids=list(dict.fromkeys(pk for pk, *_rest in nodes)), codes=list(ranks), ranks=ranks)


def serving_ids(territory: Territory) -> list[int]:
    """Territories whose service area includes ``territory``: itself, its ancestors and its descendants."""
    return serving(territory).ids


def serving_codes(territory: Territory) -> list[str]:
    """The codes of ``serving_ids`` and the EPCI of its communes: what search's documents and services'
    ``zone_eligibilite`` carry as their area."""
    return serving(territory).codes


_EPCI_RE = re.compile(r"^[0-9]{9}$")


def departement_of_code(code: str) -> str:
    """The département a COG code lies in, read from the code itself: a commune ("62498" → "62", "97411" →
    "974", "2A004" → "2A"), a territoire ("62-ARR" → "62"), a département (itself). EPCI: ``departements_of``."""
    code = str(code).strip()
    if "-" in code:
        return code.split("-", 1)[0]
    if len(code) == 5:
        return code[:3] if code.startswith("97") else code[:2]
    return code


def departements_of(codes) -> set[str]:
    """The départements of these area codes (territories, communes, départements, EPCI SIRENs): what a
    change to a partner serving them can change. One query when an EPCI is among them (its communes), else
    none."""
    return {dep for found in departements_by_code(codes).values() for dep in found}


def departements_by_code(codes) -> dict[str, set[str]]:
    """{code: the départements it lies in} for area codes, as ``departements_of`` reads them, code by code (an
    EPCI: the départements of its communes held here, none when it has none here). One query when an EPCI is
    among them, else none."""
    codes = {str(code).strip() for code in codes if str(code).strip()}
    epcis = {code for code in codes if _EPCI_RE.match(code)}
    out = {code: {departement_of_code(code)} for code in codes - epcis}
    out.update((code, set()) for code in epcis)
    if epcis:
        communes = (Territory.objects.filter(kind=Kind.COMMUNE, epci__in=sorted(epcis)).order_by()
                    .values_list("epci", "code").distinct())
        for epci, code in communes:
            out[epci].add(departement_of_code(code))
    return out


def subtree_q(territory: Territory, field: str) -> Q:
    """Rows whose ``field`` (a path to a Territory, "body__territory") is the territory or lies below it,
    as one subquery."""
    subtree = Territory.objects.filter(Q(pk=territory.pk) | _below(territory)).values("pk")
    return Q(**{f"{field}__in": subtree})


def code_subtree_q(code: str, field: str) -> Q:
    """Rows whose ``field`` is the territory with this code or lies below it, in the same query (no lookup of
    the territory first): the site's own département in every guide block costs nothing more."""
    return (Q(**{f"{field}__code": code}) | Q(**{f"{field}__parent__code": code})
            | Q(**{f"{field}__parent__parent__code": code}))


NATIONAL_CODES = ("france", "99100")  # data·inclusion's "the whole country" in zone_eligibilite


def ids_for_cog_codes(codes) -> dict[str, list[int]]:
    """{code: ids of the territories it names here} for data·inclusion's ``zone_eligibilite`` codes, in at most
    three queries: a commune, département or territoire code names itself; an EPCI (SIREN) names its communes;
    ``france``/``99100`` names every département. A code for a place this site does not hold maps to []."""
    codes = [str(code).strip() for code in codes or () if str(code or "").strip()]
    out: dict[str, list[int]] = {code: [] for code in codes}
    if not codes:
        return out
    for pk, code in Territory.objects.filter(code__in=codes).values_list("pk", "code"):
        out[code].append(pk)
    sirens = [code for code in codes if len(code) == 9 and code.isdigit()]
    if sirens:
        for pk, epci in Territory.objects.filter(kind=Kind.COMMUNE, epci__in=sirens).values_list("pk", "epci"):
            out[epci].append(pk)
    if any(code.lower() in NATIONAL_CODES for code in codes):
        everywhere = list(Territory.objects.filter(kind=Kind.DEPARTEMENT).values_list("pk", flat=True))
        for code in codes:
            if code.lower() in NATIONAL_CODES:
                out[code] = everywhere
    return out


# --- places for search -----------------------------------------------------------------------------------
def place(territory: Territory, area: Serving | None = None) -> Place:
    """The territory as search sees it: documents serving it are those of its serving codes, or everywhere.
    ``area``: its ``serving(territory)`` when the caller has read it already."""
    codes = (area or serving(territory)).codes
    return Place(code=territory.code, name=territory.name, area=(*codes, AREA_EVERYWHERE),
                 latitude=territory.latitude, longitude=territory.longitude)


# A point farther than this from every commune centre is in no commune we know (another département, the sea).
COMMUNE_AT_KM = 12.0


def commune_at(latitude: float, longitude: float) -> Territory | None:
    """The commune whose centre is nearest the point, within COMMUNE_AT_KM: the commune the reader is in,
    for a position shared by the phone (no boundaries are stored; the nearest centre is right for a reader
    in a town and at worst names the next village, whose serving partners are the same)."""
    from search.backends.base import Near, bounding_box, haversine_km

    min_lat, max_lat, min_lon, max_lon = bounding_box(Near(latitude, longitude, COMMUNE_AT_KM))
    candidates = Territory.objects.filter(kind=Territory.Kind.COMMUNE, latitude__range=(min_lat, max_lat),
                                          longitude__range=(min_lon, max_lon)).order_by("code")
    scored = [(haversine_km(latitude, longitude, t.latitude, t.longitude), t.code, t) for t in candidates]
    scored = [item for item in scored if item[0] <= COMMUNE_AT_KM]
    return min(scored, key=lambda item: item[:2])[2] if scored else None


class PlaceFinder:
    """What search asks the directory about places (``search.registry.PlaceFinder``)."""

    def by_text(self, text: str) -> Place | None:
        territory = resolve(text)
        return place(territory) if territory is not None else None

    def commune(self, text: str) -> Place | None:
        territory = resolve_commune(text)
        return place(territory) if territory is not None else None


    def at(self, latitude: float, longitude: float) -> Place | None:
        territory = commune_at(latitude, longitude)
        return place(territory) if territory is not None else None


place_finder = PlaceFinder()


# --- the reference data ----------------------------------------------------------------------------------
def load_territories(log=lambda _message: None, *, departements=None, source=None, table=None,
                     progress=None) -> int:
    """Load the départements' communes, EPCI and territoires from INSEE's COG (``directory.cog``); return how
    many rows were written (0 on a second run). ``departements`` None: those already loaded, else those of the
    territories table (the demo's 62 and 49); ``table`` None: the committed table (directory/data/)."""
    from directory import cog

    report = cog.load(departements, source=source, table=cog.DEFAULT_TABLE if table is None else table, log=log,
                      progress=progress or (lambda _label, _done, _total: None))
    return report.written
