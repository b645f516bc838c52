"""Search benchmark: median/p95 latency of a typical query (text + two filters + facets) and full-rebuild
throughput, per backend, at département scale (2,000 organisations, 10,000 services, 300 articles: always
run) and at national scale (100,000 services: only with RELAIS_BENCH_NATIONAL=1, it takes minutes).

Documents are synthesised directly as ``SearchDoc`` (no Wagtail pages), with the vocabulary and spread of
real ones. Run: ``.venv/bin/pytest tests/perf/bench_search.py -m perf -s``.
Targets: database < 50 ms median at département scale; Elasticsearch < 100 ms median at national scale
against osmem-server (an emulator: a real cluster is faster).
"""

import os
import random
import statistics
import time

import pytest
from elastic_transport import Urllib3HttpNode

from search.backends import Filters
from search.backends.database import DatabaseBackend
from search.documents import AREA_EVERYWHERE, KIND_ARTICLE, KIND_ORGANISATION, KIND_SERVICE, SearchDoc
from search.vocabulary import parse

pytestmark = pytest.mark.perf

NATIONAL = os.environ.get("RELAIS_BENCH_NATIONAL") == "1"
SCALES = {"département": (2_000, 10_000, 300)} | ({"national": (20_000, 100_000, 300)} if NATIONAL else {})
QUERIES = ["logement jeunes", "mission locale", "fjt", "j'ai pas de mutuelle", "aide alimentaire arras",
           "permis de conduire", "santé mentale", "emploi formation", "hébergement urgence", "caf"]
RUNS = 60
RESULTS: list[tuple] = []

THEMES = ["logement-hebergement", "logement-hebergement--louer-un-logement", "sante", "sante--acces-aux-soins",
          "trouver-un-emploi", "se-former", "mobilite", "difficultes-financieres", "famille",
          "equipement-et-alimentation", "numerique"]
TYPES = ["mission-locale", "ccas-cias", "local-fjt", "caf", "cpam", "france-travail", "local-cllaj",
         "maisons-des-solidarites", "croix-rouge", "local-prevention-specialisee"]
NAMES = ["Mission locale", "CCAS", "Foyer de jeunes travailleurs", "Résidence Habitat Jeunes", "CLLAJ",
         "Point santé jeunes", "Épicerie solidaire", "Auto-école sociale", "Maison des solidarités",
         "Club de prévention", "Accueil de jour", "Atelier numérique", "Centre social"]
SERVICE_NAMES = ["Accompagnement vers l'emploi", "Logement temporaire", "Aide alimentaire", "Permis de conduire",
                 "Complémentaire santé solidaire", "Écoute et soutien psychologique", "Domiciliation",
                 "Accès aux droits", "Atelier CV", "Hébergement d'urgence", "Contrat d'engagement jeune",
                 "Aide au budget", "Garde d'enfants", "Formation qualifiante"]
DOMAIN_WORDS = ("jeunes accompagnement logement santé emploi formation droits démarches budget soutien écoute "
         "orientation insertion autonomie hébergement urgence social solidaire parcours conseil atelier "
         "accueil gratuit rendez-vous permanence quartier famille enfants mobilité numérique").split()
# Descriptions mix a few domain words with many ordinary ones (pseudo-words here), so that a domain word is in
# about a third of the documents, as in real directories, rather than in all of them.
FILLER_WORDS = [f"{a}{b}{c}" for a in ("pra", "cle", "vos", "tum", "bel", "ori", "sa", "fin") for b in
                ("ti", "mo", "ra", "lu", "ne", "ca", "de") for c in ("que", "ment", "tion", "eur", "age", "ie", "al")]


def description(rng, domain, filler):
    return " ".join(rng.sample(DOMAIN_WORDS, domain) + rng.sample(FILLER_WORDS, filler))


class PlainJsonNode(Urllib3HttpNode):
    """osmem-server refuses the versioned media type: plain application/json (benchmark only)."""

    def perform_request(self, method, target, body=None, headers=None, **kwargs):
        fixed = {k: ("application/x-ndjson" if "x-ndjson" in v else "application/json")
                 if k.lower() in ("accept", "content-type") and "vnd.elasticsearch" in v else v
                 for k, v in dict(headers or {}).items()}
        return super().perform_request(method, target, body=body, headers=fixed, **kwargs)


def communes(rng, n=300):
    """Fictional communes in a Pas-de-Calais-sized box, grouped in 9 territoires of département 62."""
    out = []
    for i in range(n):
        out.append((f"62{i:03d}", f"Commune {i}", f"62-T{i % 9}", 50.2 + rng.random() * 0.8,
                    1.6 + rng.random() * 1.6))
    return out


