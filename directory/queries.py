"""The directory's read side, used by its own views and by the guide, meetings and search apps.

    partners_for(thematiques=["logement-hebergement"], publics=["jeunes"], territory=commune, age=19)
    contacts_visible_to(request.user, organisation.contacts.all())
    search_organisations({"territoire": "62041", "theme": "sante", "q": "mission locale"})

Every queryset returned here carries its prefetches, so rendering N organisations costs a constant
number of SQL queries.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import (
    Case,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import ASin, Coalesce, Cos, Least, Power, Radians, Sin, Sqrt
from django.utils.translation import gettext

from directory import territories, vocabulary
from directory.models import Contact, Organisation, Service, ServiceCode, Territory
from relais.filters import note, read_filters
from relais.idlists import IdIn, compiled
from relais.permissions import is_professional
from search.backends.base import EARTH_RADIUS_KM, haversine_km
from search.params import DEFAULT_RADIUS_KM, RADII_KM

TerritoryLike = Territory | None


def _any_code(field_name: str, codes: Iterable[str]) -> Q:
    query = Q()
    for code in codes:
        query |= Q(**{f"{field_name}__contains": f"|{code}|"})
    return query


def _services_with(kind: str, codes: Iterable[str]) -> QuerySet[ServiceCode]:
    """Ids of the services with one of these codes: an indexed look-up in ``ServiceCode``."""
    return ServiceCode.objects.filter(kind=kind, code__in=list(codes)).values("service_id")


def _has_code(kind: str, codes: Iterable[str]) -> Exists:
    """The service has one of these codes: a probe of ``ServiceCode``'s unique index per service, so a query
    over a few organisations' services reads those services only, not every service of the theme."""
    return Exists(ServiceCode.objects.filter(service_id=OuterRef("pk"), kind=kind, code__in=list(codes)))


def _service_q(prefix: str, publics: list[str], age: int | None) -> Q:
    """Published, for one of the publics (or everyone), open at ``age``: on the service at ``prefix``."""
    query = Q(**{f"{prefix}status": Service.Status.PUBLISHED})
    if publics:
        query &= _any_code(f"{prefix}publics_index", [*publics, "tous-publics"])
    if age is not None:
        query &= (Q(**{f"{prefix}age_min__isnull": True}) | Q(**{f"{prefix}age_min__lte": age}))
        query &= (Q(**{f"{prefix}age_max__isnull": True}) | Q(**{f"{prefix}age_max__gte": age}))
    return query


def _clean(thematiques, publics) -> tuple[list[str], list[str]]:
    return ([code for code in thematiques if code],
            [vocabulary.normalise_public(code) for code in publics if code])


def with_matching_service(organisations: QuerySet[Organisation], *, few: bool, thematiques: Iterable[str] = (),
                          publics: Iterable[str] = (), age: int | None = None) -> QuerySet[Organisation]:
    """Organisations with at least one published service matching the filters (``matching_services``).

    ``few``: the other conditions already narrow the organisations to a few (a place's partners, the matches
    of a text): each is probed through one indexed subquery. Else the theme's services are listed once from
    the index and the organisations read from them.
    """
    thematiques, publics = _clean(thematiques, publics)
    if not few:
        services = matching_services(thematiques=thematiques, publics=publics, age=age, listed=True)
        return organisations.filter(id__in=services.values("organisation_id"))
    # Driven by the organisation's services (indexed on it), each probing its theme rows: a join from the
    # theme rows would read every service of the theme for each organisation.
    services = Service.objects.filter(_service_q("", publics, age), organisation_id=OuterRef("pk"))
    if thematiques:
        services = services.filter(_has_code(ServiceCode.Kind.THEME, thematiques))
    return organisations.filter(Exists(services))


def matching_services(*, thematiques: Iterable[str] = (), publics: Iterable[str] = (), age: int | None = None,
                      listed: bool = False) -> QuerySet[Service]:
    """Published services with one of the themes (a category matches its sub-themes), one of the publics
    (a "tous-publics" service serves everyone) and an age range that includes ``age``.

    The theme is probed per service (``_has_code``), what a query over a few organisations' services wants;
    ``listed``: the theme's services are listed from the index first, what a query over all of them wants.
    """
    thematiques, publics = _clean(thematiques, publics)
    services = Service.objects.filter(_service_q("", publics, age))
    if thematiques and listed:
        services = services.filter(id__in=_services_with(ServiceCode.Kind.THEME, thematiques))
    elif thematiques:
        services = services.filter(_has_code(ServiceCode.Kind.THEME, thematiques))
    return services


