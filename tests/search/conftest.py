"""Fixtures of the search suite: a small fictional corpus, and the backend under test.

``search_backend`` runs each behavioural test on: the database backend on SQLite (embedded default), on
PostgreSQL (marker ``services``: the second pass of ``make test``), and Elasticsearch against osmem-server
(marker ``elasticsearch``). osmem-server refuses the client's versioned media type, so the tests connect
through ``PlainJsonNode``, which sends plain ``application/json``; production uses the client unchanged.
"""

import contextlib
import datetime
import os

import pytest
from django.db import connection
from elastic_transport import Urllib3HttpNode

from tests import builders
from tests.builders import make_org


class PlainJsonNode(Urllib3HttpNode):
    """Sends application/json instead of the versioned vendor media type (osmem-server only)."""

    def perform_request(self, method, target, body=None, headers=None, **kwargs):
        fixed = {}
        for name, value in dict(headers or {}).items():
            if name.lower() in ("accept", "content-type") and "vnd.elasticsearch" in value:
                value = "application/x-ndjson" if "x-ndjson" in value else "application/json"
            fixed[name] = value
        return super().perform_request(method, target, body=body, headers=fixed, **kwargs)


@pytest.fixture(scope="session")
def osmem():
    from osmem_server import OsmemServer

    server = OsmemServer.start(japanese=False)
    yield server
    server.close()


def _clear_backend_cache():
    from search.backends import _elasticsearch_backend

    _elasticsearch_backend.cache_clear()


@pytest.fixture
def es_settings(settings, osmem):
    """Point the search layer at a fresh osmem clone (Elasticsearch backend)."""
    clone = osmem.clone()
    settings.RELAIS_SEARCH = {"BACKEND": "elasticsearch", "ELASTICSEARCH_URL": clone.url, "INDEX_PREFIX": "test",
                              "NODE_CLASS": PlainJsonNode, "TIMEOUT": 5}
    _clear_backend_cache()
    yield clone
    _clear_backend_cache()
    clone.close()


@pytest.fixture
def es_down(settings):
    """Elasticsearch configured but unreachable (nothing listens on that port)."""
    settings.RELAIS_SEARCH = {"BACKEND": "elasticsearch", "ELASTICSEARCH_URL": "http://127.0.0.1:9", "INDEX_PREFIX":
                              "test", "NODE_CLASS": PlainJsonNode, "TIMEOUT": 1}
    _clear_backend_cache()
    yield
    _clear_backend_cache()


# The database backend runs on the database of this run: SQLite in pass 1 of `make test`, PostgreSQL in pass 2
# (DATABASE_URL set, `services` marker); Elasticsearch (osmem-server) runs in pass 1.
DATABASE_VENDOR = "postgresql" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite"


@pytest.fixture(params=[
    pytest.param(DATABASE_VENDOR, marks=[pytest.mark.services] if DATABASE_VENDOR == "postgresql" else []),
    pytest.param("elasticsearch", marks=pytest.mark.elasticsearch),
])
def search_backend(request, db, settings):
    """The backend name under test; the database one runs on this run's database."""
    name = request.param
    if name in ("sqlite", "postgresql"):
        assert connection.vendor == name, f"DATABASE_URL and the test database disagree ({connection.vendor})"
        settings.RELAIS_SEARCH = {"BACKEND": "database", "ELASTICSEARCH_URL": "", "INDEX_PREFIX": "test"}
        _clear_backend_cache()
        yield name
        return
    request.getfixturevalue("es_settings")
    yield name


def build_places():
    return builders.territory_world("62", "62-ARR", "62-LEN", "62-BET", "arras", "lens", "bethune",
                                    changes={"arras": {"latitude": 50.2910, "longitude": 2.7775, "postal_codes": ""}})


@pytest.fixture
def places(db):
    return build_places()


@pytest.fixture
def corpus(places, site_pages, search_synonyms):
    """Fictional partners around Arras, Lens and Béthune, two guide themes and two articles (not indexed yet)."""
    return build_corpus(places, site_pages)


