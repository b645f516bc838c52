"""Partners shown by the guide (directory blocks, home page): live directory data near the reader.

With a territory chosen, the nearest partners come first (those serving it, via directory.queries). Without
one, the whole département, grouped by territoire d'action sociale, a few per group: one query either way,
whatever the number of partners, because a window function keeps the first ones of each group.
"""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import F, Window
from django.db.models.functions import RowNumber

PER_GROUP_WITHOUT_TERRITORY = 2


@dataclass
class Nearby:
    territory: object | None
    partners: list = field(default_factory=list)
    groups: list = field(default_factory=list)  # [(territoire name, [organisations])] when no territory
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


def partners_near(*, territory=None, thematiques=(), publics=(), age=None, limit=6) -> Nearby:
    try:
        from directory.queries import partners_for
    except ImportError:  # directory app not ready: the block says nothing matches and links to the directory
        partners_for = None
    url = directory_search_url(thematiques=thematiques, publics=publics, territory=territory, age=age)
    near = Nearby(territory=territory, directory_url=url)
    if partners_for is None:
        return near
    # The guide shows name, place and phone only: drop the directory listing's prefetches (services,
    # contacts), one query each per block, and join the commune and its territoire instead.
    qs = partners_for(thematiques=thematiques, publics=publics, territory=territory, age=age)
    qs = qs.prefetch_related(None).select_related("commune__parent")
    if territory is not None:
        near.partners = list(qs.order_by("name")[:limit])
        return near
    ranked = qs.annotate(
        group_rank=Window(RowNumber(), partition_by=[F("commune__parent")], order_by=[F("name").asc()])
    ).filter(group_rank__lte=PER_GROUP_WITHOUT_TERRITORY)
    groups: dict[str, list] = {}
    for org in ranked.order_by("commune__parent__name", "name")[: limit * 4]:
        parent = org.commune.parent if org.commune_id and org.commune.parent_id else None
        groups.setdefault(parent.name if parent else "", []).append(org)
    near.groups = sorted(groups.items(), key=lambda item: (item[0] == "", item[0]))
    return near
