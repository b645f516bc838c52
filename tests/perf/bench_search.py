"""Search benchmark: median/p95 latency of a typical query (text + two filters + facets) and full-rebuild
throughput, per backend, at département scale (2,000 organisations, 10,000 services, 300 articles: always
run) and at national scale (100,000 services: only with RELAIS_BENCH_NATIONAL=1, it takes minutes).

Documents are synthesised directly as ``SearchDoc`` (no Wagtail pages), with the vocabulary and spread of
real ones. Run: ``.venv/bin/pytest tests/perf/bench_search.py -m perf -s``.
Bars (département scale only; the national scale prints its figures): the typical query's time as a ratio to a
floor timed alternately in the same run (see conftest.py). osmem-server is an emulator: a real cluster is faster.
"""

import logging
import os
import random
import statistics
import time

import pytest
from elastic_transport import Urllib3HttpNode

from directory.search import KIND_ORGANISATION, KIND_SERVICE
from guide.search import KIND_ARTICLE
from search.backends import Filters
from search.backends.database import DatabaseBackend
from search.documents import AREA_EVERYWHERE, SearchDoc
from search.vocabulary import parse
from tests.perf.conftest import report, time_against_floor

pytestmark = pytest.mark.perf

NATIONAL = os.environ.get("RELAIS_BENCH_NATIONAL") == "1"
SCALES = {"département": (2_000, 10_000, 300)} | ({"national": (20_000, 100_000, 300)} if NATIONAL else {})
QUERIES = ["logement jeunes", "mission locale", "fjt", "j'ai pas de mutuelle", "aide alimentaire arras",
           "permis de conduire", "santé mentale", "emploi formation", "hébergement urgence", "caf"]
RUNS = 60
NO_MATCH = "xylophone"
# Bars (département scale), about 1.7-2× above what this machine measures: the typical query's time as a ratio
# to the floor (the trivial view's CPU time for the database backend; for Elasticsearch, whose work is in
# another process, the wall time of a query that matches nothing). The /recherche/ page is in bench_directory.py.
BARS = {"database": 15, "elasticsearch": 10}

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


def typical_queries(backend):
    """A callable that runs the next of the typical queries (cycling through QUERIES) and returns its result."""
    state = {"i": 0}

    def run():
        i = state["i"] = state["i"] + 1
        return backend.query(parse(QUERIES[i % len(QUERIES)]), typical_filters(i), limit=20, facets=True)

    return run


def measure(backend, label, scale, n_docs, build_seconds, floor, clock, bar):
    """Typical queries timed alternately with ``floor``; one printed line, and the bar it broke if any."""
    backend.query(parse("logement"), Filters(), limit=20)  # warm-up (first query compiles and caches)
    hits = statistics.mean(typical_queries(backend)().total for _ in range(len(QUERIES)))
    timing = time_against_floor(typical_queries(backend), floor, rounds=RUNS, clock=clock)
    return report(f"bench_search {scale} {label}", timing, bar=bar,
                  note=f"{n_docs} docs, {hits:.0f} hits on average, rebuild {n_docs / build_seconds:.0f} docs/s")


@pytest.fixture
def quiet_elasticsearch_client():
    """The Elasticsearch client logs every request at INFO: one line per query would drown the figures."""
    logger = logging.getLogger("elastic_transport")
    level = logger.level
    logger.setLevel(logging.WARNING)
    yield
    logger.setLevel(level)


@pytest.mark.parametrize("scale", list(SCALES))
def test_bench_database(db, scale, floor, settings, search_synonyms):
    from django.db import connection

    settings.RELAIS_SEARCH = {**settings.RELAIS_SEARCH, "BACKEND": "database"}
    docs = list(synthesise(*SCALES[scale]))
    backend = DatabaseBackend()
    started = time.perf_counter()
    backend.rebuild(docs)
    build = time.perf_counter() - started
    print(f"\nbench_search: typical query (text + theme + area filters + facets), {RUNS} alternate rounds with the "
          f"trivial view /_floor/, thread CPU time")
    failure = measure(backend, f"database ({connection.vendor}) typical query", scale, len(docs), build, floor,
                      time.thread_time, BARS["database"] if scale == "département" else None)
    assert not failure, failure


@pytest.mark.elasticsearch
@pytest.mark.parametrize("scale", list(SCALES))
def test_bench_elasticsearch(db, scale, settings, quiet_elasticsearch_client, search_synonyms):
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
        print(f"\nbench_search: typical query, {RUNS} alternate rounds with a query that matches nothing (the same "
              f"backend, client and server, no filter, no facet), wall time: the work is in the server's process")

        def empty_query():
            return backend.query(parse(NO_MATCH), Filters(), limit=20)

        assert empty_query().total == 0
        failure = measure(backend, "elasticsearch (osmem-server) typical query", scale, len(docs), build,
                          empty_query, time.perf_counter, BARS["elasticsearch"] if scale == "département" else None)
    assert not failure, failure