def build_corpus(places, home):
    p = places
    orgs = {
        "ml_arras": make_org(
            "Mission locale de l'Arrageois", commune=p["arras"], serving=[p["62-ARR"]], typologie="mission-locale",
            description="Accompagnement des 16-25 ans vers l'emploi et la formation.",
            services=[{"name": "Contrat d'engagement jeune", "thematiques": ["trouver-un-emploi"],
                       "publics": ["jeunes"], "age_min": 16, "age_max": 25,
                       "description": "Un accompagnement intensif avec une allocation."}],
            contacts=[{"name": "Zorglub Réservé", "role": "référent ASE", "visibility": "professionals",
                       "email": "zorglub@exemple.invalid"}]),
        "ml_lens": make_org(
            "Mission locale de Lens-Liévin", commune=p["lens"], serving=[p["62-LEN"]], typologie="mission-locale",
            description="Conseils pour l'emploi des jeunes.",
            services=[{"name": "Conseil emploi jeunes", "thematiques": ["trouver-un-emploi"], "publics": ["jeunes"],
                       "age_min": 16, "age_max": 25}]),
        "fjt_lens": make_org(
            "Résidence Habitat Jeunes Les Tilleuls", commune=p["lens"], serving=[p["62-LEN"]],
            typologie="local-fjt", description="Chambres et studios meublés pour jeunes actifs.",
            services=[{"name": "Logement en foyer de jeunes travailleurs",
                       "thematiques": ["logement-hebergement--louer-un-logement"], "publics": ["jeunes"],
                       "age_min": 16, "age_max": 30}]),
        "fjt_bethune": make_org(
            "Foyer de jeunes travailleurs de Béthune", commune=p["bethune"], serving=[p["62-BET"]],
            typologie="local-fjt", description="Logement temporaire pour apprentis.",
            services=[{"name": "Chambre en FJT", "thematiques": ["logement-hebergement"], "publics": ["jeunes"],
                       "age_min": 18, "age_max": 25}]),
        "ccas_arras": make_org(
            "CCAS d'Arras", commune=p["arras"], serving=[p["arras"]], typologie="ccas-cias",
            description="Aides d'urgence, domiciliation, colis alimentaires. Peut aider à trouver un logement.",
            services=[{"name": "Aide alimentaire", "thematiques": ["equipement-et-alimentation"],
                       "publics": ["tous-publics"]}]),
        "cpam": make_org(
            "CPAM de l'Artois", commune=p["arras"], serving=[p["62"]], typologie="cpam",
            description="Assurance maladie : carte Vitale, remboursements.",
            services=[{"name": "Complémentaire santé solidaire", "thematiques": ["sante--acces-aux-soins"],
                       "publics": ["tous-publics"],
                       "description": "Une couverture gratuite ou à moins d'un euro par jour pour payer tes soins."}]),
        "draft": make_org(
            "Association Brouillonne du logement", commune=p["arras"], serving=[p["62-ARR"]], status="draft",
            description="Pas encore publiée.",
            services=[{"name": "Logement secret", "thematiques": ["logement-hebergement"], "publics": ["jeunes"]}]),
    }
    from guide.models import ArticlePage, GuideIndexPage, ThemePage

    index = GuideIndexPage(title="Le guide", slug="guide", intro="Pour tes 16-25 ans.")
    home.add_child(instance=index)
    health = ThemePage(title="Santé", slug="sante", intro="Te soigner sans te ruiner.")
    index.add_child(instance=health)
    housing = ThemePage(title="Logement", slug="logement", intro="Trouver où dormir, puis un chez-toi.")
    index.add_child(instance=housing)
    pages = {
        "mutuelle": health.add_child(instance=ArticlePage(
            title="Avoir une mutuelle gratuite", slug="mutuelle", age_min=16, age_max=25,
            summary="La complémentaire santé solidaire paie ce que la Sécu ne rembourse pas.",
            updated_on=datetime.date(2026, 1, 5),
            body=[{"type": "text", "value": "<p>Demande la complémentaire santé solidaire à la CPAM.</p>"}])),
        "logement": housing.add_child(instance=ArticlePage(
            title="Trouver un logement quand on quitte l'ASE", slug="trouver-un-logement", age_min=17, age_max=25,
            summary="Les solutions pour te loger avec peu d'argent.", updated_on=datetime.date(2026, 1, 5),
            body=[{"type": "text", "value": "<p>Parle de ton logement avec ton référent avant 18 ans.</p>"}])),
    }
    pages["health_theme"], pages["housing_theme"] = health, housing
    return {**orgs, **pages, "places": p}