def with_listing_prefetches(organisations: QuerySet[Organisation], services: QuerySet[Service] | None = None
                            ) -> QuerySet[Organisation]:
    """Commune, public contacts and (matching) published services, fetched once for the whole page.

    ``organisation.listed_services`` holds the services to show: the matching ones when filters apply.
    """
    services = Service.objects.published() if services is None else services
    return organisations.select_related("commune").prefetch_related(
        Prefetch("services", queryset=services.order_by("name"), to_attr="listed_services"),
        Prefetch("contacts", queryset=Contact.objects.filter(visibility=Contact.Visibility.PUBLIC,
                                                             service__isnull=True),
                 to_attr="public_contacts"),
    )


def partners_for(*, thematiques: Iterable[str] = (), publics: Iterable[str] = (), territory: TerritoryLike = None,
                 age: int | None = None, limit: int | None = None) -> QuerySet[Organisation]:
    """Published organisations with a published service matching the filters, serving ``territory``.

    A partner serves the territory through its own territories or through the area of one of its services
    (``zone_eligibilite``), whether that names the commune, its EPCI, its territoire or its département. With a
    territory, the most local served area comes first (a commune served, then its territoire or EPCI, then the
    département), then the office nearest the territory's centre; each carries ``serving_rank`` and
    ``distance_km`` (None without coordinates). Without one, by name.
    """
    filters = {"thematiques": thematiques, "publics": publics, "age": age}
    services = matching_services(**filters)
    organisations = with_matching_service(Organisation.objects.published(), few=territory is not None, **filters)
    if territory is not None:
        area = territories.serving(territory)
        organisations = by_serving_then_distance(organisations.filter(serving_q(area)), territory, area)
    else:
        organisations = organisations.order_by("name")
    organisations = with_listing_prefetches(organisations, services)
    if limit is not None:
        organisations = organisations[:limit]
    return organisations


def serving_q(area: territories.Serving) -> Q:
    """Organisations serving the place (``territories.serving``): one of their territories is among its serving
    territories, or one of their published services has a ``zone_eligibilite`` code among its serving codes.
    Two indexed look-ups, whatever the number of organisations."""
    through = Organisation.territories.through
    by_territory = through.objects.filter(territory_id__in=area.ids).values("organisation_id")
    by_area = ServiceCode.objects.filter(kind=ServiceCode.Kind.AREA, code__in=area.codes,
                                         service__status=Service.Status.PUBLISHED).values("service__organisation_id")
    return Q(id__in=by_territory) | Q(id__in=by_area)


# The rank of a served area (territories.AREA_RANKS): the more local, the more likely the partner is the
# reader's own.
NOT_SERVING = 3


def distance_km(latitude: float, longitude: float):
    """The great-circle distance (haversine, km) from the point to each organisation's office, in SQL: one
    ORDER BY, whatever the number of rows (NULL for an office without coordinates)."""
    lat = math.radians(latitude)
    office_lat = Radians(F("latitude"))
    half_dlat = (office_lat - Value(lat)) / Value(2.0)
    half_dlon = (Radians(F("longitude")) - Value(math.radians(longitude))) / Value(2.0)
    a = Power(Sin(half_dlat), 2) + Value(math.cos(lat)) * Cos(office_lat) * Power(Sin(half_dlon), 2)
    return ExpressionWrapper(Value(2 * EARTH_RADIUS_KM) * ASin(Sqrt(a)), output_field=FloatField())


def serving_rank(area: territories.Serving):
    """The most local of the organisation's served areas that includes the place (``territories.AREA_RANKS``):
    its own territories, or the ``zone_eligibilite`` of its published services; else ``NOT_SERVING``. Two
    correlated subqueries, indexed on the organisation."""
    through = Organisation.territories.through
    kinds = Case(*(When(territory__kind=kind, then=Value(rank)) for kind, rank in territories.AREA_RANKS.items()),
                 default=Value(NOT_SERVING), output_field=IntegerField())
    by_territory = (through.objects.filter(organisation_id=OuterRef("pk"), territory_id__in=area.ids)
                    .annotate(rank=kinds).order_by("rank").values("rank")[:1])
    # The codes are the place's serving codes: only the wider ranks need naming (the place's communes are 0).
    code_ranks = Case(*(When(code__in=area.codes_of_rank(rank), then=Value(rank)) for rank in (2, 1)),
                      default=Value(0), output_field=IntegerField())
    by_area = (ServiceCode.objects.filter(kind=ServiceCode.Kind.AREA, code__in=area.codes,
                                          service__organisation_id=OuterRef("pk"),
                                          service__status=Service.Status.PUBLISHED)
               .annotate(rank=code_ranks).order_by("rank").values("rank")[:1])
    return Least(Coalesce(Subquery(by_territory), Value(NOT_SERVING)),
                 Coalesce(Subquery(by_area), Value(NOT_SERVING)), output_field=IntegerField())


