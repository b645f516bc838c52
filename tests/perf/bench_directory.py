"""Directory at département scale: 2,000 organisations, 10,000 services, on the embedded default (SQLite).

Targets (issue 3): /annuaire/ with commune + theme + free text, median < 50 ms server time; an organisation
page < 30 ms; SQL query counts that do not grow with the data. Prints a table of median, p95 and queries.
"""

import random
import statistics
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from directory.history import untracked
from directory.models import Contact, Organisation, Service, Territory, build_index
from directory.territories import load_territories
from directory.vocabulary import theme_choices
from search import indexing

pytestmark = [pytest.mark.perf, pytest.mark.django_db]

ORGANISATIONS = 2000
SERVICES_PER_ORGANISATION = 5
RUNS = 40
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


def measure(client, url, params=None):
    """Timings without query capture (Django's SQLite debug cursor re-quotes every parameter, which would
    inflate the figures); the query count comes from one extra, captured request."""
    timings = []
    for _ in range(RUNS):
        start = time.perf_counter()
        response = client.get(url, params or {})
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as captured:
        client.get(url, params or {})
    timings.sort()
    return statistics.median(timings), timings[int(len(timings) * 0.95) - 1], len(captured), response


def test_directory_pages_at_departement_scale(client, capsys):
    organisations = build_directory()
    assert Service.objects.count() == ORGANISATIONS * SERVICES_PER_ORGANISATION
    client.get(reverse("directory:list"))  # warm up templates and caches
    rows = []
    search = {"territoire": "62041", "theme": "logement-hebergement", "q": "jeunes logement"}
    median, p95, queries, response = measure(client, reverse("directory:list"), search)
    assert "structures trouvées" in response.content.decode()
    rows.append(("/annuaire/ commune + thème + texte", median, p95, queries, 50))
    median, p95, queries, _ = measure(client, reverse("directory:list"), {"territoire": "62", "page": "5"})
    rows.append(("/annuaire/ département, page 5", median, p95, queries, None))
    median, p95, queries, _ = measure(client, reverse("directory:list"), {**search, "vue": "carte"})
    rows.append(("/annuaire/ vue carte", median, p95, queries, None))
    page = organisations[len(organisations) // 2].get_absolute_url()
    median, p95, queries, _ = measure(client, page)
    rows.append(("/annuaire/<slug>/ fiche", median, p95, queries, 30))
    with capsys.disabled():
        print(f"\nAnnuaire : {ORGANISATIONS} organisations, {ORGANISATIONS * SERVICES_PER_ORGANISATION} services, "
              f"SQLite, {RUNS} requêtes par ligne (temps serveur via le client de test)")
        print(f"{'page':<38} {'médiane ms':>10} {'p95 ms':>8} {'requêtes SQL':>13} {'cible ms':>9}")
        for name, med, high, count, target in rows:
            print(f"{name:<38} {med:>10.1f} {high:>8.1f} {count:>13} {target or '-':>9}")
    for name, med, _high, count, target in rows:
        assert count <= 12, name
        if target:
            assert med < target, f"{name}: median {med:.1f} ms ≥ {target} ms"
