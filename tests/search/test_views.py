"""/recherche/, /api/recherche and /recherche/suggestions, on the default (database) backend."""

import pytest


@pytest.fixture
def db_indexed(shared_db_index, db):
    """The corpus indexed once for the module (conftest.shared_db_index); each test's writes are rolled back."""
    return shared_db_index


@pytest.fixture
def client_db(db_indexed, client):
    return client


def test_results_page_shows_mixed_results_with_highlights_and_facets(client_db, django_assert_max_num_queries):
    client_db.get("/recherche/", {"q": "emploi"})  # the facet bitmaps are read once after the index changed
    with django_assert_max_num_queries(13):  # the 13th reads the index's state for the page kept a minute
        response = client_db.get("/recherche/", {"q": "logement"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "7 résultats" in html
    assert "Article du guide" in html and "Partenaire" in html and "Service d&#x27;un partenaire" in html
    assert "<mark>Logement</mark> en foyer de jeunes travailleurs" in html
    assert "<legend>Type de contenu</legend>" in html and "(3)" in html
    assert 'name="theme" value="logement-hebergement"' in html
    assert 'role="search"' in html


def test_query_count_does_not_grow_with_results(client_db, django_assert_max_num_queries):
    client_db.get("/recherche/", {"q": "emploi"})  # the facet bitmaps are read once after the index changed
    with django_assert_max_num_queries(13):
        client_db.get("/recherche/", {"q": "jeunes", "type": "organisation"})


def test_filters_from_the_url(client_db):
    html = client_db.get("/recherche/", {"q": "logement", "type": "article"}).content.decode()
    assert "2 résultats" in html
    assert "Foyer de jeunes travailleurs de Béthune" not in html
    html = client_db.get("/recherche/", {"q": "mission locale", "territoire": "62-LEN"}).content.decode()
    assert "Mission locale de Lens-Liévin" in html and "Mission locale de l&#x27;Arrageois" not in html
    html = client_db.get("/recherche/", {"pres_de": "62041", "rayon": "5", "tri": "distance",
                                         "type": "organisation"}).content.decode()
    assert "3 résultats" in html and "À moins de 5 km de Arras" in html and "à 0.0 km" in html.replace(",", ".")


@pytest.mark.parametrize("place", ["Béthune", "bethune", "62119"])
def test_near_a_commune_typed_by_name_or_code(client_db, place):
    html = client_db.get("/recherche/", {"q": "fjt", "pres_de": place, "rayon": "5"}).content.decode()
    assert "Foyer de jeunes travailleurs de Béthune" in html and "Les Tilleuls" not in html
    assert "À moins de 5 km de Béthune" in html


def test_near_me_coordinates(client_db):
    html = client_db.get("/recherche/", {"q": "mission locale", "lat": "50.43", "lon": "2.83", "rayon": "10",
                                         "tri": "distance"}).content.decode()
    assert "Mission locale de Lens-Liévin" in html and "Mission locale de l&#x27;Arrageois" not in html
    assert "votre position" in html


def test_empty_state_suggests_guide_themes_and_the_directory(client_db):
    html = client_db.get("/recherche/", {"q": "xylophone"}).content.decode()
    assert "Aucun résultat" in html
    assert 'href="/guide/sante/"' in html and 'href="/guide/logement/"' in html
    assert 'href="/annuaire/"' in html


def test_first_visit_invites_to_type(client_db):
    html = client_db.get("/recherche/").content.decode()
    assert "Que cherches-tu ?" in html and "Écris un ou deux mots" in html


def test_did_you_mean_link(client_db):
    html = client_db.get("/recherche/", {"q": "lgmnt"}).content.decode()
    assert 'Essaie plutôt : <a href="?q=logement">logement</a>' in html


@pytest.mark.parametrize("params", [
    {"q": "a" * 10_000}, {"q": '"logement'}, {"q": "logement AND -santé *"}, {"q": "😀"},
    {"q": "'; DROP TABLE search_searchdocument; --"}, {"q": "title:(x OR y)^2~"},
    {"age": "abc"}, {"age": "-3"}, {"territoire": "zzz"}, {"lat": "999", "lon": "2"}, {"lat": "x"},
    {"type": "bogus"}, {"theme": "<script>"}, {"page": "-1"}, {"page": "99999999999999999999"},
    {"rayon": "7", "pres_de": "62041"}, {"tri": "random"}, {"pres_de": "00000"},
])
def test_bad_input_gives_a_normal_page(client_db, params):
    response = client_db.get("/recherche/", params)
    assert response.status_code == 200
    assert "<script>" not in response.content.decode().split("<main", 1)[1].split("</main>")[0]


def test_bad_filters_are_explained_in_french_and_ignored(client_db):
    html = client_db.get("/recherche/", {"q": "logement", "age": "abc", "territoire": "zzz"}).content.decode()
    assert "L&#x27;âge doit être un nombre entre 1 et 99" in html
    assert "Territoire inconnu" in html
    assert "7 résultats" in html  # the rest of the search went on


def test_api_returns_the_same_search_as_json(client_db, settings):
    settings.RELAIS_BASE_URL = "https://relais.exemple.org"
    response = client_db.get("/api/recherche", {"q": "ml arras", "type": "organisation"})
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    body = response.json()
    assert body["total"] == 1
    hit = body["results"][0]
    assert hit["title"] == "Mission locale de l'Arrageois" and hit["kind"] == "organisation"
    assert hit["url"].startswith("https://relais.exemple.org/annuaire/")  # the public address, not the Host
    assert body["understood"] == ["mission locale | ml", "arras"]
    assert body["facets"]["kind"] == [{"value": "organisation", "label": "Partenaire", "count": 1}]


def test_api_reports_bad_parameters(client_db):
    body = client_db.get("/api/recherche", {"q": "logement", "age": "vieux"}).json()
    assert body["errors"] == ["L'âge doit être un nombre entre 1 et 99 : ce filtre est ignoré."]
    assert body["total"] == 7


def test_nothing_professional_reaches_the_api(client_db):
    raw = client_db.get("/api/recherche", {"q": "mission locale arras"}).content.decode()
    assert "Zorglub" not in raw and "zorglub@exemple.invalid" not in raw
    assert "Brouillonne" not in client_db.get("/api/recherche", {"q": "logement"}).content.decode()


def test_suggestions_for_the_combobox(client_db):
    body = client_db.get("/recherche/suggestions", {"q": "missi"}).json()
    labels = [s["label"] for s in body["suggestions"]]
    assert "Mission locale de l'Arrageois" in labels
    assert all(s["url"] and s["kind_label"] for s in body["suggestions"])
    assert client_db.get("/recherche/suggestions", {"q": "x" * 5000}).status_code == 200


def test_search_ids_for_the_directory(db_indexed):
    from search.api import search_ids

    ids = search_ids("fjt")
    assert ids[:2] and set(ids) == {db_indexed["fjt_lens"].pk, db_indexed["fjt_bethune"].pk}
    assert search_ids("") == []


def test_healthz_reports_search_ok_on_the_database(client_db):
    assert client_db.get("/healthz").json()["search"] == "ok"


def test_a_partner_result_shows_how_to_reach_it_now_and_nothing_professional(client_db):
    """Phone (tap to call), address and the opening status are read when the page is shown: changing the
    hours needs no re-indexing. A professional-only contact's phone never reaches a result."""
    from directory.models import Organisation
    from tests.builders import make_contact

    ccas = Organisation.objects.get(name="CCAS d'Arras")
    Organisation.objects.filter(pk=ccas.pk).update(phone="03 21 00 00 00", address="1 place de la Mairie",
                                                   postal_code="62000", opening_hours="Mo-Su 00:00-24:00")
    make_contact(ccas, name="Réservé Pro", role="référent", phone="06 99 99 99 99", visibility="professionals")
    html = client_db.get("/recherche/", {"q": "ccas arras", "type": "organisation"}).content.decode()
    assert ('<a class="tel" href="tel:+33321000000" aria-label="Appeler le 03 21 00 00 00 (CCAS d&#x27;Arras)">'
            in html)
    assert "1 place de la Mairie, 62000 Arras" in html
    assert "Ouvert maintenant" in html
    assert "06 99 99 99 99" not in html and "Réservé Pro" not in html
    result = client_db.get("/api/recherche", {"q": "ccas arras", "type": "organisation"}).json()["results"][0]
    assert (result["phone"], result["address"]) == ("03 21 00 00 00", "1 place de la Mairie, 62000 Arras")
    assert result["open_status"].startswith("Ouvert maintenant")
    assert "06 99 99 99 99" not in str(result)


def test_a_closed_partner_says_so_in_results(client_db):
    """A temporary closure (directory.opening) outweighs the weekly hours in a result, as on the partner's page."""
    import datetime

    from django.utils import timezone

    from directory.models import Organisation

    today = timezone.localdate()
    Organisation.objects.filter(name="CCAS d'Arras").update(
        opening_hours="Mo-Su 00:00-24:00", closed_from=today - datetime.timedelta(days=1),
        closed_until=today + datetime.timedelta(days=10), closure_note="travaux")
    result = client_db.get("/api/recherche", {"q": "ccas arras", "type": "organisation"}).json()["results"][0]
    assert result["open_status"].startswith("Fermé"), result["open_status"]
    assert "Ouvert maintenant" not in result["open_status"]


def test_a_kept_answer_never_outlives_a_change_of_the_index(client_db, django_assert_max_num_queries,
                                                           django_capture_on_commit_callbacks):
    """The second visitor asking the same thing reads the answer kept by the first (fewer queries, the same
    page, in their own words); a saved record changes the index's state, and the next search sees it."""
    from directory.models import Organisation

    first = client_db.get("/recherche/", {"q": "ccas arras", "type": "organisation"}).content.decode()
    with django_assert_max_num_queries(5):
        again = client_db.get("/recherche/", {"q": "CCAS  Arras", "type": "organisation"}).content.decode()
    hits = first[first.index('<ol class="hits"'):first.index("</ol>")]
    assert "<mark>CCAS</mark> d&#x27;<mark>Arras</mark>" in hits
    assert hits in again and 'value="CCAS Arras"' in again and 'value="ccas arras"' not in again

    ccas = Organisation.objects.get(name="CCAS d'Arras")
    ccas.name = "CCAS de la ville d'Arras"
    with django_capture_on_commit_callbacks(execute=True):  # the index is refreshed after the commit
        ccas.save()
    html = client_db.get("/recherche/", {"q": "ccas arras", "type": "organisation"}).content.decode()
    assert "<mark>CCAS</mark> de la ville d&#x27;<mark>Arras</mark>" in html
    assert "<mark>CCAS</mark> d&#x27;<mark>Arras</mark>" not in html


def test_a_kept_answer_still_reads_the_opening_status_now(client_db):
    """What is kept is the answer, not the live details: hours changed without re-indexing show at once."""
    from directory.models import Organisation

    Organisation.objects.filter(name="CCAS d'Arras").update(opening_hours="Mo-Su 00:00-24:00")
    assert client_db.get("/api/recherche", {"q": "ccas arras", "type": "organisation"}).json()[
        "results"][0]["open_status"].startswith("Ouvert maintenant")
    Organisation.objects.filter(name="CCAS d'Arras").update(opening_hours="off")  # no signal, no re-indexing
    status = client_db.get("/api/recherche", {"q": "ccas arras", "type": "organisation"}).json()[
        "results"][0]["open_status"]
    assert not (status or "").startswith("Ouvert"), status


def test_facets_and_kinds_are_in_the_readers_language_and_french_again_after(client_db):
    """The vocabularies' labels are the reader's language's (the indexed text stays French); a map of labels
    read for one language is never served to another."""
    from django.utils.translation import gettext, override

    with override("ar"):
        housing, partner = gettext("Logement et hébergement"), gettext("Partenaire")
    assert housing != "Logement et hébergement" and partner != "Partenaire"
    html = client_db.get("/ar/recherche/", {"q": "logement"}).content.decode()
    assert f"{housing} <span class=\"facet__count\">" in html
    assert partner in html
    html = client_db.get("/recherche/", {"q": "logement"}).content.decode()
    assert "Logement et hébergement <span class=\"facet__count\">" in html and housing not in html


def test_a_page_asked_again_within_the_minute_is_served_as_rendered(client_db, django_assert_num_queries,
                                                                     monkeypatch):
    """An anonymous reader's repeated search costs one read of the index's state; a write to the index, another
    minute, another language or a signed-in reader gets the page computed again."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from relais import pagecache
    from search import indexing
    from tests.builders import make_org

    now = [1_800_000_000.0]
    monkeypatch.setattr(pagecache.time, "time", lambda: now[0])
    first = client_db.get("/recherche/", {"q": "logement"}).content.decode()
    with django_assert_num_queries(1):
        again = client_db.get("/recherche/", {"q": "logement"})
    assert again.content.decode() == first and again["Content-Type"] == "text/html; charset=utf-8"
    assert "7 résultats" in first
    # A partner published since: the index's state moved, the page is searched again.
    make_org("Résidence logement jeunes de Liévin", status="published")
    indexing.rebuild()
    assert "8 résultats" in client_db.get("/recherche/", {"q": "logement"}).content.decode()
    with django_assert_num_queries(1):
        client_db.get("/recherche/", {"q": "logement"})
    now[0] += 60  # the next minute: opening statuses may have changed
    with CaptureQueriesContext(connection) as next_minute:
        client_db.get("/recherche/", {"q": "logement"})
    assert len(next_minute) > 1
    assert 'lang="ar"' in client_db.get("/ar/recherche/", {"q": "logement"}).content.decode()


def test_a_signed_in_readers_search_is_never_kept_nor_served_from_the_kept_pages(db_indexed, client_as,
                                                                                 professional):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    pro = client_as(professional)
    assert "Connexion pro" not in pro.get("/recherche/", {"q": "logement"}).content.decode()
    anonymous = Client()
    with CaptureQueriesContext(connection) as first:  # nothing was kept from the professional's page
        html = anonymous.get("/recherche/", {"q": "logement"}).content.decode()
    assert len(first) > 1 and "Connexion pro" in html
    with CaptureQueriesContext(connection) as again:  # kept for anonymous readers
        anonymous.get("/recherche/", {"q": "logement"})
    assert len(again) == 1
    response = pro.get("/recherche/", {"q": "logement"})
    assert "Connexion pro" not in response.content.decode()  # the professional's own page, not the kept one
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
