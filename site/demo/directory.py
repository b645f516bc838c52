"""Demo directory: the territories of both départements and ~190 published partners across all of them,
generated from data/directory.toml (kinds of partners, their services and contacts' roles, fictional names).

Organisation names are generic public kinds of partners (Mission locale, CCAS, FJT…) placed in real
communes; every address, phone number (01 99 00 xx xx fiction range), e-mail (exemple.invalid) and contact
person is fictional. Deterministic (seeded random) and idempotent: records are keyed by a stable demo id
and only missing ones are created.
"""

import random
from datetime import timedelta

from data_inclusion.schema.v1 import Thematique
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from directory.history import untracked
from directory.models import Contact, Organisation, Service, Territory
from directory.permissions import assign_editor
from directory.territories import load_territories
from relais.demo import read
from relais.permissions import can

DATA = read("directory.toml")
SOURCE = DATA["source"]
SEED = DATA["seed"]
KINDS = DATA["kinds"]
# In every territory; then a rotation of the others so each territory has ~10 partners.
ALWAYS = DATA["always"]
ROTATION = DATA["rotation"]
TEXTS = DATA["texts"]
# Their territoires d'action sociale come from the committed table (directory/data/territoires_action_sociale.csv).
DEMO_DEPARTEMENTS = ("62", "49")


def de(place: str) -> str:
    """"de" + place name, as French says it: "de l'Arrageois", "du Boulonnais", "d'Arras", "de Calais"."""
    if place in DATA["territory_de"]:
        return DATA["territory_de"][place]
    if place.startswith("Le "):
        return "du " + place[3:]
    if place.startswith("Les "):
        return "des " + place[4:]
    return ("d'" if place[:1] in "AEIOUYÉÈÂÎH" else "de ") + place


def _sub_themes(rng, categories):
    codes = []
    for category in categories:
        subs = [t.value for t in Thematique if t.value.startswith(category + "--")]
        codes.extend(rng.sample(subs, k=min(len(subs), rng.choice((1, 2)))) if subs else [category])
    return codes


def _phone(n: int) -> str:
    return f"01 99 00 {n // 100 % 100:02d} {n % 100:02d}"


def _territory_plan():
    """[(territory, [communes by population desc])] for every territoire of both départements: communes with a
    known centre (the demo places its offices around it), the most populated first."""
    plan = []
    for territory in Territory.objects.filter(kind=Territory.Kind.TERRITOIRE).order_by("code"):
        communes = list(Territory.objects.filter(parent=territory, latitude__isnull=False)
                        .order_by("-population", "code")[:6])
        if communes:
            plan.append((territory, communes))
    return plan


@transaction.atomic
def load(log) -> None:
    load_territories(log, departements=DEMO_DEPARTEMENTS)
    rng = random.Random(SEED)
    existing = set(Organisation.objects.filter(source=SOURCE).values_list("source_id", flat=True))
    created = 0
    number = 0
    now = timezone.now()
    with untracked():
        for index, (territory, communes) in enumerate(_territory_plan()):
            departement = territory.parent
            kinds = ALWAYS + [ROTATION[(index * 4 + k) % len(ROTATION)] for k in range(4)]
            for position, kind in enumerate(kinds):
                number += 1
                source_id = f"demo--{territory.code}--{kind}"
                if source_id in existing:
                    continue
                commune = communes[position % len(communes)] if kind in ("ccas", "fs", "alim") else communes[0]
                by_commune = kind in ("ccas", "fs", "alim", "ft", "caf", "cpam") or territory.code.startswith("49-")
                place = commune.name if by_commune else territory.name
                _create(rng, kind, source_id, place, commune, territory, departement, number, now)
                created += 1
        for departement in Territory.objects.filter(kind=Territory.Kind.DEPARTEMENT).order_by("code"):
            source_id = f"demo--{departement.code}--siao"
            number += 1
            if source_id not in existing:
                capital = Territory.objects.filter(parent__parent=departement).order_by("-population").first()
                _create_siao(rng, source_id, departement, capital, number, now)
                created += 1
    _assign_demo_editor(log)
    log(f"Annuaire : {Organisation.objects.filter(source=SOURCE).count()} organisations de démonstration "
        f"({created} créées).")


