"""Partners shown by the guide (directory blocks, home page): live directory data near the reader.

With a territory chosen, the partners serving it (directory.queries.partners_for): the most local service
area first, then the nearest office, each with its distance; when none serves it, the nearest partners of the
same themes (directory.queries.nearest_partners). Without one, the site's own département only
(RELAIS_DEPARTEMENT_CODE), grouped by territoire d'action sociale, a few per group: a constant number of
queries either way, whatever the number of partners, because a window function keeps the first ones of each
group.

Pages never store partner data. The small lists read here are cached for a few minutes under the versions
of what each list reads: its département and its theme categories (``list_versions``). A change to an
organisation or a service bumps only the versions of the départements it serves or stood in and of its
themes, once the change is committed (signals below, ``forget_change``): an edit in the directory shows at
once in the lists it can change, and every other list stays cached. A territory change (reference data)
empties every list, and so does an import (``directory.signals.records_imported``: it writes in bulk, without
save signals). The delay only bounds changes that bypass signals (bulk updates, raw SQL).
"""

import time
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save

PER_GROUP_WITHOUT_TERRITORY = 2
CACHE_SECONDS = 300
VERSION_KEY = "guide:partners:version"  # bumped by any directory change: the printed guide's source version
EVERY_KEY = "guide:partners:every"  # bumped by forget_partners(): every list at once
ANY_THEME = "*"  # the lists of blocks without a theme read every theme


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


# --- versions: what a cached list depends on ---------------------------------------------------------------
def _departement_key(departement: str) -> str:
    return f"guide:partners:dep:{departement}"


def _theme_key(departement: str, category: str) -> str:
    return f"guide:partners:dep:{departement}:theme:{category}"


def _categories(thematiques) -> list[str]:
    from directory.vocabulary import parent_theme

    return sorted({parent_theme(code) for code in thematiques if code}) or [ANY_THEME]


def list_versions(departement: str, thematiques) -> str:
    """The versions a block's list reads, in one cache round trip: every list's, its département's, and its
    département × each theme category's (a block without a theme reads ``ANY_THEME``'s). A missing version
    starts at the current time, so that a list cached before an eviction is never read again."""
    keys = [EVERY_KEY, _departement_key(departement),
            *(_theme_key(departement, category) for category in _categories(thematiques))]
    found = cache.get_many(keys)
    missing = {key: time.time_ns() for key in keys if key not in found}
    if missing:
        cache.set_many(missing, None)
        found.update(missing)
    return ".".join(str(found[key]) for key in keys)


def _bump(keys) -> None:
    for key in keys:
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, time.time_ns(), None)


def partners_near(*, territory=None, thematiques=(), publics=(), age=None, limit=6) -> Nearby:
    url = directory_search_url(thematiques=thematiques, publics=publics, territory=territory, age=age)
    near = Nearby(territory=territory, directory_url=url)
    departement = territory.departement_code if territory else settings.RELAIS_DEPARTEMENT_CODE
    where = territory.code if territory else f"dep-{settings.RELAIS_DEPARTEMENT_CODE}"
    key = "guide:partners:v3:{}:{}:{}:{}:{}:{}".format(
        list_versions(departement, thematiques) if CACHE_SECONDS else "-", where, ",".join(sorted(thematiques)),
        ",".join(sorted(publics)), age or "-", limit)
    found = cache.get(key) if CACHE_SECONDS else None
    if found is None:
        found = _query(territory=territory, thematiques=tuple(thematiques), publics=tuple(publics), age=age,
                       limit=limit)
        if CACHE_SECONDS:
            cache.set(key, found, CACHE_SECONDS)
    near.partners, near.groups, near.nearest = found
    return near


def forget_partners(**_kwargs) -> None:
    """Every cached partner list at once (a territory changed; tests and benchmarks)."""
    _bump([EVERY_KEY, VERSION_KEY])