def synthesise(n_orgs, n_services, n_articles, seed=7):
    rng = random.Random(seed)
    places = communes(rng)
    orgs = []
    for i in range(n_orgs):
        code, name, territoire, lat, lon = rng.choice(places)
        themes = sorted(set(rng.sample(THEMES, 3)))
        orgs.append((i, code, name, territoire, lat, lon, themes, rng.choice(TYPES)))
        yield SearchDoc(
            key=f"{KIND_ORGANISATION}:{i}", kind=KIND_ORGANISATION, object_id=i,
            title=f"{rng.choice(NAMES)} de {name}", url=f"/annuaire/o-{i}/", summary=description(rng, 4, 16),
            themes_text=f"{' '.join(themes)} {name}", body=description(rng, 10, 40),
            themes=themes + [t.split("--")[0] for t in themes], publics=["jeunes"], typologie=orgs[-1][7],
            area=[territoire, code] if rng.random() < 0.7 else ["62"], commune_code=code, commune_name=name,
            age_min=rng.choice([None, 16, 18]), age_max=rng.choice([None, 25, 30]), latitude=lat, longitude=lon)
    for j in range(n_services):
        i, code, name, territoire, lat, lon, themes, typologie = orgs[j % n_orgs]
        service_themes = [rng.choice(themes)]
        yield SearchDoc(
            key=f"{KIND_SERVICE}:{j}", kind=KIND_SERVICE, object_id=j, title=rng.choice(SERVICE_NAMES),
            url=f"/annuaire/o-{i}/#service-{j}", subtitle=f"Organisation {i}",
            summary=description(rng, 3, 12), themes_text=f"{' '.join(service_themes)} {name}",
            body=description(rng, 8, 30),
            themes=service_themes + [service_themes[0].split("--")[0]], publics=["jeunes"], typologie=typologie,
            area=[territoire], commune_code=code, commune_name=name, age_min=16, age_max=rng.choice([25, 30]),
            latitude=lat, longitude=lon)
    for k in range(n_articles):
        yield SearchDoc(
            key=f"{KIND_ARTICLE}:{k}", kind=KIND_ARTICLE, object_id=k, title=f"{rng.choice(SERVICE_NAMES)} : le guide",
            url=f"/guide/a-{k}/", summary=description(rng, 4, 16), body=description(rng, 12, 150),
            themes=[rng.choice(THEMES).split("--")[0]], area=[AREA_EVERYWHERE], age_min=16, age_max=25)


def typical_filters(i):
    """Two filters: a theme and the area serving a commune (itself, its territoire, the département)."""
    territoire = f"62-T{i % 9}"
    return Filters(themes=(THEMES[i % len(THEMES)].split("--")[0],),
                   area=(f"62{i % 300:03d}", territoire, "62", AREA_EVERYWHERE))


def measure(backend, label, scale, n_docs, build_seconds):
    timings, totals = [], []
    backend.query(parse("logement"), Filters(), limit=20)  # warm-up (first query compiles and caches)
    for i in range(RUNS):
        parsed = parse(QUERIES[i % len(QUERIES)])
        started = time.perf_counter()
        result = backend.query(parsed, typical_filters(i), limit=20, facets=True)
        timings.append((time.perf_counter() - started) * 1000)
        totals.append(result.total)
    timings.sort()
    median = statistics.median(timings)
    p95 = timings[int(len(timings) * 0.95) - 1]
    RESULTS.append((scale, label, n_docs, median, p95, n_docs / build_seconds, statistics.mean(totals)))
    return median


def print_table(capsys):
    with capsys.disabled():
        print("\n\nSearch benchmark (typical query: text + theme + area filters + facets; "
              f"{RUNS} runs; rebuild = full index build)")
        print(f"{'scale':<12} {'backend':<28} {'docs':>8} {'median ms':>10} {'p95 ms':>8} {'mean hits':>10}"
              f" {'rebuild docs/s':>15}")
        for scale, label, n_docs, median, p95, rate, hits in RESULTS:
            print(f"{scale:<12} {label:<28} {n_docs:>8} {median:>10.1f} {p95:>8.1f} {hits:>10.0f} {rate:>15.0f}")
        if not NATIONAL:
            print("(national scale: set RELAIS_BENCH_NATIONAL=1)")


@pytest.mark.parametrize("scale", list(SCALES))
def test_bench_database(db, scale, capsys):
    from django.db import connection

    docs = list(synthesise(*SCALES[scale]))
    backend = DatabaseBackend()
    started = time.perf_counter()
    backend.rebuild(docs)
    build = time.perf_counter() - started
    median = measure(backend, f"database ({connection.vendor})", scale, len(docs), build)
    print_table(capsys)
    if scale == "département":
        assert median < 50, f"database backend median {median:.1f} ms at département scale (target < 50 ms)"


@pytest.mark.elasticsearch
@pytest.mark.parametrize("scale", list(SCALES))
def test_bench_elasticsearch(db, scale, capsys, settings):
    from osmem_server import OsmemServer

    from search.backends.elasticsearch import ElasticsearchBackend

    docs = list(synthesise(*SCALES[scale]))
    settings.RELAIS_SEARCH = {"BACKEND": "elasticsearch", "ELASTICSEARCH_URL": "", "INDEX_PREFIX": "bench",
                              "NODE_CLASS": PlainJsonNode, "TIMEOUT": 120}
    with OsmemServer.start(japanese=False) as server:
        backend = ElasticsearchBackend(url=server.url, prefix="bench")
        started = time.perf_counter()
        backend.rebuild(docs)
        build = time.perf_counter() - started
        median = measure(backend, "elasticsearch (osmem-server)", scale, len(docs), build)
    print_table(capsys)
    if scale == "national":
        assert median < 100, f"Elasticsearch median {median:.1f} ms at national scale (target < 100 ms)"
