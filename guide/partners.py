"""Partners shown by the guide (directory blocks, home page): live directory data near the reader.

With a territory chosen, the partners serving it (directory.queries.partners_for): the most local service
area first, then the nearest office, each with its distance; when none serves it, the nearest partners of the
same themes (directory.queries.nearest_partners). Without one, the site's own département only
(RELAIS_DEPARTEMENT_CODE), grouped by territoire d'action sociale, a few per group: a constant number of
queries either way, whatever the number of partners, because a window function keeps the first ones of each
group.

Pages never store partner data. The small lists read here are cached for a few minutes under a version
number that any change to an organisation, a service or a territory bumps (signals below), so an edit in the
directory shows at once; the delay only bounds changes that bypass signals (bulk updates, raw SQL).
"""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.db.models.signals import m2m_changed, post_delete, post_save

PER_GROUP_WITHOUT_TERRITORY = 2
CACHE_SECONDS = 300
VERSION_KEY = "guide:partners:version"


@dataclass(frozen=True)
class Partner:
    """What the guide shows of a partner: enough to recognise it, call it and open its directory page."""

    name: str
    slug: str
    place: str
    phone: str
    distance: str = ""  # "à 3 km" from the reader's place to the office, when both are known


@dataclass
class Nearby:
    territory: object | None
    partners: list = field(default_factory=list)
    groups: list = field(default_factory=list)  # [(territoire name, [Partner])] when no territory
    nearest: list = field(default_factory=list)  # [Partner] nearest the reader when none of this kind serves them
    directory_url: str = "/annuaire/"

    @property
    def empty(self) -> bool:
        return not self.partners and not self.groups


def directory_search_url(*, thematiques=(), publics=(), territory=None, age=None) -> str:
    """The /annuaire/ search with the same filters, for "voir tous les partenaires"."""
    params = [("theme", code) for code in thematiques] + [("public", code) for code in publics]
    if territory is not None:
        params.append(("territoire", territory.code))
    if age:
        params.append(("age", age))
    return "/annuaire/" + (f"?{urlencode(params)}" if params else "")


def _partner(org, distance=None) -> Partner:
    from directory.queries import distance_label

    commune = org.commune if org.commune_id else None
    return Partner(org.name, org.slug, commune.name if commune else "", org.phone, distance_label(distance))


NEAREST_WHEN_EMPTY = 3


def _query(*, territory, thematiques, publics, age, limit):
    """(partners, groups, nearest): see ``Nearby``."""
    from directory import territories
    from directory.models import Organisation
    from directory.queries import nearest_partners, partners_for

    # The guide shows name, place, phone and distance only: drop the directory listing's prefetches (services,
    # contacts), one query each, read only the columns shown, and join the commune and its territoire.
    columns = ("name", "slug", "phone", "commune__name", "commune__parent__name")
    if territory is not None:
        qs = (partners_for(thematiques=thematiques, publics=publics, territory=territory, age=age)
              .prefetch_related(None).select_related("commune__parent").only(*columns))
        partners = [_partner(org, org.distance_km) for org in qs[:limit]]
        if partners:
            return partners, [], []
        nearest = nearest_partners(thematiques=thematiques, territory=territory, limit=min(limit, NEAREST_WHEN_EMPTY))
        return [], [], [_partner(org, org.distance_km) for org in nearest]
    # Only the site's own département: organisations serving it or a place in it.
    through = Organisation.territories.through
    in_departement = through.objects.filter(
        territories.code_subtree_q(settings.RELAIS_DEPARTEMENT_CODE, "territory")).values("organisation_id")
    qs = (partners_for(thematiques=thematiques, publics=publics, age=age).filter(id__in=in_departement)
          .prefetch_related(None).select_related("commune__parent").only(*columns))
    ranked = qs.annotate(
        group_rank=Window(RowNumber(), partition_by=[F("commune__parent")], order_by=[F("name").asc()])
    ).filter(group_rank__lte=PER_GROUP_WITHOUT_TERRITORY)
    groups: dict[str, list] = {}
    for org in ranked.order_by("commune__parent__name", "name")[: limit * 4]:
        parent = org.commune.parent if org.commune_id and org.commune.parent_id else None
        groups.setdefault(parent.name if parent else "", []).append(_partner(org))
    return [], sorted(groups.items(), key=lambda item: (item[0] == "", item[0])), []


def partners_near(*, territory=None, thematiques=(), publics=(), age=None, limit=6) -> Nearby:
    url = directory_search_url(thematiques=thematiques, publics=publics, territory=territory, age=age)
    near = Nearby(territory=territory, directory_url=url)
    version = cache.get_or_set(VERSION_KEY, 1, None)
    where = territory.code if territory else f"dep-{settings.RELAIS_DEPARTEMENT_CODE}"
    key = "guide:partners:v2:{}:{}:{}:{}:{}:{}".format(
        version, where, ",".join(sorted(thematiques)), ",".join(sorted(publics)),
        age or "-", limit)
    found = cache.get(key) if CACHE_SECONDS else None
    if found is None:
        found = _query(territory=territory, thematiques=tuple(thematiques), publics=tuple(publics), age=age,
                       limit=limit)
        if CACHE_SECONDS:
            cache.set(key, found, CACHE_SECONDS)
    near.partners, near.groups, near.nearest = found
    return near


def forget_partners(**_kwargs) -> None:
    """Any directory change makes every cached partner list obsolete at once."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 1, None)


def connect_signals() -> None:
    from directory.models import Organisation, Service, Territory

    for model in (Organisation, Service, Territory):
        post_save.connect(forget_partners, sender=model, dispatch_uid=f"guide.partners.{model.__name__}.save")
        post_delete.connect(forget_partners, sender=model, dispatch_uid=f"guide.partners.{model.__name__}.delete")
    m2m_changed.connect(forget_partners, sender=Organisation.territories.through,
                        dispatch_uid="guide.partners.territories")
