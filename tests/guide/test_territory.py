""""Mon territoire": a cookie with a territory code, set by a plain form; the autocomplete is an extra."""

import pytest

from guide.territory import COOKIE_NAME


@pytest.fixture
def setup(guide_tree, territories):
    return territories


def test_form_works_without_javascript(client, setup):
    html = client.get("/guide/territoire/").content.decode()
    assert '<label for="id_commune">Ta commune</label>' in html
    assert '<option value="62-ARR">Arrageois</option>' in html
    assert '<option value="62041">' not in html  # communes are typed, not listed


def test_choosing_a_territoire_sets_the_cookie_and_returns_to_the_page(client, setup):
    response = client.post("/guide/territoire/", {"territoire": "62-CAL", "next": "/guide/logement/"})
    assert response.status_code == 302 and response["Location"] == "/guide/logement/"
    cookie = response.cookies[COOKIE_NAME]
    assert cookie.value == "62-CAL" and cookie["httponly"] and cookie["samesite"] == "Lax"
    assert int(cookie["max-age"]) >= 300 * 24 * 3600


def test_typing_a_commune_name_is_enough(client, setup):
    response = client.post("/guide/territoire/", {"commune": "arras"})
    assert response.status_code == 302 and response["Location"] == "/guide/"
    assert response.cookies[COOKIE_NAME].value == "62041"


def test_several_matches_offer_a_choice_and_set_nothing(client, setup, territories):
    from directory.models import Territory

    Territory.objects.create(kind="commune", code="62042", name="Arras-en-Lavedan", parent=territories["62-ARR"])
    Territory.objects.create(kind="commune", code="62043", name="Arraincourt", parent=territories["62-ARR"])
    response = client.post("/guide/territoire/", {"commune": "Arra"})
    assert response.status_code == 400 and COOKIE_NAME not in response.cookies
    html = response.content.decode()
    assert "Plusieurs lieux correspondent : choisis le tien ci-dessous." in html
    assert 'name="code" value="62042">Arras-en-Lavedan (Arrageois)</button>' in html


def test_unknown_commune_gets_a_french_message(client, setup):
    response = client.post("/guide/territoire/", {"commune": "Atlantide"})
    assert response.status_code == 400 and COOKIE_NAME not in response.cookies
    assert "Aucune commune ne correspond à « Atlantide »." in response.content.decode()


@pytest.mark.parametrize("data", [{}, {"territoire": "99-XXX"}, {"code": "<script>"}, {"commune": "a" * 500}])
def test_bad_input_changes_nothing(client, setup, data):
    response = client.post("/guide/territoire/", data)
    assert response.status_code == 400 and COOKIE_NAME not in response.cookies
    assert 'class="form-error" role="alert"' in response.content.decode()


def test_next_to_another_site_is_ignored(client, setup):
    response = client.post("/guide/territoire/", {"territoire": "62-ARR", "next": "https://evil.exemple.invalid/"})
    assert response["Location"] == "/guide/"


def test_forgetting_clears_the_cookie(client, setup):
    client.cookies[COOKIE_NAME] = "62041"
    html = client.get("/guide/territoire/").content.decode()
    assert "Ton territoire aujourd'hui : <strong>Arras (Arrageois)</strong>." in html
    response = client.post("/guide/territoire/", {"oublier": "1"})
    assert response.cookies[COOKIE_NAME].value == "" and response.status_code == 302


def test_suggestions_for_the_autocomplete(client, setup):
    data = client.get("/guide/territoire/suggestions/", {"q": "cal"}).json()
    assert data["results"][0] == {"code": "62-CAL", "label": "Calaisis"}
    assert {"code": "62193", "label": "Calais (Calaisis)"} in data["results"]
    assert client.get("/guide/territoire/suggestions/", {"q": "c"}).json() == {"results": []}


def test_a_commune_typed_without_accents_is_found(client, setup, territories):
    from directory.models import Territory

    Territory.objects.create(kind="commune", code="62119", name="Béthune", parent=territories["62-ARR"])
    response = client.post("/guide/territoire/", {"commune": "bethune"})
    assert response.status_code == 302 and response.cookies[COOKIE_NAME].value == "62119"
    data = client.get("/guide/territoire/suggestions/", {"q": "BETHU"}).json()
    assert data == {"results": [{"code": "62119", "label": "Béthune (Arrageois)"}]}
