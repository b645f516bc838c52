"""One form for the public filters: /annuaire/, /recherche/ and /api/recherche give the same bad value the same
French note."""

import html

import pytest

AGE_NOTE = "L'âge doit être un nombre entre 1 et 99 : ce filtre est ignoré."


def _notes(client, directory_params, search_params):
    annuaire = client.get("/annuaire/", directory_params).content.decode()
    recherche = client.get("/recherche/", search_params).content.decode()
    api = client.get("/api/recherche", search_params).json()["errors"]
    return annuaire, recherche, api


@pytest.mark.parametrize("age", ["100", "119", "0", "-3", "abc", "²"])
def test_the_same_bad_age_gets_the_same_note_everywhere(client, db, age):
    annuaire, recherche, api = _notes(client, {"age": age}, {"age": age})
    assert html.escape(AGE_NOTE) in annuaire and html.escape(AGE_NOTE) in recherche
    assert api == [AGE_NOTE]


def test_the_same_bad_filters_get_the_same_notes_everywhere(client, db):
    bad = {"theme": "n-importe-quoi", "public": "martiens", "territoire": "zzz"}
    notes = ["Territoire inconnu : ce filtre est ignoré.", "Thème inconnu : ce filtre est ignoré.",
             "Public inconnu : ce filtre est ignoré.", "Type de structure inconnu : ce filtre est ignoré."]
    # the organisation type is "type" on /annuaire/ and "typologie" on /recherche/ ("type" is the kind of content)
    annuaire, recherche, api = _notes(client, {**bad, "type": "bogus"}, {**bad, "typologie": "bogus"})
    for note in notes:
        assert html.escape(note) in annuaire and html.escape(note) in recherche
    assert sorted(api) == sorted(notes)


def test_an_age_within_bounds_is_kept_everywhere(client, db):
    annuaire, recherche, api = _notes(client, {"age": "99"}, {"age": "99"})
    assert "L&#x27;âge doit" not in annuaire and "L&#x27;âge doit" not in recherche and api == []
    assert 'name="age" min="1" max="99"' in annuaire
