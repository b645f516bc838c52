"""The index follows the content after each commit: saves, publishes, unpublishes, deletes."""

import pytest

from directory.models import Organisation, Service
from search import api
from search.models import SearchOutbox


def titles(query, **kwargs):
    return [hit.title for hit in api.search(query, **kwargs).hits]


def test_a_new_published_partner_is_searchable_after_commit(indexed, django_capture_on_commit_callbacks):
    p = indexed["places"]
    with django_capture_on_commit_callbacks(execute=True):
        org = Organisation.objects.create(name="Point Accueil Écoute Jeunes de Lens", status="published",
                                          commune=p["lens"], description="Écoute gratuite.")
        org.territories.set([p["62-LEN"]])
    assert "Point Accueil Écoute Jeunes de Lens" in titles("écoute jeunes")


def test_nothing_is_indexed_before_commit(indexed, django_capture_on_commit_callbacks):
    p = indexed["places"]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        Organisation.objects.create(name="Garage solidaire Arrageois", status="published", commune=p["arras"])
        assert titles("garage") == []
    assert callbacks  # the update waits for the commit


def test_renaming_unpublishing_and_deleting(indexed, django_capture_on_commit_callbacks):
    org = indexed["ccas_arras"]
    with django_capture_on_commit_callbacks(execute=True):
        org.name = "Centre communal d'action sociale d'Arras"
        org.save()
    assert "Centre communal d'action sociale d'Arras" in titles("ccas arras")
    assert "CCAS d'Arras" not in titles("arras")
    with django_capture_on_commit_callbacks(execute=True):
        org.status = "archived"
        org.save()
    assert titles("ccas") == []
    assert "Aide alimentaire" not in titles("aide alimentaire")  # its services go with it
    fjt = indexed["fjt_bethune"]
    with django_capture_on_commit_callbacks(execute=True):
        fjt.delete()
    assert "Foyer de jeunes travailleurs de Béthune" not in titles("foyer jeunes travailleurs")
    assert "Chambre en FJT" not in titles("chambre")


def test_a_service_change_updates_its_organisation(indexed, django_capture_on_commit_callbacks):
    org = indexed["ml_lens"]
    with django_capture_on_commit_callbacks(execute=True):
        Service.objects.create(organisation=org, name="Permis de conduire accompagné", status="published",
                               thematiques=["mobilite"], publics=["jeunes"])
    response = api.search("mission locale lens")
    org_hit = next(h for h in response.hits if h.title == "Mission locale de Lens-Liévin")
    assert org_hit
    themes = {f.value for f in api.search("lens").facets["theme"]}
    assert "mobilite" in themes
    assert "Permis de conduire accompagné" in titles("permis")


def test_unpublishing_and_republishing_a_guide_article(indexed, django_capture_on_commit_callbacks):
    article = indexed["mutuelle"]
    with django_capture_on_commit_callbacks(execute=True):
        article.unpublish()
    assert "Avoir une mutuelle gratuite" not in titles("mutuelle")
    with django_capture_on_commit_callbacks(execute=True):
        article.save_revision().publish()
    assert "Avoir une mutuelle gratuite" in titles("mutuelle")


def test_deleting_a_guide_article(indexed, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        indexed["logement"].delete()
    assert "Trouver un logement quand on quitte l'ASE" not in titles("logement")


def test_a_failing_index_update_never_breaks_the_save(corpus, db, monkeypatch, django_capture_on_commit_callbacks):
    from search import indexing

    def broken(keys):
        raise RuntimeError("disk full")

    monkeypatch.setattr(indexing, "refresh_keys", broken)
    with django_capture_on_commit_callbacks(execute=True):
        corpus["ml_lens"].description = "Nouvelle description"
        corpus["ml_lens"].save()
    assert Organisation.objects.get(pk=corpus["ml_lens"].pk).description == "Nouvelle description"
    assert SearchOutbox.objects.filter(key=f"organisation:{corpus['ml_lens'].pk}").exists()


@pytest.mark.parametrize("kind", ["organisation", "service", "article"])
def test_unknown_keys_are_removed_not_guessed(indexed, kind):
    from search import indexing

    assert indexing.document_for_key(f"{kind}:999999") is None
    assert indexing.document_for_key(f"{kind}:abc") is None