def with_distance(organisations: QuerySet[Organisation], territory: Territory) -> QuerySet[Organisation]:
    """``distance_km`` from the territory's centre to each office (None when either has no coordinates)."""
    if territory.latitude is None or territory.longitude is None:
        return organisations.annotate(distance_km=Value(None, output_field=FloatField()))
    return organisations.annotate(distance_km=distance_km(territory.latitude, territory.longitude))


def by_serving_then_distance(organisations: QuerySet[Organisation], territory: Territory,
                             area: territories.Serving | None = None) -> QuerySet[Organisation]:
    """Serving first (commune, territoire or EPCI, département), then the nearest office, then the name."""
    area = territories.serving(territory) if area is None else area
    ranked = with_distance(organisations, territory).annotate(serving_rank=serving_rank(area))
    return ranked.order_by(
        "serving_rank", F("distance_km").asc(nulls_last=True), "name", "id")


def nearest_partners(*, thematiques: Iterable[str] = (), territory: Territory, limit: int = 3) -> list[Organisation]:
    """When nobody of a kind serves the place: the partners of the same themes (their categories, any public or
    age) nearest the place's centre, serving ones first. Among those serving it; else among those serving
    somewhere in its département. Empty when the place has no coordinates (nothing is "near" it then)."""
    if territory.latitude is None or territory.longitude is None:
        return []
    themes = sorted({vocabulary.parent_theme(code) for code in thematiques if code})
    chain = [territory, *territories.ancestors(territory)]
    departement = next((node for node in chain if node.kind == Territory.Kind.DEPARTEMENT), chain[-1])
    candidates = with_matching_service(Organisation.objects.published(), few=True, thematiques=themes)
    for place in dict.fromkeys([territory, departement]):
        served = candidates.filter(serving_q(territories.serving(place)))
        found = list(by_serving_then_distance(served, territory)
                     .select_related("commune")[:limit])
        if found:
            return found
    return []


def distance_label(km: float | None) -> str:
    """ "à 3 km" as a reader says it: whole kilometres, "à moins d'1 km" under one; "" when unknown."""
    if km is None:
        return ""
    if km < 1:
        return gettext("à moins d'1 km")
    return gettext("à %(km)s km") % {"km": round(km)}


def visible_contact_levels(user) -> list[str]:
    """Public for everyone, plus professional contacts for professionals; internal never outside the admin."""
    levels = [Contact.Visibility.PUBLIC]
    if is_professional(user):
        levels.append(Contact.Visibility.PROFESSIONALS)
    return levels


def contacts_visible_to(user, queryset: QuerySet[Contact]) -> QuerySet[Contact]:
    return queryset.filter(visibility__in=visible_contact_levels(user))


def serving_of_types(territory: Territory, typologies: Iterable[str], near: TerritoryLike = None
                     ) -> QuerySet[Organisation]:
    """Published organisations of these types serving ``territory`` (the guide's emergency page: the SIAO,
    the MDS), those in the ``near`` commune first, then by name."""
    organisations = Organisation.objects.published().filter(
        serving_q(territories.serving(territory)), typologie__in=list(typologies))
    organisations = organisations.select_related("commune")
    if near is None:
        return organisations.order_by("name")
    return organisations.alias(
        here=Case(When(commune_id=near.pk, then=Value(0)), default=Value(1), output_field=IntegerField())
    ).order_by("here", "name")


# --- The search behind /annuaire/ ------------------------------------------------------------------