# --- what a directory change can change ---------------------------------------------------------------------
def footprint(*, organisation_ids=(), service_ids=()) -> tuple[set[str], set[str]]:
    """(départements, theme categories) of the lists these organisations or services can appear in, as the
    database holds them now. An organisation: the départements of its territories, its commune and its
    services' areas, its services' theme categories. A service: its organisation's places and its own area,
    its own themes (a list of another theme never shows it). ``ANY_THEME`` always. Four queries at most."""
    from directory.models import Organisation, Service
    from directory.territories import departements_of
    from directory.vocabulary import parent_theme

    if service_ids:
        services = Service.objects.filter(pk__in=list(service_ids))
        organisation_ids = set(services.values_list("organisation_id", flat=True))
    else:
        services = Service.objects.filter(organisation_id__in=list(organisation_ids))
    codes: set[str] = set()
    categories = {ANY_THEME}
    for thematiques, zone in services.order_by().values_list("thematiques", "zone_eligibilite"):
        categories.update(parent_theme(code) for code in thematiques or [])
        codes.update(str(code) for code in zone or [])
    if organisation_ids:
        through = Organisation.territories.through
        codes.update(through.objects.filter(organisation_id__in=list(organisation_ids))
                     .values_list("territory__code", flat=True))
        codes.update(code for code in Organisation.objects.filter(pk__in=list(organisation_ids))
                     .values_list("commune__code", flat=True) if code)
    return departements_of(codes), categories


def forget_lists(departements, categories) -> None:
    """Now: the lists of these départements × theme categories, and the directory's change counter."""
    _bump([VERSION_KEY, *(_theme_key(dep, category) for dep in departements for category in categories)])


def forget_change(departements, categories) -> None:
    """``forget_lists`` once the change is committed (a reader in between would cache the old state under the
    new versions)."""
    departements, categories = set(departements), set(categories)
    transaction.on_commit(lambda: forget_lists(departements, categories))


def _before_save(sender, instance, raw=False, **_kwargs) -> None:
    """The footprint of the row as it stands before the save: a service moved to another theme or place
    leaves the lists it was in."""
    if raw or instance.pk is None:
        return
    instance._partners_before = _footprint_of(sender, [instance.pk])


def _footprint_of(sender, pks):
    from directory.models import Organisation

    if sender is Organisation:
        return footprint(organisation_ids=pks)
    return footprint(service_ids=pks)


def _after_save(sender, instance, raw=False, **_kwargs) -> None:
    if raw:
        return
    departements, categories = _footprint_of(sender, [instance.pk])
    before_deps, before_categories = getattr(instance, "_partners_before", (set(), set()))
    forget_change(departements | before_deps, categories | before_categories)


def _before_delete(sender, instance, **_kwargs) -> None:
    forget_change(*_footprint_of(sender, [instance.pk]))


def _territories_changed(sender, instance, action, reverse, pk_set, **_kwargs) -> None:
    """An organisation's served territories: the lists of the territories added or removed (before a clear:
    all of them), for its themes. From a territory's side: every list of its département."""
    from directory.models import Territory
    from directory.territories import departements_of

    if action not in ("pre_clear", "post_add", "post_remove"):
        return
    if reverse:  # territory.organisations_serving.add(...): rare (scripts)
        _bump_departement(instance.departement_code)
        return
    departements, categories = footprint(organisation_ids=[instance.pk])
    if action != "pre_clear":
        departements |= departements_of(Territory.objects.filter(pk__in=list(pk_set or ())).values_list(
            "code", flat=True))
    forget_change(departements, categories)


def _bump_departement(departement: str) -> None:
    keys = [VERSION_KEY, _departement_key(departement)]
    transaction.on_commit(lambda: _bump(keys))


def _territory_changed(**_kwargs) -> None:
    """Territories are reference data (names, places, the tree): a change empties every list."""
    transaction.on_commit(forget_partners)


def _records_imported(**_kwargs) -> None:
    """An import writes many records in bulk, without save signals: every list at once, after the commit."""
    transaction.on_commit(forget_partners)


def connect_signals() -> None:
    from directory.models import Organisation, Service, Territory
    from directory.signals import records_imported

    for model in (Organisation, Service):
        name = model.__name__
        pre_save.connect(_before_save, sender=model, dispatch_uid=f"guide.partners.{name}.pre_save")
        post_save.connect(_after_save, sender=model, dispatch_uid=f"guide.partners.{name}.save")
        pre_delete.connect(_before_delete, sender=model, dispatch_uid=f"guide.partners.{name}.delete")
    post_save.connect(_territory_changed, sender=Territory, dispatch_uid="guide.partners.Territory.save")
    post_delete.connect(_territory_changed, sender=Territory, dispatch_uid="guide.partners.Territory.delete")
    m2m_changed.connect(_territories_changed, sender=Organisation.territories.through,
                        dispatch_uid="guide.partners.territories")
    records_imported.connect(_records_imported, dispatch_uid="guide.partners.imported")
