"""Directory at département scale: 2,000 organisations, 10,000 services, on the embedded default (SQLite).

Each page's CPU time is compared with a trivial view's, timed alternately in the same run (see conftest.py);
the bars are on that ratio and on the SQL query count. The roadmap's target for /annuaire/ with commune + theme
+ free text is 40× the trivial view; the printed line gives today's ratio, its bar and that target.
"""

import random

import pytest
from django.urls import reverse

from directory.history import untracked
from directory.models import Contact, Organisation, Service, Territory, build_index
from directory.territories import load_territories
from directory.vocabulary import theme_choices
from search import indexing
from tests.perf.conftest import count_queries, report, serve, time_against_floor

pytestmark = [pytest.mark.perf, pytest.mark.django_db]

ORGANISATIONS = 2000
SERVICES_PER_ORGANISATION = 5
RUNS = 30
WORDS = ["accueil", "jeunes", "logement", "emploi", "santé", "accompagnement", "droits", "formation", "écoute",
         "mobilité", "budget", "famille", "insertion", "autonomie", "orientation"]


def build_directory():
    rng = random.Random(7)
    load_territories()
    communes = list(Territory.objects.filter(kind="commune").order_by("code"))
    themes = [code for code, _label in theme_choices() if "--" in code]
    publics = ["jeunes", "tous-publics", "familles", "demandeurs-emploi", "femmes"]
    organisations = [Organisation(
        name=f"{rng.choice(['Mission locale', 'CCAS', 'Résidence Habitat Jeunes', 'Association', 'Point accueil'])} "
             f"{commune.name} {i}",
        slug=f"bench-{i}", status="published", typologie=rng.choice(["mission-locale", "ccas-cias", "local-fjt"]),
        commune=commune, latitude=commune.latitude, longitude=commune.longitude, phone="01 99 00 00 00",
        description=" ".join(rng.choice(WORDS) for _ in range(40)), opening_hours="Mo-Fr 09:00-12:00,14:00-17:00",
        source="bench", source_id=f"bench-{i}")
        for i, commune in enumerate(rng.choice(communes) for _ in range(ORGANISATIONS))]
    with untracked():
        Organisation.objects.bulk_create(organisations, batch_size=500)
        organisations = list(Organisation.objects.filter(source="bench").select_related("commune"))
        through = Organisation.territories.through
        through.objects.bulk_create([through(organisation_id=o.pk, territory_id=o.commune.parent_id)
                                     for o in organisations], batch_size=1000)
        services, contacts = [], []
        for org in organisations:
            for j in range(SERVICES_PER_ORGANISATION):
                codes = rng.sample(themes, 2)
                chosen = [rng.choice(publics)]
                services.append(Service(
                    organisation=org, name=f"Service {j} {rng.choice(WORDS)}", status="published",
                    description=" ".join(rng.choice(WORDS) for _ in range(30)), thematiques=codes, publics=chosen,
                    themes_index=build_index(codes, with_parents=True), publics_index=build_index(chosen),
                    age_min=rng.choice([None, 16, 18]), age_max=rng.choice([None, 25, 30])))
            contacts.append(Contact(organisation=org, name="Accueil", visibility="public"))
            contacts.append(Contact(organisation=org, name="Référent", visibility="professionals"))
        Service.objects.bulk_create(services, batch_size=1000)
        Contact.objects.bulk_create(contacts, batch_size=1000)
    indexing.rebuild()  # the free text goes through search/ (bulk_create sends no signal)
    return organisations


# Bars: ratios of the page's CPU time to the trivial view's, set about 1.5× above what this machine measures
# (the ratio drifts ±25 % with the load). The roadmap's target for the search page is printed beside its bar.
PAGES = {  # name: (parameters or None for an organisation page, ratio bar, roadmap target, rounds)
    "/annuaire/ commune + thème + texte": ({"territoire": "62041", "theme": "logement-hebergement",
                                            "q": "jeunes logement"}, 160, 40, RUNS),
    "/annuaire/ département, page 5": ({"territoire": "62", "page": "5"}, 100, None, RUNS),
    "/annuaire/ vue carte": ({"territoire": "62041", "theme": "logement-hebergement", "q": "jeunes logement",
                              "vue": "carte"}, 160, None, RUNS),
    "/annuaire/<slug>/ fiche": (None, 40, None, RUNS),
    # Every synthetic document holds every word: the broadest /recherche/ query, ranked and faceted over all
    # (a quarter of a second per request: fewer rounds).
    "/recherche/?q=logement": ({"q": "logement"}, 1000, None, 10),
}
QUERY_BAR = 12


def test_directory_pages_at_departement_scale(client, floor):
    organisations = build_directory()
    assert Service.objects.count() == ORGANISATIONS * SERVICES_PER_ORGANISATION
    print(f"\nbench_directory: {ORGANISATIONS} organisations, {ORGANISATIONS * SERVICES_PER_ORGANISATION} services, "
          f"SQLite; thread CPU time of each page against the trivial view /_floor/, n alternate rounds")
    failures = []
    for name, (params, bar, target, rounds) in PAGES.items():
        if params is None:
            page = serve(client, organisations[len(organisations) // 2].get_absolute_url())
        elif name.startswith("/recherche/"):
            page = serve(client, "/recherche/", params)
        else:
            page = serve(client, reverse("directory:list"), params)
        page()  # warm the template loader and caches
        queries, response = count_queries(page)
        if name.startswith("/annuaire/ commune"):
            assert "structures trouvées" in response.content.decode()
        timing = time_against_floor(page, floor, rounds=rounds)
        failures.append(report(f"bench_directory {name}", timing, bar=bar, target=target, queries=queries,
                               query_bar=QUERY_BAR))
    assert not any(failures), [f for f in failures if f]
