"""/annuaire/ with a commune that has no official centre (directory.cog: ``centre_note`` says why): the page
says why no distance is shown instead of measuring from nowhere."""

import re

import pytest
from django.urls import reverse

from tests import builders

NO_CENTRE = ("Pas de centre : le Code officiel géographique ne donne pas de coordonnées et GeoNames ne connaît "
             "pas cette commune.")


@pytest.fixture
def places(db):
    p = builders.territory_world("62", "62-ARR", "arras", "achicourt", changes={
        "achicourt": {"latitude": None, "longitude": None, "centre_source": "", "centre_note": NO_CENTRE}})
    builders.make_org("Mission locale d'Arras", commune=p["arras"], serving=[p["62-ARR"]])
    return p


def notice(html: str) -> str:
    found = re.search(r'<div class="notice" role="status" id="sans-centre">(.*?)</div>', html, re.S)
    return found.group(1) if found else ""


def test_near_a_commune_without_centre_says_why_and_lists_without_distances(client, places):
    html = client.get(reverse("directory:list"), {"pres_de": "Achicourt", "tri": "distance"}).content.decode()
    said = notice(html)
    assert "Achicourt" in said and "GeoNames ne connaît pas cette commune" in said
    assert "La recherche à proximité est ignorée." in said
    assert "Mission locale d&#x27;Arras" in html and "directory-card__distance" not in html
    assert "Commune inconnue" not in html  # it is known: only its centre is missing


def test_a_chosen_commune_without_centre_says_why_there_is_no_distance(client, places):
    html = client.get(reverse("directory:list"), {"territoire": "62004"}).content.decode()
    said = notice(html)
    assert "Achicourt" in said and "GeoNames ne connaît pas cette commune" in said
    assert "ignorée" not in said  # the list is still the partners serving Achicourt
    assert "Mission locale d&#x27;Arras" in html


def test_a_commune_with_a_centre_shows_distances_and_no_notice(client, places):
    html = client.get(reverse("directory:list"), {"pres_de": "Arras", "tri": "distance"}).content.decode()
    assert not notice(html) and "directory-card__distance" in html
