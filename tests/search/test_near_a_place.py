"""Search near a place, on every backend, with partners added to the corpus (its own index: the behavioural
suite's shared one is only read)."""

from search import api


def titles(response, n=None):
    return [hit.title for hit in response.hits[:n]]


def test_115_near_arras_keeps_the_siao_of_calais_that_serves_the_whole_departement(indexed):
    """The radius keeps a partner whose office is far when its served area reaches the place named."""
    from django.http import QueryDict

    from search import indexing
    from search.params import parse_params
    from tests.builders import make_org, make_territory

    p = indexed["places"]
    calais_area = make_territory("territoire", "62-CAL", "Calaisis", parent=p["62"])
    calais = make_territory("commune", "62193", "Calais", parent=calais_area, latitude=50.95, longitude=1.86)
    make_org("SIAO du Pas-de-Calais", commune=calais, serving=[p["62"]], typologie="siao",
             description="Le 115 : hébergement d'urgence, jour et nuit.")
    make_org("CCAS de Calais", commune=calais, serving=[calais], typologie="ccas-cias",
             description="Aides d'urgence et 115 de la ville.")
    indexing.rebuild()
    arras = p["arras"]
    for query in ("q=115&pres_de=Arras&rayon=20&tri=distance",
                  # "autour de moi": the phone's position, 2 km from Arras's centre, is in Arras
                  f"q=115&lat={arras.latitude + 0.015}&lon={arras.longitude + 0.01}&rayon=20&tri=distance"):
        params = parse_params(QueryDict(query))
        response = api.search(params.text, params.filters)
        assert titles(response) == ["SIAO du Pas-de-Calais"], (query, titles(response))  # not the CCAS of Calais
        assert 90 < response.hits[0].distance_km < 100  # its office is far: the distance says so
    # At sea, 20 km off Boulogne, no commune is near: only the radius counts, and nothing is within it.
    params = parse_params(QueryDict("q=115&lat=50.75&lon=1.3&rayon=10"))
    assert params.filters.near.area == () and api.search(params.text, params.filters).total == 0