def _create(rng, kind, source_id, place, commune, territory, departement, number, now):
    spec = KINDS[kind]
    pattern = spec.get("name_by_departement", {}).get(territory.code.split("-", 1)[0], spec["name"])
    name = pattern.format(place=place, de=de(place))
    serves_departement = kind in ("caf", "cpam", "pjj", "adie") and rng.random() < 0.5
    org = Organisation.objects.create(
        name=name, status=Organisation.Status.PUBLISHED, typologie=spec["typologie"],
        address=f"{rng.randint(1, 120)} {rng.choice(DATA['streets'])}", postal_code=(commune.postal_codes or "")[:5],
        commune=commune,
        latitude=round(commune.latitude + rng.uniform(-0.004, 0.004), 5),
        longitude=round(commune.longitude + rng.uniform(-0.006, 0.006), 5),
        phone=_phone(number), email=f"accueil-{number}@exemple.invalid",
        website=f"https://partenaire-{number}.exemple.invalid/",
        description=TEXTS["organisation"].format(name=name, territory=territory.name),
        opening_hours=rng.choice(DATA["hours"]), accessibility=rng.choice(DATA["accessibility"]),
        last_confirmed_at=now - timedelta(days=rng.choice((10, 40, 90, 150, 200, 400))),
        source=SOURCE, source_id=source_id,
    )
    if number % 17 == 0:
        org.notice = TEXTS["notice"]
        org.save(update_fields=["notice"])
    org.territories.set([departement] if serves_departement else [territory])
    zone = [departement.code] if serves_departement else list(
        Territory.objects.filter(parent=territory).values_list("code", flat=True)[:50])
    for s_index, service in enumerate(spec["services"]):
        Service.objects.create(
            organisation=org, name=service["name"], status=Service.Status.PUBLISHED,
            description=TEXTS["service"].format(service=service["name"], organisation=org.name),
            thematiques=_sub_themes(rng, service["categories"]), publics=service["publics"],
            age_min=service.get("age_min"), age_max=service.get("age_max"),
            frais="gratuit", modes_accueil=["en-presentiel"] + (["a-distance"] if s_index % 2 else []),
            modes_mobilisation=["se-presenter", "telephoner"], mobilisable_par=["usagers", "professionnels"],
            zone_eligibilite=zone, opening_hours=service.get("opening_hours", ""), source_id=f"{source_id}--s{s_index}",
        )
    Contact.objects.create(organisation=org, **TEXTS["reception"], phone=org.phone, email=org.email,
                           visibility=Contact.Visibility.PUBLIC, position=0)
    for r_index, role in enumerate(spec["roles"]):
        first, last = rng.choice(DATA["first_names"]), rng.choice(DATA["last_names"])
        Contact.objects.create(organisation=org, name=f"{first} {last}", role=role,
                               email=f"{first.lower()}.{last.lower()}-{number}@exemple.invalid".replace("ë", "e")
                               .replace("é", "e").replace("è", "e").replace("ï", "i").replace("É", "e"),
                               phone=_phone(5000 + number * 3 + r_index),
                               visibility=Contact.Visibility.PROFESSIONALS, position=1 + r_index)
    Contact.objects.create(organisation=org, **TEXTS["direction"], email=f"direction-{number}@exemple.invalid",
                           visibility=Contact.Visibility.INTERNAL, position=9)


def _create_siao(rng, source_id, departement, capital, number, now):
    spec = DATA["siao"]
    names = {"departement": departement.name, "code": departement.code}
    org = Organisation.objects.create(
        name=spec["name"].format(**names), status=Organisation.Status.PUBLISHED, typologie=spec["typologie"],
        address=spec["address"], postal_code=(capital.postal_codes or "")[:5], commune=capital,
        phone=spec["phone"], email=spec["email"].format(**names), description=spec["description"],
        opening_hours=spec["opening_hours"], accessibility=spec["accessibility"],
        last_confirmed_at=now - timedelta(days=spec["confirmed_days_ago"]), source=SOURCE, source_id=source_id,
    )
    org.territories.set([departement])
    Service.objects.create(organisation=org, status=Service.Status.PUBLISHED, **spec["service"],
                           zone_eligibilite=[departement.code], source_id=f"{source_id}--s0")
    for contact in spec["contacts"]:
        fields = {key: value.format(**names) for key, value in contact.items()}
        if "phone" not in fields:
            fields["phone"] = _phone(9000 + number)
        Contact.objects.create(organisation=org, **fields)


def _assign_demo_editor(log) -> None:
    editor = get_user_model().objects.filter(username="editeur").first()
    if editor is None:
        return
    for source_id in DATA["editor_organisations"]:
        org = Organisation.objects.filter(source=SOURCE, source_id=source_id).first()
        if org is not None and not can(editor, "directory.change_organisation", org, global_ok=False):
            assign_editor(org, editor)
    log("Annuaire : le compte « editeur » tient à jour 2 organisations de l'Arrageois.")
