"""A lost or partial index is seen by /healthz and repaired by --sync; a refused document blocks nothing;
private guide pages leave the public index; an interrupted import still owes its index updates."""

import logging
from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import call_command
from wagtail.models import PageViewRestriction

from directory.models import Organisation
from search import api, indexing
from search.backends import database_backend, elasticsearch_backend
from search.documents import SearchDoc
from search.models import SearchDocument, SearchOutbox


def titles(query):
    return [hit.title for hit in api.search(query).hits]


def index_under_test(search_backend):
    return elasticsearch_backend() if search_backend == "elasticsearch" else database_backend()


def lose_index(search_backend):
    """What an Elasticsearch restart without its data (or an emptied table) leaves: no document at all."""
    if search_backend == "elasticsearch":
        backend = elasticsearch_backend()
        concrete = [name for alias in backend.aliases() for name in backend.client.indices.get_alias(name=alias)]
        backend.client.indices.delete(index=",".join(concrete))
        # The first update after the restart recreates empty indices: Elasticsearch answers again, emptily.
        backend.ensure_indices()
    else:
        SearchDocument.objects.all().delete()


def healthz(client):
    cache.clear()  # the comparison is cached a few seconds
    return client.get("/healthz").json()


def run_sync(capsys):
    call_command("search_index", "--sync")
    return capsys.readouterr().out


def test_healthz_compares_the_index_with_the_database(indexed, search_backend, client):
    body = healthz(client)
    expected = body["search_documents"]["expected"]
    assert body["search"] == "ok" and expected >= 13  # 6 partners, 6 services, 2 themes, 2 articles
    assert body["search_documents"]["database"] == expected
    lose_index(search_backend)
    body = healthz(client)
    assert body["search"] == "stale" and body["status"] == "degraded"
    name = "elasticsearch" if search_backend == "elasticsearch" else "database"
    assert body["search_documents"][name] == 0
    assert body["search_documents"]["expected"] == expected


def test_sync_repairs_a_lost_index(indexed, search_backend, client, capsys):
    before = titles("mission locale")
    assert "Mission locale de l'Arrageois" in before
    expected = healthz(client)["search_documents"]["expected"]
    lose_index(search_backend)
    assert index_under_test(search_backend).count() == 0
    assert titles("mission locale") == []
    out = run_sync(capsys)
    label = "Elasticsearch" if search_backend == "elasticsearch" else "base de données"
    assert f"{label} : {expected} document(s) manquant(s) réindexé(s), 0 en trop supprimé(s)." in out
    assert titles("mission locale") == before
    assert healthz(client)["search"] == "ok"
    assert "0 document(s) manquant(s)" in run_sync(capsys)  # nothing left to do


@pytest.mark.parametrize("search_backend", [pytest.param("elasticsearch", marks=pytest.mark.elasticsearch)],
                         indirect=True)
def test_sync_rebuilds_an_elasticsearch_that_restarted_without_any_index(indexed, search_backend, client, capsys):
    backend = elasticsearch_backend()
    concrete = [name for alias in backend.aliases() for name in backend.client.indices.get_alias(name=alias)]
    backend.client.indices.delete(index=",".join(concrete))
    body = healthz(client)
    assert body["search"] == "stale" and body["search_documents"]["elasticsearch"] == 0
    assert "Mission locale de l'Arrageois" in titles("mission locale")  # served by the database meanwhile
    out = run_sync(capsys)
    assert f"Elasticsearch : {body['search_documents']['expected']} document(s) manquant(s)" in out
    cache.clear()  # the fallback remembers the failure for RETRY_AFTER seconds
    response = api.search("mission locale")
    assert response.backend == "elasticsearch" and "Mission locale de l'Arrageois" in [h.title for h in
                                                                                         response.hits]
    assert healthz(client)["search"] == "ok"


def test_sync_repairs_a_partial_index_and_removes_what_should_not_be_there(indexed, search_backend, capsys):
    backend = index_under_test(search_backend)
    lost = f"organisation:{indexed['cpam'].pk}"
    backend.delete([lost])
    ghost = SearchDoc(key="organisation:999999", kind="organisation", object_id=999999,
                      title="Association fantôme du logement", url="/annuaire/fantome/")
    backend.index([ghost])
    assert ghost.key in backend.keys() and lost not in backend.keys()
    assert "CPAM de l'Artois" not in titles("cpam artois")
    out = run_sync(capsys)
    label = "Elasticsearch" if search_backend == "elasticsearch" else "base de données"
    assert f"{label} : 1 document(s) manquant(s) réindexé(s), 1 en trop supprimé(s)." in out
    assert "CPAM de l'Artois" in titles("cpam artois")
    assert ghost.key not in backend.keys() and lost in backend.keys()
    assert titles("fantôme") == []


@pytest.mark.elasticsearch
def test_one_refused_document_does_not_block_the_others(corpus, es_settings, caplog, capsys,
                                                         django_capture_on_commit_callbacks):
    indexing.rebuild()
    bad, good = corpus["ml_arras"], corpus["ccas_arras"]
    Organisation.objects.filter(pk=bad.pk).update(latitude=95.5, description="Nouvelle adresse")  # not validated
    Organisation.objects.filter(pk=good.pk).update(name="Centre communal d'action sociale d'Arras")
    with caplog.at_level(logging.WARNING, logger="search"):
        indexing.refresh_keys([f"organisation:{bad.pk}", f"organisation:{good.pk}"])
    assert "Centre communal d'action sociale d'Arras" in titles("centre communal")  # the other one went through
    entry = SearchOutbox.objects.get(key=f"organisation:{bad.pk}")
    assert entry.state == "rejected" and "latitude" in entry.last_error
    assert not SearchOutbox.objects.filter(key=f"organisation:{good.pk}").exists()
    assert any(f"organisation:{bad.pk}" in r.getMessage() and "latitude" in r.getMessage()
               for r in caplog.records)

    out = run_sync(capsys)  # no "Elasticsearch ne répond pas": one refusal is not an outage
    assert "1 document(s) refusé(s) par Elasticsearch" in out
    assert f"organisation:{bad.pk} : " in out and "latitude" in out
    assert SearchOutbox.objects.get(key=f"organisation:{bad.pk}").state == "rejected"  # not retried in a loop

    with django_capture_on_commit_callbacks(execute=True):  # the editor fixes the record
        bad.refresh_from_db()
        bad.latitude = 50.29
        bad.save()
    assert not SearchOutbox.objects.exists()
    assert "refusé" not in run_sync(capsys)


