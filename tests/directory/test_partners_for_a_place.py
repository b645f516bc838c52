"""Partners for a place: serving first (commune, territoire, département), then the office nearest the
commune's centre; /annuaire/'s radius keeps the partners whose served area reaches the commune."""

import re

import pytest
from django.urls import reverse

from directory.queries import nearest_partners, partners_for
from tests import builders, module_data

HOUSING = "logement-hebergement"
JOBS = "trouver-un-emploi"

# Offices (latitude, longitude)
LIEVIN = (50.4228, 2.7786)  # ~4 km from Lens
CALAIS = (50.9513, 1.8587)  # ~90 km from Lens, ~98 km from Arras
BOULOGNE = (50.7264, 1.6147)  # ~92 km from Lens
ANGERS = (47.4739, -0.5517)
SAUMUR = (47.2600, -0.0769)  # ~43 km from Angers


def org(name, serving, office, themes=(HOUSING,), **fields):
    latitude, longitude = office
    return builders.make_org(name, serving=serving, latitude=latitude, longitude=longitude,
                             services=[{"thematiques": list(themes), "publics": ["jeunes"]}], **fields)


@pytest.fixture(scope="module")
def _world_once(request, module_transaction):
    return module_data.BuiltOnce(request, module_transaction, build_world)


@pytest.fixture
def world(db, _world_once):
    """The places, with partners serving them from offices near and far (built once for the module)."""
    return _world_once.get()


def build_world():
    p = builders.territory_world("62", "62-ARR", "62-CAL", "62-LEN", "arras", "calais", "lens", "49", "angers")
    # Created in an order that is neither alphabetical nor the expected one.
    org("CAF du Pas-de-Calais (Boulogne-sur-Mer)", [p["62"]], BOULOGNE)
    org("SIAO du Pas-de-Calais (115)", [p["62"]], CALAIS)
    org("CCAS de Liévin", [p["62"]], LIEVIN)
    org("Maison du Département Solidarité de Lens-Hénin", [p["62-LEN"]], LIEVIN)
    org("Foyer de jeunes travailleurs de Lens", [p["lens"]], (50.4330, 2.8300))
    org("Mission locale d'Arras", [p["arras"]], (50.29, 2.78), themes=(JOBS,))
    org("SIAO de Maine-et-Loire", [p["49"]], ANGERS)
    org("MDS du Saumurois", [p["49"]], SAUMUR)
    org("CLLAJ d'Angers", [p["angers"]], (47.4700, -0.5600))
    return p


def ranked(found):
    return [(o.name, o.serving_rank, round(o.distance_km)) for o in found]


def test_lens_serving_first_then_by_distance(world):
    found = ranked(partners_for(thematiques=[HOUSING], territory=world["lens"]))
    assert [name for name, _rank, _km in found] == [
        "Foyer de jeunes travailleurs de Lens",  # serves the commune
        "Maison du Département Solidarité de Lens-Hénin",  # serves its territoire
        "CCAS de Liévin",  # département-wide, 4 km
        "SIAO du Pas-de-Calais (115)",  # département-wide, ~90 km
        "CAF du Pas-de-Calais (Boulogne-sur-Mer)",  # département-wide, ~92 km
    ]
    assert [rank for _name, rank, _km in found] == [0, 1, 2, 2, 2]
    assert found[2][2] == 4 and 85 < found[3][2] < found[4][2] < 100


def test_angers_serving_first_then_by_distance_and_nothing_from_the_pas_de_calais(world):
    found = ranked(partners_for(thematiques=[HOUSING], territory=world["angers"]))
    assert found == [("CLLAJ d'Angers", 0, 1), ("SIAO de Maine-et-Loire", 2, 0), ("MDS du Saumurois", 2, 43)]


def test_the_distance_is_the_great_circle_one(world):
    from search.backends.base import haversine_km

    saumur = partners_for(thematiques=[HOUSING], territory=world["angers"])[2]
    assert saumur.distance_km == pytest.approx(haversine_km(47.47, -0.55, *SAUMUR), abs=0.01)


def test_without_a_territory_the_order_stays_by_name(world):
    names = [o.name for o in partners_for(thematiques=[JOBS])]
    assert names == ["Mission locale d'Arras"]


def test_nearest_partners_when_none_of_the_kind_serves_the_commune(world):
    # Nobody serves Lens for jobs: the Mission locale of Arras, serving Arras only, is the nearest of the kind.
    assert list(partners_for(thematiques=[JOBS], territory=world["lens"])) == []
    nearest = nearest_partners(thematiques=[JOBS], territory=world["lens"])
    assert [(o.name, round(o.distance_km)) for o in nearest] == [("Mission locale d'Arras", 16)]
    # Nothing of the kind in the reader's département: nothing to show (Angers has no job partner either).
    assert nearest_partners(thematiques=[JOBS], territory=world["angers"]) == []


def cards(html):
    return re.findall(r'<h3><a href="/annuaire/[^"]+/">([^<]+)</a></h3>', html.replace("&#x27;", "'"))


def distances(html):
    return [int(km) for km in re.findall(r'class="directory-card__distance">à (\d+) km<', html)]


def test_annuaire_radius_keeps_the_departement_wide_siao_98_km_away(client, world):
    html = client.get(reverse("directory:list"), {"pres_de": "Arras", "rayon": "10", "tri": "distance"}
                      ).content.decode()
    names = cards(html)
    assert "SIAO du Pas-de-Calais (115)" in names  # its office is 98 km away, but it serves Arras
    assert "Mission locale d'Arras" in names
    assert "Foyer de jeunes travailleurs de Lens" not in names  # serves Lens only, office 16 km away
    assert "CLLAJ d'Angers" not in names and "SIAO de Maine-et-Loire" not in names
    assert "à 98 km" in html


