"""The directory's read side, used by its own views and by the guide, meetings and search apps.

    partners_for(thematiques=["logement-hebergement"], publics=["jeunes"], territory=commune, age=19)
    contacts_visible_to(request.user, organisation.contacts.all())
    search_organisations({"territoire": "62041", "theme": "sante", "q": "mission locale"})

Every queryset returned here carries its prefetches, so rendering N organisations costs a constant
number of SQL queries.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.db.models import Case, IntegerField, Prefetch, Q, QuerySet, Value, When

from directory import territories, vocabulary
from directory.models import Contact, Organisation, Service, Territory
from relais.filters import note, read_filters
from relais.permissions import is_professional

TerritoryLike = Territory | None


def _any_code(field_name: str, codes: Iterable[str]) -> Q:
    query = Q()
    for code in codes:
        query |= Q(**{f"{field_name}__contains": f"|{code}|"})
    return query


def matching_services(*, thematiques: Iterable[str] = (), publics: Iterable[str] = (), age: int | None = None
                      ) -> QuerySet[Service]:
    """Published services with one of the themes (a category matches its sub-themes), one of the publics
    (a "tous-publics" service serves everyone) and an age range that includes ``age``."""
    services = Service.objects.published()
    thematiques = [code for code in thematiques if code]
    publics = [vocabulary.normalise_public(code) for code in publics if code]
    if thematiques:
        services = services.filter(_any_code("themes_index", thematiques))
    if publics:
        services = services.filter(_any_code("publics_index", [*publics, "tous-publics"]))
    if age is not None:
        services = services.filter(Q(age_min__isnull=True) | Q(age_min__lte=age),
                                   Q(age_max__isnull=True) | Q(age_max__gte=age))
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
    """Published organisations with a published service matching the filters, serving ``territory``."""
    services = matching_services(thematiques=thematiques, publics=publics, age=age)
    organisations = Organisation.objects.published().filter(
        id__in=services.values("organisation_id"))
    if territory is not None:
        organisations = organisations.filter(id__in=_serving(territories.serving_ids(territory)))
    organisations = with_listing_prefetches(organisations.order_by("name"), services)
    if limit is not None:
        organisations = organisations[:limit]
    return organisations


def _serving(territory_ids: list[int]):
    through = Organisation.territories.through
    return through.objects.filter(territory_id__in=territory_ids).values("organisation_id")


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
        typologie__in=list(typologies), id__in=_serving(territories.serving_ids(territory)))
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
    ignored: list[tuple[str, str]] = field(default_factory=list)
    notes: dict[str, str] = field(default_factory=dict)  # filter → the French note of its ignored values

    @property
    def is_filtered(self) -> bool:
        return bool(self.q or self.territory or self.themes or self.publics or self.types or self.age is not None)


# The filters of /annuaire/; other public filters a URL may carry (page, vue…) are not this search's.
DIRECTORY_FILTERS = ("q", "territoire", "theme", "public", "type", "age")


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
        for value in read.refused.get(name, ()):
            search.ignored.append((name, value))
            search.notes[name] = read.note_of(name)
    territory_text = values.get("territoire", "").strip()
    if territory_text:
        search.territory = territories.resolve(territory_text)
        if search.territory is None:
            search.ignored.append(("territoire", territory_text[:100]))
            search.notes["territoire"] = note("territoire")
    return search


# The free text goes through the public search layer (search/): the same vocabulary (ML, FJT, "mutuelle"…),
# stemming and ranking as /recherche/, on whichever backend is configured. Past this many matches the tail
# is dropped: nobody pages that far, and the other filters still narrow what is kept.
TEXT_MATCH_LIMIT = 3000


def text_matches(q: str, territory: Territory | None = None) -> list[int]:
    """Published organisations matching the free text, best first (their services' text counts too).

    The territory goes into the search too (its serving area, as search reads it), so the ranked list holds
    only what can be kept; the other filters then apply to it in SQL.
    """
    from search.api import search_ids
    from search.backends import Filters

    filters = Filters(area=territories.place(territory).area) if territory is not None else None
    return search_ids(q, filters, limit=TEXT_MATCH_LIMIT)


def _search(search: DirectorySearch):
    """(unprefetched queryset of matching organisations, services queryset to list under each, relevance
    order of the free text's matches or None)."""
    organisations = Organisation.objects.published()
    serving = _serving(territories.serving_ids(search.territory)) if search.territory is not None else None
    if serving is not None:
        organisations = organisations.filter(id__in=serving)
    services = None
    if search.themes or search.publics or search.age is not None:
        services = matching_services(thematiques=search.themes, publics=search.publics, age=search.age)
        candidates = services if serving is None else services.filter(organisation_id__in=serving)
        organisations = organisations.filter(id__in=candidates.values("organisation_id"))
    if search.types:
        organisations = organisations.filter(typologie__in=search.types)
    ranking = None
    if search.q:
        ranking = text_matches(search.q, search.territory)
        organisations = organisations.filter(id__in=ranking)
    return organisations.order_by("name", "id"), services, ranking


def search_organisations(params: Mapping | DirectorySearch) -> QuerySet[Organisation]:
    """Published organisations matching the /annuaire/ filters (a dict, a QueryDict or a parsed search).

    The territory narrows first (an indexed look-up in the area-served table), so the theme and audience
    conditions only look at the services of organisations serving that area.
    """
    search = params if isinstance(params, DirectorySearch) else parse_search(params)
    organisations, services, _ranking = _search(search)
    return with_listing_prefetches(organisations, services)


def search_page(search: DirectorySearch, page_number, per_page: int = 20):
    """A page of results: the filters run once (the ordered ids), then the page's rows and prefetches.

    Returns a Django ``Page`` whose ``object_list`` holds the organisations, in order.
    """
    from django.core.paginator import Paginator

    organisations, services, ranking = _search(search)
    ids = list(organisations.values_list("id", flat=True))
    if ranking is not None:  # free text: best match first, as /recherche/ ranks them
        position = {pk: rank for rank, pk in enumerate(ranking)}
        ids.sort(key=position.__getitem__)
    page = Paginator(ids, per_page).get_page(page_number)
    rows = with_listing_prefetches(Organisation.objects.filter(pk__in=list(page.object_list)), services)
    by_id = {organisation.pk: organisation for organisation in rows}
    page.object_list = [by_id[pk] for pk in page.object_list if pk in by_id]
    return page