@pytest.mark.elasticsearch
def test_a_rebuild_goes_on_past_a_refused_document(corpus, es_settings, capsys):
    Organisation.objects.filter(pk=corpus["fjt_lens"].pk).update(latitude=95.5)
    counts = indexing.rebuild()
    assert counts["elasticsearch"] == counts["database"] - 2  # the partner and its service (same place)
    assert "Mission locale de l'Arrageois" in titles("mission locale arras")
    assert SearchOutbox.objects.get(key=f"organisation:{corpus['fjt_lens'].pk}").state == "rejected"
    assert "2 document(s) refusé(s)" in run_sync(capsys)


def test_a_restricted_guide_page_leaves_the_public_index(indexed, search_backend,
                                                         django_capture_on_commit_callbacks):
    health = indexed["health_theme"]
    assert "Avoir une mutuelle gratuite" in titles("mutuelle")
    with django_capture_on_commit_callbacks(execute=True):
        restriction = PageViewRestriction.objects.create(page=health, restriction_type=PageViewRestriction.LOGIN)
    assert "Avoir une mutuelle gratuite" not in titles("mutuelle")  # restricted through its parent
    assert "Santé" not in titles("santé soigner")
    assert indexing.document_for_key(f"article:{indexed['mutuelle'].pk}") is None
    assert f"article:{indexed['mutuelle'].pk}" not in indexing.expected_keys()
    with django_capture_on_commit_callbacks(execute=True):
        restriction.delete()
    assert "Avoir une mutuelle gratuite" in titles("mutuelle")


def test_a_restricted_article_leaves_its_theme_page_too(indexed, search_backend,
                                                        django_capture_on_commit_callbacks):
    article = indexed["logement"]
    with django_capture_on_commit_callbacks(execute=True):
        PageViewRestriction.objects.create(page=article, restriction_type=PageViewRestriction.PASSWORD,
                                           password="secret")
    assert "Trouver un logement quand on quitte l'ASE" not in titles("quitte ase")
    theme = indexing.document_for_key(f"article:{indexed['housing_theme'].pk}")
    assert "quitte" not in theme.body  # the theme page no longer lists it
    assert "Logement" in titles("logement chez-toi")


IMPORT_CSV = (
    "structure_id,nom,code_insee,description\n"
    "imp-1,Maison des adolescents de l'Artois,62041,Écoute et soins pour les adolescents.\n"
    "imp-2,Garage solidaire du Lensois,62498,Réparations à prix solidaire.\n"
)


def test_an_import_stopped_after_its_commit_still_owes_its_index_updates(
        indexed, search_backend, tmp_path, capsys, django_capture_on_commit_callbacks):
    path = tmp_path / "partenaires.csv"
    path.write_text(IMPORT_CSV, encoding="utf-8")
    # The process stops right after the commit: the task that would index the rows never runs.
    with django_capture_on_commit_callbacks(execute=False):
        call_command("import_directory", str(path), stdout=StringIO())
    keys = {f"organisation:{pk}" for pk in Organisation.objects.filter(source_id__startswith="imp-")
            .values_list("pk", flat=True)}
    assert len(keys) == 2
    assert set(SearchOutbox.objects.filter(state="pending").values_list("key", flat=True)) == keys
    assert "Garage solidaire du Lensois" not in titles("garage solidaire")
    out = run_sync(capsys)
    assert "0 en attente" in out
    assert "Garage solidaire du Lensois" in titles("garage solidaire")
    assert "Maison des adolescents de l'Artois" in titles("maison adolescents")
    assert not SearchOutbox.objects.exists()


def test_an_import_that_completes_clears_what_it_queued(indexed, search_backend, tmp_path, capsys,
                                                        django_capture_on_commit_callbacks):
    path = tmp_path / "partenaires.csv"
    path.write_text(IMPORT_CSV, encoding="utf-8")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        call_command("import_directory", str(path), stdout=StringIO())
    index_tasks = [callback for callback in callbacks if callback.__module__ == "search.indexing"]
    assert len(index_tasks) == 1  # one index task for the whole import, not one per row
    assert "Garage solidaire du Lensois" in titles("garage solidaire")
    assert not SearchOutbox.objects.exists()


def test_a_failing_index_task_after_an_import_leaves_the_keys_queued(indexed, search_backend, tmp_path, capsys,
                                                                     monkeypatch,
                                                                     django_capture_on_commit_callbacks):
    path = tmp_path / "partenaires.csv"
    path.write_text(IMPORT_CSV, encoding="utf-8")

    def crash(keys):
        raise RuntimeError("worker killed")

    original = indexing.refresh_keys
    monkeypatch.setattr(indexing, "refresh_keys", crash)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("import_directory", str(path), stdout=StringIO())
    assert SearchOutbox.objects.filter(state="pending").count() == 2
    monkeypatch.setattr(indexing, "refresh_keys", original)
    run_sync(capsys)
    assert "Garage solidaire du Lensois" in titles("garage solidaire")
    assert not SearchOutbox.objects.exists()