@dataclass
class DirectorySearch:
    """Parsed, validated filters of /annuaire/. Unknown values are dropped and listed in ``ignored``."""

    q: str = ""
    territory: Territory | None = None
    themes: list[str] = field(default_factory=list)
    publics: list[str] = field(default_factory=list)
    types: list[str] = field(default_factory=list)
    age: int | None = None
    near: Territory | None = None  # pres_de: a commune with coordinates
    radius_km: int = DEFAULT_RADIUS_KM
    sort: str = ""  # "distance" or "" (by name, or by relevance with a text)
    ignored: list[tuple[str, str]] = field(default_factory=list)
    notes: dict[str, str] = field(default_factory=dict)  # filter → the French note of its ignored values
    without_centre: list[tuple[str, Territory]] = field(default_factory=list)  # (filter, chosen commune)

    @property
    def centre_notes(self) -> list[str]:
        """Why no distance is measured from a chosen commune: its ``centre_note`` (cog.py), never a guess."""
        notes = []
        for name, commune in self.without_centre:
            reason = commune.centre_note or gettext("pas de centre connu pour cette commune.")
            text = gettext("%(commune)s — %(reason)s") % {"commune": commune.name, "reason": reason}
            if name == "pres_de":
                text += " " + gettext("La recherche à proximité est ignorée.")
            notes.append(text)
        return notes

    @property
    def is_filtered(self) -> bool:
        return bool(self.q or self.territory or self.themes or self.publics or self.types or self.age is not None
                    or self.near)

    @property
    def point(self) -> Territory | None:
        """The place distances are measured from: the commune of pres_de, else the chosen territory's centre."""
        for place in (self.near, self.territory):
            if place is not None and place.latitude is not None and place.longitude is not None:
                return place
        return None


# The filters of /annuaire/; other public filters a URL may carry (page, vue…) are not this search's.
DIRECTORY_FILTERS = ("q", "territoire", "theme", "public", "type", "age", "pres_de", "rayon", "tri")
SORTS = ("distance", "nom", "pertinence")


def parse_search(params: Mapping) -> DirectorySearch:
    """The one public filter form (relais.filters) checks types, bounds and codes, with /recherche/'s notes."""
    read = read_filters(params, codes={
        "theme": ("theme", vocabulary.theme_labels()),
        "public": ("public", {*vocabulary.public_labels(), *vocabulary.PUBLIC_ALIASES}),
        "type": ("structure", vocabulary.type_labels()),
    })
    values = read.values
    search = DirectorySearch(q=values.get("q", "")[:200], themes=list(values.get("theme", ())),
                             publics=list(dict.fromkeys(map(vocabulary.normalise_public, values.get("public", ())))),
                             types=list(values.get("type", ())), age=values.get("age"))
    for name in DIRECTORY_FILTERS:
        if name in ("rayon", "tri"):  # their notes say what is used instead: _read_near
            continue
        for value in read.refused.get(name, ()):
            search.ignored.append((name, value))
            search.notes[name] = read.note_of(name)
    territory_text = values.get("territoire", "").strip()
    if territory_text:
        search.territory = territories.resolve(territory_text)
        if search.territory is None:
            search.ignored.append(("territoire", territory_text[:100]))
            search.notes["territoire"] = note("territoire")
        elif search.territory.kind == Territory.Kind.COMMUNE and search.territory.latitude is None:
            search.without_centre.append(("territoire", search.territory))
    _read_near(search, values, read.refused)
    return search


def _read_near(search: DirectorySearch, values: dict, refused: dict) -> None:
    """pres_de, rayon and tri, as /recherche/ reads them (the same radii, the same notes)."""
    def ignore(name, value, text):
        search.ignored.append((name, str(value)[:100]))
        search.notes[name] = text

    near_text = values.get("pres_de", "").strip()
    if near_text:
        commune = territories.resolve_commune(near_text)
        if commune is None:
            ignore("pres_de", near_text, note("pres_de"))
        elif commune.latitude is None or commune.longitude is None:
            search.without_centre.append(("pres_de", commune))
        else:
            search.near = commune
    radius = values.get("rayon", DEFAULT_RADIUS_KM)
    if "rayon" in refused or radius not in RADII_KM:
        ignore("rayon", refused.get("rayon", [radius])[0],
               gettext("Rayon inconnu : la recherche utilise %(km)s km.") % {"km": DEFAULT_RADIUS_KM})
    else:
        search.radius_km = radius
    sort = values.get("tri", "").strip()
    if "tri" in refused or (sort and sort not in SORTS):
        ignore("tri", refused.get("tri", [sort])[0], note("sort"))
    elif sort == "distance":
        search.sort = "distance"


