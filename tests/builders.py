"""The one set of record builders every suite uses (conftests, e2e, perf and the URL catalogue).

Plain functions with keyword overrides, so that a fixture says only what its tests depend on. Places come from
one catalogue (``PLACES``): a suite picks the ones it needs with ``territory_world`` and keeps its own details
(no coordinates, another parent…) through ``located`` and ``changes``, because tests assert on them.
"""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from directory.models import Contact, Organisation, Service, Territory
from meetings.models import BodyMember, Meeting
from meetings.services import freeze_invitations
from relais import roles

PASSWORD = "un-mot-de-passe-de-test"

# The fictional-but-real places of the tests, keyed as the suites look them up: départements and MDS
# territories by code, communes by name.
PLACES = {
    "62": {"kind": "departement", "code": "62", "name": "Pas-de-Calais", "latitude": 50.5, "longitude": 2.3},
    "49": {"kind": "departement", "code": "49", "name": "Maine-et-Loire"},
    "62-ARR": {"kind": "territoire", "code": "62-ARR", "name": "Arrageois", "parent": "62"},
    "62-CAL": {"kind": "territoire", "code": "62-CAL", "name": "Calaisis", "parent": "62"},
    "62-BOU": {"kind": "territoire", "code": "62-BOU", "name": "Boulonnais", "parent": "62"},
    "62-LEN": {"kind": "territoire", "code": "62-LEN", "name": "Lens-Hénin", "parent": "62"},
    "62-BET": {"kind": "territoire", "code": "62-BET", "name": "Artois", "parent": "62"},
    "62-ART": {"kind": "territoire", "code": "62-ART", "name": "Artois", "parent": "62"},
    "arras": {"kind": "commune", "code": "62041", "name": "Arras", "parent": "62-ARR", "latitude": 50.29,
              "longitude": 2.78, "postal_codes": "62000"},
    "achicourt": {"kind": "commune", "code": "62004", "name": "Achicourt", "parent": "62-ARR", "latitude": 50.27,
                  "longitude": 2.76, "postal_codes": "62217"},
    "calais": {"kind": "commune", "code": "62193", "name": "Calais", "parent": "62-CAL", "latitude": 50.95,
               "longitude": 1.86, "postal_codes": "62100"},
    "lens": {"kind": "commune", "code": "62498", "name": "Lens", "parent": "62-LEN", "latitude": 50.4322,
             "longitude": 2.8333},
    "bethune": {"kind": "commune", "code": "62119", "name": "Béthune", "parent": "62-BET", "latitude": 50.5303,
                "longitude": 2.6408},
    "angers": {"kind": "commune", "code": "49007", "name": "Angers", "parent": "49", "latitude": 47.47,
               "longitude": -0.55},
}
LOCATION = ("latitude", "longitude", "postal_codes")


def make_territory(kind: str, code: str, name: str, *, parent: Territory | None = None, **fields) -> Territory:
    return Territory.objects.create(kind=kind, code=code, name=name, parent=parent, **fields)


def territory_world(*keys: str, located=True, changes: dict | None = None) -> dict[str, Territory]:
    """Creates the places ``keys`` of ``PLACES``, in that order (a parent before its children) → {key: Territory}.

    ``located``: True keeps the catalogue's coordinates and postal codes, False drops them, a set of keys keeps
    them for those places only. ``changes``: {key: {field: value}} applied last; ``"parent"`` names another key.
    """
    world = {}
    for key in keys:
        fields = dict(PLACES[key])
        if located is not True and key not in (located or ()):
            for name in LOCATION:
                fields.pop(name, None)
        fields.update((changes or {}).get(key, {}))
        parent = fields.pop("parent", None)
        if parent is not None and parent not in world:
            raise ValueError(f"territory_world: list {parent!r} before {key!r}")
        world[key] = make_territory(parent=world.get(parent), **fields)
    return world


def make_user(username: str, role: str | None = None, **extra):
    """A user with the tests' password, in that role's group (role None: no group)."""
    user = get_user_model().objects.create_user(username=username, password=PASSWORD,
                                                email=f"{username}@exemple.invalid", **extra)
    if role:
        roles.sync_role_permissions()
        user.groups.add(Group.objects.get(name=role))
    return user


def make_service(organisation: Organisation, **fields) -> Service:
    fields.setdefault("name", f"Service de {organisation.name}")
    return Service.objects.create(organisation=organisation, **fields)


def make_contact(organisation: Organisation, **fields) -> Contact:
    return Contact.objects.create(organisation=organisation, **fields)


def make_org(name: str, *, serving=(), services=(), contacts=(), **fields) -> Organisation:
    """A published organisation serving ``serving`` (territories), with services and contacts given as dicts."""
    fields.setdefault("status", Organisation.Status.PUBLISHED)
    org = Organisation.objects.create(name=name, **fields)
    if serving:
        org.territories.set(serving)
    for spec in services:
        make_service(org, **spec)
    for spec in contacts:
        make_contact(org, **spec)
    return org


def seat_partner(body, organisation: dict, contact: dict | None = None, **member) -> BodyMember:
    """A new partner organisation (fields in ``organisation``), with its named contact if given, seated on
    ``body`` (``member``: the seat's fields)."""
    org = make_org(**organisation)
    named = make_contact(org, **contact) if contact is not None else None
    return BodyMember.objects.create(body=body, organisation=org, contact=named, **member)


def make_meeting(body, *, start=None, hours=2, convene=False, **fields) -> Meeting:
    """A session of ``body`` from ``start`` (default: now, to the second) lasting ``hours``; ``convene``
    freezes its invitations as convening it does."""
    start = start or timezone.now().replace(microsecond=0)
    meeting = Meeting.objects.create(body=body, starts_at=start, ends_at=start + timedelta(hours=hours), **fields)
    if convene:
        freeze_invitations(meeting)
        meeting.refresh_from_db()
    return meeting
