"""The "Qui peut t'aider ?" block for a place: the site's own département only until a commune is chosen; with
one, serving partners first, nearest first, with their distance; an empty block says so and shows the nearest."""

import re
from html import unescape

import pytest

from tests import builders

URL = "/guide/logement/trouver-un-logement/"  # its block: housing ("logement-hebergement")


def shown(html):
    """[(name, distance)] of the partners a reader sees, in order."""
    items = re.findall(r'<li class="partner"><a class="partner__name" href="[^"]+">([^<]+)</a>(.*?)</li>', html)
    return [(unescape(name), unescape((re.findall(r'partner__distance">([^<]+)<', rest) or [""])[0]))
            for name, rest in items]


def org(name, serving, office, commune=None, themes=("logement-hebergement",)):
    return builders.make_org(name, serving=serving, commune=commune, latitude=office[0], longitude=office[1],
                             services=[{"thematiques": list(themes), "publics": ["jeunes"]}])


@pytest.fixture
def world(db):
    p = builders.territory_world("62", "62-ARR", "62-CAL", "62-LEN", "arras", "calais", "lens", "49", "angers")
    org("SIAO du Pas-de-Calais (115)", [p["62"]], (50.9513, 1.8587), commune=p["calais"])
    org("Maison du Département Solidarité de Lens-Hénin", [p["62-LEN"]], (50.4228, 2.7786), commune=p["lens"])
    org("Foyer de jeunes travailleurs de Lens", [p["lens"]], (50.4330, 2.8300), commune=p["lens"])
    org("CLLAJ de l'Arrageois", [p["62-ARR"]], (50.29, 2.78), commune=p["arras"])
    org("SIAO de Maine-et-Loire", [p["49"]], (47.4739, -0.5517), commune=p["angers"])
    org("MDS du Saumurois", [p["49"]], (47.2600, -0.0769), commune=p["angers"])
    org("CLLAJ d'Angers", [p["angers"]], (47.4700, -0.5600), commune=p["angers"])
    org("Mission locale d'Arras", [p["arras"]], (50.29, 2.78), commune=p["arras"], themes=("trouver-un-emploi",))
    return p


def test_without_a_commune_only_the_sites_departement_and_a_prompt(client, guide_tree, world, settings):
    settings.RELAIS_DEPARTEMENT_CODE = "62"
    html = client.get(URL).content.decode()
    names = [name for name, _distance in shown(html)]
    assert "SIAO du Pas-de-Calais (115)" in names and "Foyer de jeunes travailleurs de Lens" in names
    assert not {"SIAO de Maine-et-Loire", "MDS du Saumurois", "CLLAJ d'Angers"} & set(names)
    assert "Dans tout le département." in html
    assert '<a href="/guide/territoire/?next=' in html and "(ta commune)" in html
    # Groups are capped: two per territoire, whatever the number of partners.
    assert len(names) <= 2 * 3


def test_the_setting_names_the_departement(client, guide_tree, world, settings):
    settings.RELAIS_DEPARTEMENT_CODE = "49"
    names = [name for name, _distance in shown(client.get(URL).content.decode())]
    assert set(names) <= {"SIAO de Maine-et-Loire", "MDS du Saumurois", "CLLAJ d'Angers"} and names


def test_lens_serving_first_then_nearest_with_the_distance(client, guide_tree, world):
    client.cookies["relais_territoire"] = "62498"
    html = client.get(URL).content.decode()
    assert shown(html) == [  # the CLLAJ serves the Arrageois, not Lens
        ("Foyer de jeunes travailleurs de Lens", "à moins d'1 km"),  # serves the commune
        ("Maison du Département Solidarité de Lens-Hénin", "à 4 km"),  # serves its territoire
        ("SIAO du Pas-de-Calais (115)", "à 90 km"),  # serves the département
    ]


def test_angers_serving_first_then_nearest(client, guide_tree, world):
    client.cookies["relais_territoire"] = "49007"
    assert shown(client.get(URL).content.decode()) == [
        ("CLLAJ d'Angers", "à moins d'1 km"), ("SIAO de Maine-et-Loire", "à moins d'1 km"),
        ("MDS du Saumurois", "à 43 km")]


def test_an_empty_block_says_so_and_shows_the_nearest_of_its_kind(client, guide_tree, world):
    from guide.models import ArticlePage
    from tests.guide.conftest import directory_block

    article = ArticlePage.objects.get(pk=guide_tree["article"].pk)
    article.body = [directory_block(title="Pour un emploi", thematiques=["trouver-un-emploi"])]
    article.save_revision().publish()
    client.cookies["relais_territoire"] = "62498"
    html = client.get(URL).content.decode()
    assert "Aucun partenaire de ce type ne sert encore Lens." in html
    assert shown(html) == [("Mission locale d'Arras", "à 16 km")]