# The free text goes through the public search layer (search/): the same vocabulary (ML, FJT, "mutuelle"…),
# stemming and ranking as /recherche/, on whichever backend is configured. Past this many matches the tail
# is dropped: nobody pages that far, and the other filters still narrow what is kept.
TEXT_MATCH_LIMIT = 3000


def text_matches(search: DirectorySearch, area: territories.Serving | None = None) -> list[int]:
    """Published organisations matching the free text, best first (their services' text counts too).

    The other filters go into the search as well (the territory as its serving area, themes, types, audience,
    age), as search reads them on an organisation's document: a superset of what the SQL filters keep (an
    organisation's document gathers its services' themes, audiences and ages), so the ranked list holds only
    the few ids that can be kept, instead of every match of the text. ``area``: the territory's
    ``territories.serving``, when the caller has read it.
    """
    from search.api import search_ids
    from search.backends import Filters

    publics = (*search.publics, "tous-publics") if search.publics else ()
    codes = territories.place(search.territory, area).area if search.territory is not None else ()
    filters = Filters(area=tuple(codes), themes=tuple(search.themes), publics=publics, types=tuple(search.types),
                      age=search.age)
    return search_ids(search.q, filters, limit=TEXT_MATCH_LIMIT)


@dataclass
class _Plan:
    """What the SQL of a directory search depends on, once its places are read (``territories.serving``): the
    queries are built from it alone (``_organisations``, ``_listed_services``), and ``key`` names their compiled
    statements (``relais.idlists.compiled``). The free text's ranked ids are bound at each run."""

    themes: tuple[str, ...]
    publics: tuple[str, ...]
    age: int | None
    types: tuple[str, ...]
    few: bool  # the other conditions leave few organisations (with_matching_service)
    area: territories.Serving | None  # the chosen territory's
    near: territories.Serving | None  # pres_de's, with radius_km
    radius_km: int
    point: tuple[float, float] | None  # distances measured in SQL from here (ordering or radius)
    by_distance: bool
    text: bool

    @property
    def filters_services(self) -> bool:
        return bool(self.themes or self.publics or self.age is not None)

    @property
    def key(self) -> tuple:
        def served(area):
            return None if area is None else (tuple(area.ids), tuple(area.codes))

        return (self.themes, self.publics, self.age, self.types, self.few, served(self.area), served(self.near),
                self.radius_km, self.point, self.by_distance, self.text)


def _plan(search: DirectorySearch) -> _Plan:
    point = search.point
    by_distance = search.sort == "distance" and point is not None
    measured = point is not None and (by_distance or search.near is not None)  # else search_page measures cards
    commune = search.territory is not None and search.territory.kind == Territory.Kind.COMMUNE
    return _Plan(themes=tuple(search.themes), publics=tuple(search.publics), age=search.age,
                 types=tuple(search.types), few=bool(search.q) or commune,
                 area=territories.serving(search.territory) if search.territory is not None else None,
                 near=territories.serving(search.near) if search.near is not None else None,
                 radius_km=search.radius_km, point=(point.latitude, point.longitude) if measured else None,
                 by_distance=by_distance, text=bool(search.q))


def _organisations(plan: _Plan, ranking) -> QuerySet[Organisation]:
    """The matching organisations, ordered; with a text, those among ``ranking`` (ids, or ``IdIn.SLOT``)."""
    organisations = Organisation.objects.published()
    if plan.filters_services:
        organisations = with_matching_service(organisations, few=plan.few, thematiques=plan.themes,
                                              publics=plan.publics, age=plan.age)
    if plan.area is not None:
        organisations = organisations.filter(serving_q(plan.area))
    if plan.types:
        organisations = organisations.filter(typologie__in=plan.types)
    if plan.point is not None:
        organisations = organisations.annotate(distance_km=distance_km(*plan.point))
    if plan.near is not None:
        # Within the radius: the office is, or the served area reaches the commune (a département-wide SIAO
        # whose office is 98 km away still serves it).
        organisations = organisations.filter(serving_q(plan.near) | Q(distance_km__lte=plan.radius_km))
    if plan.text:
        organisations = organisations.filter(IdIn("id", ranking))
    if plan.by_distance:
        return organisations.order_by(F("distance_km").asc(nulls_last=True), "name", "id")
    return organisations.order_by("name", "id")


