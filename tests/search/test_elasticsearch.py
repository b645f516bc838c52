"""Elasticsearch specifics: fallback to the database within the request, the outbox, the alias swap."""

import logging

import pytest
from django.core.management import call_command

from directory.models import Organisation
from search import api, indexing
from search.backends import elasticsearch_backend
from search.health import search_state
from search.models import SearchDocument, SearchOutbox

pytestmark = pytest.mark.elasticsearch


def test_unreachable_elasticsearch_falls_back_to_the_database(db_indexed, es_down, caplog, client):
    with caplog.at_level(logging.WARNING, logger="search.api"):
        response = api.search("ml arras")
    assert response.backend == "database" and response.degraded
    assert "Mission locale de l'Arrageois" in [h.title for h in response.hits]
    assert any("falling back" in r.getMessage() for r in caplog.records)
    assert search_state() == "degraded"
    page = client.get("/recherche/", {"q": "ml arras"})
    assert page.status_code == 200
    assert "Mission locale de l&#x27;Arrageois" in page.content.decode()
    assert client.get("/recherche/suggestions", {"q": "missi"}).json()["suggestions"]
    health = client.get("/healthz").json()
    assert health["search"] == "degraded"


def test_reachable_elasticsearch_is_healthy(es_settings, db):
    assert search_state() == "ok"


def _titles(query):
    return [h.title for h in api.search(query).hits]


def _point(settings, conf):
    from search.backends import _elasticsearch_backend

    settings.RELAIS_SEARCH = conf
    _elasticsearch_backend.cache_clear()


def test_updates_missed_while_down_are_replayed_by_sync(corpus, settings, es_settings,
                                                         django_capture_on_commit_callbacks):
    indexing.rebuild()
    live = dict(settings.RELAIS_SEARCH)
    _point(settings, {**live, "ELASTICSEARCH_URL": "http://127.0.0.1:9", "TIMEOUT": 1})
    with django_capture_on_commit_callbacks(execute=True):
        org = Organisation.objects.create(name="Atelier vélo solidaire", status="published",
                                          commune=corpus["places"]["arras"])
    key = f"organisation:{org.pk}"
    assert SearchOutbox.objects.filter(key=key, action="index").exists()
    assert SearchDocument.objects.filter(key=key).exists()
    assert "Atelier vélo solidaire" in _titles("atelier vélo")  # the fallback already sees it
    with pytest.raises(Exception, match="en attente"):
        call_command("search_index", "--sync")
    assert SearchOutbox.objects.filter(key=key).exists()

    _point(settings, live)
    response = api.search("atelier vélo")
    assert response.backend == "elasticsearch" and response.total == 0  # Elasticsearch missed the update
    call_command("search_index", "--sync")
    assert not SearchOutbox.objects.exists()
    response = api.search("atelier vélo")
    assert response.backend == "elasticsearch"
    assert [h.title for h in response.hits] == ["Atelier vélo solidaire"]


@pytest.mark.parametrize("search_backend", [pytest.param("elasticsearch", marks=pytest.mark.elasticsearch)],
                         indirect=True)
def test_rebuild_swaps_the_aliases_without_an_empty_moment(indexed, search_backend, capsys):
    backend = elasticsearch_backend()
    alias = backend.alias("organisation")
    before = set(backend.client.indices.get_alias(name=alias))
    call_command("search_index", "--rebuild")
    output = capsys.readouterr().out
    after = set(backend.client.indices.get_alias(name=alias))
    assert len(after) == 1 and after != before
    assert not backend.client.indices.exists(index=",".join(before))
    assert "elasticsearch" in output and "Index reconstruit" in output
    assert "Mission locale de l'Arrageois" in _titles("ml arras")


def test_rebuild_while_down_keeps_the_old_index_and_says_so(db_indexed, es_down):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="index précédent est conservé"):
        call_command("search_index", "--rebuild")
