"""Demo directory: the territories of both départements and ~190 published partners across all of them.

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

SOURCE = "demo"
SEED = 2026

FIRST_NAMES = ["Camille", "Dominique", "Claude", "Alix", "Sasha", "Noa", "Lou", "Eden", "Maël", "Charlie",
               "Andréa", "Gaël", "Loïs", "Yaël", "Morgan", "Ilan", "Nour", "Sacha", "Jade", "Robin"]
LAST_NAMES = ["Exemple", "Fictif", "Démo", "Modèle", "Essai", "Prototype", "Maquette", "Ébauche", "Esquisse",
              "Brouillon"]

HOURS = [
    "Mo-Fr 09:00-12:00,13:30-17:00; PH off",
    "Mo-Th 08:30-12:00,13:30-17:30; Fr 08:30-12:00,13:30-16:30; PH off",
    "Mo,Tu,Th,Fr 09:00-12:30,14:00-17:00; We 09:00-12:30; PH off",
    "Mo-Fr 08:45-12:15,13:45-17:15; Sa 09:00-12:00; PH off",
    "Tu-Fr 10:00-12:00,14:00-18:00; PH off",
]

ACCESSIBILITY = [
    "Accès de plain-pied, accueil adapté aux personnes en fauteuil roulant.",
    "Rampe d'accès et ascenseur ; boucle magnétique à l'accueil.",
    "Accès par quelques marches ; accueil possible au rez-de-chaussée sur rendez-vous.",
]

# kind: (type code, name pattern, [(service name, categories, publics, age_min, age_max, modes)], roles)
KINDS = {
    "ml": ("mission-locale", "Mission locale {de}", [
        ("Accompagnement vers l'emploi et la formation", ["trouver-un-emploi", "se-former", "choisir-un-metier"],
         ["jeunes"], 16, 25),
        ("Contrat d'engagement jeune (CEJ)", ["preparer-sa-candidature", "remobilisation"], ["jeunes"], 16, 25),
        ("Mobilité internationale des jeunes", ["souvrir-a-linternational"], ["jeunes"], 18, 25),
    ], ["conseiller·e référent·e ASE", "chargé·e de relation entreprises"]),
    "ccas": ("ccas-cias", "CCAS {de}", [
        ("Aide aux démarches administratives", ["difficultes-administratives-ou-juridiques"], ["tous-publics"],
         None, None),
        ("Aides financières d'urgence", ["difficultes-financieres", "equipement-et-alimentation"],
         ["personnes-en-situation-durgence"], 18, None),
    ], ["travailleur·se social·e", "référent·e logement"]),
    "ft": ("france-travail", "France Travail — agence {de}", [
        ("Inscription et accompagnement des demandeurs d'emploi", ["trouver-un-emploi", "preparer-sa-candidature"],
         ["demandeurs-emploi"], 16, None),
        ("Ateliers de recherche d'emploi", ["preparer-sa-candidature", "numerique"], ["demandeurs-emploi"], 16, None),
    ], ["conseiller·e jeunes"]),
    "caf": ("caf", "CAF — accueil {de}", [
        ("Prestations familiales et aides au logement", ["difficultes-financieres", "logement-hebergement", "famille"],
         ["tous-publics"], None, None),
    ], ["chargé·e d'accueil partenaires"]),
    "cpam": ("cpam", "CPAM — accueil {de}", [
        ("Ouverture des droits santé et complémentaire santé solidaire", ["sante"], ["tous-publics"], None, None),
    ], ["conseiller·e accès aux droits"]),
    "fjt": ("local-fjt", "Résidence Habitat Jeunes {de}", [
        ("Logement temporaire pour jeunes de 16 à 30 ans", ["logement-hebergement"], ["jeunes"], 16, 30),
        ("Accompagnement socio-éducatif des résidents", ["logement-hebergement", "difficultes-financieres"],
         ["jeunes"], 16, 30),
    ], ["référent·e thématique logement", "animateur·rice socio-éducatif·ve"]),
    "cllaj": ("local-cllaj", "CLLAJ {de}", [
        ("Conseil logement pour les jeunes", ["logement-hebergement"], ["jeunes"], 18, 30),
    ], ["conseiller·e logement"]),
    "mds": ("local-service-ase", "Maison du Département Solidarité — {place}", [
        ("Accompagnement des jeunes majeurs (CJM)", ["logement-hebergement", "difficultes-financieres",
                                                    "difficultes-administratives-ou-juridiques"],
         ["jeunes"], 17, 21),
        ("Protection maternelle et infantile", ["famille", "sante"], ["familles"], None, None),
    ], ["coordonnateur·rice ASE", "référent·e de parcours"]),
    "prev": ("local-prevention-specialisee", "Club de prévention spécialisée {de}", [
        ("Travail de rue et accompagnement éducatif", ["remobilisation", "famille"], ["jeunes"], 11, 25),
    ], ["éducateur·rice spécialisé·e"]),
    "e2c": ("ecoles-de-la-deuxieme-chance", "École de la deuxième chance {de}", [
        ("Parcours de formation en alternance", ["se-former", "lecture-ecriture-calcul", "remobilisation"],
         ["jeunes"], 16, 25),
    ], ["formateur·rice référent·e"]),
    "mda": ("local-maison-des-ados", "Maison des adolescents {de}", [
        ("Écoute et accompagnement santé des adolescents", ["sante", "famille"], ["jeunes"], 11, 25),
    ], ["psychologue", "infirmier·ère d'accueil"]),
    "pf": ("local-planning-familial", "Planning familial {de}", [
        ("Contraception, IVG et vie affective", ["sante", "famille"], ["tous-publics"], None, None),
    ], ["conseiller·e conjugal·e et familial·e"]),
    "pjj": ("local-pjj", "PJJ — unité éducative de milieu ouvert {de}", [
        ("Suivi éducatif des mineurs et jeunes majeurs",
         ["remobilisation", "difficultes-administratives-ou-juridiques"],
         ["personnes-en-situation-juridique-specifique"], 13, 21),
    ], ["éducateur·rice PJJ"]),
    "mecs": ("local-mecs", "MECS {de}", [
        ("Accueil éducatif et préparation à l'autonomie", ["logement-hebergement", "se-former"], ["jeunes"], 12, 21),
    ], ["chef·fe de service éducatif"]),
    "mobilite": ("mobin", "Plateforme mobilité {de}", [
        ("Location de scooters et aide au permis", ["mobilite"], ["jeunes", "demandeurs-emploi"], 16, 30),
    ], ["conseiller·e mobilité"]),
    "fs": ("france-service", "France services {de}", [
        ("Accompagnement au numérique et aux démarches en ligne", ["numerique",
                                                                 "difficultes-administratives-ou-juridiques"],
         ["tous-publics"], None, None),
    ], ["conseiller·e numérique"]),
    "alim": ("banques-alimentaires", "Épicerie solidaire {de}", [
        ("Aide alimentaire et vestiaire", ["equipement-et-alimentation"], ["personnes-en-situation-durgence"],
         None, None),
    ], ["coordinateur·rice bénévole"]),
    "adie": ("adie", "ADIE — antenne {de}", [
        ("Microcrédit et accompagnement à la création d'entreprise", ["creer-une-entreprise"],
         ["demandeurs-emploi", "jeunes"], 18, None),
    ], ["conseiller·e création"]),
}

# In every territory; then a rotation of the others so each territory has ~10 partners.
ALWAYS = ["ml", "ccas", "ft", "fjt", "mds", "caf", "fs"]
ROTATION = ["cpam", "cllaj", "prev", "e2c", "mda", "pf", "pjj", "mecs", "mobilite", "alim", "adie"]

# "de" + place name, as French says it: "de l'Arrageois", "du Boulonnais", "d'Arras", "de Calais".
TERRITORY_DE = {"Arrageois": "de l'Arrageois", "Artois": "de l'Artois", "Audomarois": "de l'Audomarois",
                "Boulonnais": "du Boulonnais", "Calaisis": "du Calaisis", "Lens-Liévin": "de Lens-Liévin",
                "Hénin-Carvin": "d'Hénin-Carvin", "Montreuillois": "du Montreuillois", "Ternois": "du Ternois"}


def de(place: str) -> str:
    if place in TERRITORY_DE:
        return TERRITORY_DE[place]
    if place.startswith("Le "):
        return "du " + place[3:]
    if place.startswith("Les "):
        return "des " + place[4:]
    return ("d'" if place[:1] in "AEIOUYÉÈÂÎH" else "de ") + place


STREETS = ["rue de la République", "avenue Jean-Jaurès", "place de la Mairie", "rue Victor-Hugo",
           "boulevard de la Liberté", "rue Pasteur", "rue du Général-de-Gaulle", "rue des Écoles"]


def _sub_themes(rng, categories):
    codes = []
    for category in categories:
        subs = [t.value for t in Thematique if t.value.startswith(category + "--")]
        codes.extend(rng.sample(subs, k=min(len(subs), rng.choice((1, 2)))) if subs else [category])
    return codes


def _phone(n: int) -> str:
    return f"01 99 00 {n // 100 % 100:02d} {n % 100:02d}"


def _territory_plan():
    """[(territory, [communes by population desc])] for every territoire of both départements."""
    plan = []
    for territory in Territory.objects.filter(kind=Territory.Kind.TERRITOIRE).order_by("code"):
        communes = list(Territory.objects.filter(parent=territory).order_by("-population", "code")[:6])
        if communes:
            plan.append((territory, communes))
    return plan


@transaction.atomic
def load(log) -> None:
    load_territories(log)
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
    typologie, pattern, services, roles = KINDS[kind]
    if kind == "mds" and territory.code.startswith("49-"):
        pattern = "Maison départementale des solidarités {de}"  # Maine-et-Loire's name for them
    serves_departement = kind in ("caf", "cpam", "pjj", "adie") and rng.random() < 0.5
    org = Organisation.objects.create(
        name=pattern.format(place=place, de=de(place)), status=Organisation.Status.PUBLISHED, typologie=typologie,
        address=f"{rng.randint(1, 120)} {rng.choice(STREETS)}", postal_code=(commune.postal_codes or "")[:5],
        commune=commune,
        latitude=round(commune.latitude + rng.uniform(-0.004, 0.004), 5),
        longitude=round(commune.longitude + rng.uniform(-0.006, 0.006), 5),
        phone=_phone(number), email=f"accueil-{number}@exemple.invalid",
        website=f"https://partenaire-{number}.exemple.invalid/",
        description=(f"{pattern.format(place=place, de=de(place))} accueille et accompagne les habitants du territoire "
                     f"{territory.name}. Les jeunes sortant de l'aide sociale à l'enfance y sont reçus avec ou sans "
                     "rendez-vous, seuls ou accompagnés de leur référent."),
        opening_hours=rng.choice(HOURS), accessibility=rng.choice(ACCESSIBILITY),
        last_confirmed_at=now - timedelta(days=rng.choice((10, 40, 90, 150, 200, 400))),
        source=SOURCE, source_id=source_id,
    )
    if number % 17 == 0:
        org.notice = "Fermeture exceptionnelle le vendredi après-midi pendant les vacances scolaires."
        org.save(update_fields=["notice"])
    org.territories.set([departement] if serves_departement else [territory])
    zone = [departement.code] if serves_departement else list(
        Territory.objects.filter(parent=territory).values_list("code", flat=True)[:50])
    for s_index, (name, categories, publics, age_min, age_max) in enumerate(services):
        Service.objects.create(
            organisation=org, name=name, status=Service.Status.PUBLISHED,
            description=(f"{name} proposé par {org.name}. Un premier entretien permet de faire le point sur ta "
                         "situation et tes besoins ; l'équipe t'oriente ensuite vers les bons interlocuteurs. "
                         "Tu peux venir seul ou avec ton éducateur ou ton référent ASE."),
            thematiques=_sub_themes(rng, categories), publics=publics, age_min=age_min, age_max=age_max,
            frais="gratuit", modes_accueil=["en-presentiel"] + (["a-distance"] if s_index % 2 else []),
            modes_mobilisation=["se-presenter", "telephoner"], mobilisable_par=["usagers", "professionnels"],
            zone_eligibilite=zone, source_id=f"{source_id}--s{s_index}",
        )
    Contact.objects.create(organisation=org, name="Accueil", role="accueil du public", phone=org.phone,
                           email=org.email, visibility=Contact.Visibility.PUBLIC, position=0)
    for r_index, role in enumerate(roles):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        Contact.objects.create(organisation=org, name=f"{first} {last}", role=role,
                               email=f"{first.lower()}.{last.lower()}-{number}@exemple.invalid".replace("ë", "e")
                               .replace("é", "e").replace("è", "e").replace("ï", "i").replace("É", "e"),
                               phone=_phone(5000 + number * 3 + r_index),
                               visibility=Contact.Visibility.PROFESSIONALS, position=1 + r_index)
    Contact.objects.create(organisation=org, name="Direction", role="direction (interne)",
                           email=f"direction-{number}@exemple.invalid", visibility=Contact.Visibility.INTERNAL,
                           position=9)


def _create_siao(rng, source_id, departement, capital, number, now):
    org = Organisation.objects.create(
        name=f"SIAO — {departement.name}", status=Organisation.Status.PUBLISHED, typologie="local-siao",
        address="2 place de la Préfecture", postal_code=(capital.postal_codes or "")[:5], commune=capital,
        phone="115", email=f"siao-{departement.code}@exemple.invalid",
        description=("Le service intégré d'accueil et d'orientation recense les places d'hébergement d'urgence et "
                     "d'insertion et oriente les personnes sans solution de logement. Le 115 répond jour et nuit."),
        opening_hours="24/7", accessibility="Accueil téléphonique 24 h/24 au 115.",
        last_confirmed_at=now - timedelta(days=20), source=SOURCE, source_id=source_id,
    )
    org.territories.set([departement])
    Service.objects.create(
        organisation=org, name="Hébergement d'urgence (115)", status=Service.Status.PUBLISHED,
        description=("Appelle le 115, gratuit, jour et nuit : un écoutant fait le point avec toi et cherche une "
                     "place d'hébergement pour la nuit ou une orientation vers un hébergement plus durable."),
        thematiques=["logement-hebergement--rechercher-une-solution-dhebergement-temporaire"],
        publics=["tous-publics"], frais="gratuit", modes_accueil=["a-distance"],
        modes_mobilisation=["telephoner"], mobilisable_par=["usagers", "professionnels"],
        zone_eligibilite=[departement.code], source_id=f"{source_id}--s0",
    )
    Contact.objects.create(organisation=org, name="Écoutants du 115", role="accueil téléphonique",
                           phone="115", visibility=Contact.Visibility.PUBLIC)
    Contact.objects.create(organisation=org, name="Coordination SIAO", role="coordonnateur·rice des orientations",
                           email=f"coordination-siao-{departement.code}@exemple.invalid",
                           phone=_phone(9000 + number), visibility=Contact.Visibility.PROFESSIONALS)


def _assign_demo_editor(log) -> None:
    editor = get_user_model().objects.filter(username="editeur").first()
    if editor is None:
        return
    for source_id in ("demo--62-ARR--ml", "demo--62-ARR--fjt"):
        org = Organisation.objects.filter(source=SOURCE, source_id=source_id).first()
        if org is not None and not editor.has_perm("directory.change_organisation", org):
            assign_editor(org, editor)
    log("Annuaire : le compte « editeur » tient à jour 2 organisations de l'Arrageois.")