def _listed_services(plan: _Plan) -> QuerySet[Service] | None:
    """The services a result lists: the matching ones when the search filters services, else None (all)."""
    if not plan.filters_services:
        return None
    return matching_services(thematiques=plan.themes, publics=plan.publics, age=plan.age)


def _search(search: DirectorySearch) -> tuple[_Plan, list[int] | None]:
    """(the plan, the free text's matches in relevance order or None). Sorted by distance, a page keeps that
    order: the text then only filters."""
    plan = _plan(search)
    ranking = text_matches(search, plan.area) if search.q else None
    return plan, ranking


def search_organisations(params: Mapping | DirectorySearch) -> QuerySet[Organisation]:
    """Published organisations matching the /annuaire/ filters (a dict, a QueryDict or a parsed search).

    Themes and the territory are indexed look-ups (``ServiceCode``, the area-served table), whatever the number
    of services.
    """
    search = params if isinstance(params, DirectorySearch) else parse_search(params)
    plan, ranking = _search(search)
    return with_listing_prefetches(_organisations(plan, ranking), _listed_services(plan))


# What a result card (and its map marker) shows: the page reads these columns only, not descriptions or hours.
CARD_SERVICES = 3  # services named on a card
CARD_COLUMNS = ("id", "name", "slug", "typologie", "commune__name", "phone", "latitude", "longitude",
                "last_confirmed_at")


@dataclass
class Card:
    """One result of /annuaire/ as its card and map marker show it: plain values, no model instance."""

    id: int
    name: str
    slug: str
    typologie: str
    commune_name: str | None
    phone: str
    latitude: float | None
    longitude: float | None
    last_confirmed_at: datetime | None
    service_names: list[str] = field(default_factory=list)
    distance: str = ""
    url: str = ""  # set by the view, which reverses the URL once for the page

    @property
    def type_label(self) -> str:
        return vocabulary.type_label(self.typologie)

    @property
    def located(self) -> bool:
        return self.latitude is not None and self.longitude is not None


def search_page(search: DirectorySearch, page_number, per_page: int = 20):
    """A page of results: the filters run once (the ordered ids), then the page's cards and their services.

    Returns a Django ``Page`` whose ``object_list`` holds ``Card``s, in order, each with ``service_names`` (its
    first matching services) and, with a place to measure from, ``distance`` ("à 3 km", to its office).
    """
    from django.core.paginator import Paginator

    plan, ranking = _search(search)
    # The ids query is compiled once per filter set (relais.idlists.compiled), the text's ranked ids bound at each
    # run. The distance is computed in SQL only where it orders or filters the list; the page's few cards get
    # theirs in Python (on SQLite each row's distance is several calls of Python functions).
    statement = compiled(("directory:ids", plan.key),
                         lambda: _organisations(plan, IdIn.SLOT).values_list("id", flat=True))
    ids = [pk for (pk,) in statement.rows(ranking or ())] if statement is not None else []
    if ranking is not None and not plan.by_distance:  # free text: best match first, as /recherche/ ranks them
        position = {pk: rank for rank, pk in enumerate(ranking)}
        ids.sort(key=position.__getitem__)
    page = Paginator(ids, per_page).get_page(page_number)
    shown = list(page.object_list)
    rows = Organisation.objects.filter(IdIn("id", shown)).order_by().values_list(*CARD_COLUMNS)
    by_id = {row[0]: Card(*row) for row in rows}
    page.object_list = [by_id[pk] for pk in shown if pk in by_id]
    # The cards show the names of their first listed services: one query of two columns, compiled once too.
    def card_services():
        services = _listed_services(plan)
        services = Service.objects.published() if services is None else services
        return (services.filter(IdIn("organisation_id", IdIn.SLOT)).order_by("name", "id")
                .values_list("organisation_id", "name"))

    statement = compiled(("directory:card-services", plan.themes, plan.publics, plan.age), card_services)
    names: dict[int, list[str]] = {}
    for organisation_id, name in statement.rows(shown) if statement is not None else ():
        names.setdefault(organisation_id, []).append(name)
    point = search.point
    for card in page.object_list:
        card.service_names = names.get(card.id, [])[:CARD_SERVICES]
        if point is not None and card.located:
            card.distance = distance_label(haversine_km(point.latitude, point.longitude, card.latitude,
                                                        card.longitude))
    return page