def test_annuaire_radius_keeps_offices_within_it_that_do_not_serve_the_commune(client, world):
    html = client.get(reverse("directory:list"), {"pres_de": "Arras", "rayon": "20"}).content.decode()
    assert "Foyer de jeunes travailleurs de Lens" in cards(html)  # office 16 km away


def test_annuaire_distance_sort(client, world):
    html = client.get(reverse("directory:list"), {"pres_de": "Lens", "rayon": "5", "tri": "distance"}
                      ).content.decode()
    names = cards(html)
    assert names[:3] == ["Foyer de jeunes travailleurs de Lens", "CCAS de Liévin",
                         "Maison du Département Solidarité de Lens-Hénin"]
    assert distances(html) == sorted(distances(html))
    assert names[-1] == "CAF du Pas-de-Calais (Boulogne-sur-Mer)"
    by_name_html = client.get(reverse("directory:list"), {"pres_de": "Lens", "rayon": "5"}).content.decode()
    by_name = cards(by_name_html)
    assert by_name == sorted(by_name)
    # Listed by name, each card still says how far its office is: the same distances, in another order.
    assert distances(html) and sorted(distances(by_name_html)) == distances(html)


@pytest.mark.parametrize("params, note", [
    ({"pres_de": "Atlantide"}, "Commune inconnue ou sans coordonnées"),
    ({"pres_de": "Arras", "rayon": "7"}, "Rayon inconnu : la recherche utilise 20 km."),
    ({"tri": "hasard"}, "Tri inconnu"),
    ({"pres_de": "Arr\x00as", "rayon": "¹", "tri": "\x00"}, "Commune inconnue ou sans coordonnées"),
    ({"pres_de": "Arras", "rayon": "¹"}, "Rayon inconnu : la recherche utilise 20 km."),
])
def test_annuaire_bad_near_values_are_ignored_with_a_note(client, world, params, note):
    response = client.get(reverse("directory:list"), params)
    assert response.status_code == 200
    assert note in response.content.decode()


def test_annuaire_radius_query_count_does_not_grow(client, world, django_assert_max_num_queries):
    for i in range(25):
        org(f"Partenaire {i:02d}", [world["62"]], (50.29 + i / 1000, 2.78))
    with django_assert_max_num_queries(12):
        response = client.get(reverse("directory:list"), {"pres_de": "Arras", "rayon": "10", "tri": "distance",
                                                          "theme": HOUSING})
    assert response.content.decode().count('class="card directory-card"') == 20


# --- a service's own area (data·inclusion's zone_eligibilite) -----------------------------------------------
def zoned(name, zone, office, themes=(HOUSING,)):
    """A partner serving no territory of its own: only its service's area says where it works."""
    latitude, longitude = office
    return builders.make_org(name, latitude=latitude, longitude=longitude, services=[
        {"thematiques": list(themes), "publics": ["jeunes"], "zone_eligibilite": list(zone)}])


@pytest.mark.parametrize("zone, rank, position", [(["62498"], 0, 1), (["200033579"], 1, 1), (["62"], 2, 2)],
                         ids=["commune", "epci", "departement"])
def test_a_service_area_naming_lens_its_epci_or_its_departement_serves_lens(world, zone, rank, position):
    world["lens"].epci = "200033579"  # Communauté d'agglomération de Lens-Liévin
    world["lens"].save()
    zoned("Agence logement jeunes", zone, (50.4300, 2.8200))  # 1 km from Lens's centre
    found = ranked(partners_for(thematiques=[HOUSING], territory=world["lens"]))
    others = ["Foyer de jeunes travailleurs de Lens", "Maison du Département Solidarité de Lens-Hénin",
              "CCAS de Liévin", "SIAO du Pas-de-Calais (115)", "CAF du Pas-de-Calais (Boulogne-sur-Mer)"]
    # Serving first (commune, then EPCI or territoire, then département), then the nearest office: after the
    # FJT in Lens itself (0.2 km); before the MDS (4 km) when the area is the commune or its EPCI.
    assert [name for name, _rank, _km in found] == [*others[:position], "Agence logement jeunes", *others[position:]]
    assert found[position][1:] == (rank, 1)


def test_a_service_area_elsewhere_or_of_another_theme_does_not_serve_lens(world):
    zoned("Agence logement d'Angers", ["49007"], ANGERS)
    zoned("Agence emploi de Lens", ["62498"], (50.4300, 2.8200), themes=(JOBS,))
    housing = [o.name for o in partners_for(thematiques=[HOUSING], territory=world["lens"])]
    assert "Agence logement d'Angers" not in housing and "Agence emploi de Lens" not in housing
    assert "Agence emploi de Lens" in [o.name for o in partners_for(thematiques=[JOBS], territory=world["lens"])]


def test_the_directory_territory_filter_keeps_partners_serving_through_a_service_area(client, world):
    zoned("Agence logement jeunes (zone du service)", ["62498"], (50.4300, 2.8200))
    html = client.get(reverse("directory:list"), {"territoire": "62498", "theme": HOUSING}).content.decode()
    assert "Agence logement jeunes (zone du service)" in html
    html = client.get(reverse("directory:list"), {"territoire": "62193", "theme": HOUSING}).content.decode()
    assert "Agence logement jeunes (zone du service)" not in html