@pytest.fixture
def indexed(search_backend, corpus):
    """The corpus, rebuilt into the backend under test, for each test (a test that only reads can share one:
    ``shared_index``)."""
    from search import indexing

    indexing.rebuild()
    return corpus




def _backend_settings(name: str, osmem_server=None) -> dict:
    if name == "elasticsearch":
        return {"BACKEND": "elasticsearch", "ELASTICSEARCH_URL": osmem_server.url, "INDEX_PREFIX": "test",
                "NODE_CLASS": PlainJsonNode, "TIMEOUT": 5}
    return {"BACKEND": "database", "ELASTICSEARCH_URL": "", "INDEX_PREFIX": "test"}


@pytest.fixture
def db_indexed(corpus, settings):
    """The corpus in the database backend (the default), for page and API tests."""
    from search import indexing

    settings.RELAIS_SEARCH = {"BACKEND": "database", "ELASTICSEARCH_URL": "", "INDEX_PREFIX": "test"}
    _clear_backend_cache()
    indexing.rebuild()
    return corpus


@pytest.fixture(scope="module", params=[
    pytest.param(DATABASE_VENDOR, marks=[pytest.mark.services] if DATABASE_VENDOR == "postgresql" else []),
    pytest.param("elasticsearch", marks=pytest.mark.elasticsearch),
])
def shared_index(request, django_db_setup, django_db_blocker):
    """The corpus built and indexed once per module and backend, for tests that only read the index: built in
    a transaction rolled back after the module (each test's own transaction is a savepoint inside it), and an
    Elasticsearch index (a fresh osmem clone) nobody writes to. Building it for each of a hundred tests took
    about 0.5 s on SQLite and 1.2 s on PostgreSQL each."""
    clone = request.getfixturevalue("osmem").clone() if request.param == "elasticsearch" else None
    with _corpus_for_the_module(request.param, django_db_blocker, clone) as data:
        yield data
    if clone is not None:
        clone.close()


@pytest.fixture(scope="module")
def shared_db_index(django_db_setup, django_db_blocker):
    """The corpus in the database backend (the default) once per module: each test's writes, to the records
    and to the index alike, are rolled back with its transaction."""
    with _corpus_for_the_module(DATABASE_VENDOR, django_db_blocker) as data:
        yield data


@contextlib.contextmanager
def _corpus_for_the_module(name: str, django_db_blocker, clone=None):
    from django.db import transaction
    from django.test import override_settings

    from guide.models import HomePage
    from relais.demo.guide import load_glossary
    from search import indexing

    with django_db_blocker.unblock():
        if name != "elasticsearch":
            assert connection.vendor == name, f"DATABASE_URL and the test database disagree ({connection.vendor})"
        atomic = transaction.atomic()
        atomic.__enter__()
        overridden = override_settings(RELAIS_SEARCH=_backend_settings(name, clone))
        overridden.enable()
        _clear_backend_cache()
    try:
        with django_db_blocker.unblock():
            load_glossary(lambda _message: None)
            data = build_corpus(build_places(), HomePage.objects.get())
            indexing.rebuild()
        yield {**data, "backend": name}
    finally:
        with django_db_blocker.unblock():
            overridden.disable()
            _clear_backend_cache()
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
