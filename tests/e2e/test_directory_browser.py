"""The directory in real Chromium: accessible at 360 px, map markers with JavaScript, usable without it."""

import re

import pytest

from tests.builders import make_org, territory_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def directory_data(db):
    places = territory_world("62", "62-ARR", "arras", located={"arras"})
    arr, arras = places["62-ARR"], places["arras"]
    for i, (name, theme) in enumerate([("Mission locale de l'Arrageois", "trouver-un-emploi"),
                                       ("Résidence Habitat Jeunes d'Arras", "logement-hebergement"),
                                       ("CCAS d'Arras", "difficultes-financieres")]):
        make_org(name, commune=arras, typologie="mission-locale", latitude=50.29 + i / 100, longitude=2.78,
                 phone=f"01 99 00 00 0{i}", opening_hours="Mo-Fr 09:00-17:00", address="1 rue de la Gare",
                 description="Accueil des jeunes de 16 à 25 ans.", serving=[arr],
                 services=[{"name": f"Service {i}", "thematiques": [theme], "publics": ["jeunes"]}],
                 contacts=[{"name": "Accueil", "visibility": "public", "phone": "01 99 00 10 00"},
                           {"name": "Camille Exemple", "visibility": "professionals"}])
    return arras


def _no_tiles(page):
    page.route(re.compile(r"https://tile\.openstreetmap\.org/.*"), lambda route: route.abort())


def test_list_at_360px_is_accessible_and_filters(phone_page, axe_check, directory_data):
    _no_tiles(phone_page)
    phone_page.goto("/annuaire/")
    assert phone_page.get_by_role("heading", name="3 structures trouvées").is_visible()
    axe_check(phone_page)
    phone_page.get_by_label("Thème").select_option("logement-hebergement")
    phone_page.get_by_role("button", name="Rechercher").click()
    phone_page.wait_for_url("**theme=logement-hebergement**")
    assert phone_page.get_by_role("heading", name="1 structure trouvée").is_visible()
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 360
    assert "Camille Exemple" not in phone_page.content()


def test_map_view_shows_markers(phone_page, axe_check, directory_data):
    _no_tiles(phone_page)
    phone_page.goto("/annuaire/?vue=carte")
    phone_page.wait_for_selector("#directory-map[data-ready='3']")
    assert phone_page.locator(".leaflet-marker-icon").count() == 3
    axe_check(phone_page, context="main")


def test_list_and_filters_work_without_javascript(chromium, live_server, directory_data):
    context = chromium.new_context(java_script_enabled=False, viewport={"width": 360, "height": 740},
                                   base_url=live_server.url)
    page = context.new_page()
    try:
        page.goto("/annuaire/?vue=carte")
        assert page.get_by_text("La carte a besoin de JavaScript").is_visible()
        assert page.get_by_role("link", name="CCAS d'Arras", exact=True).is_visible()
        page.get_by_label("Mots-clés").fill("habitat")
        page.get_by_role("button", name="Rechercher").click()
        page.wait_for_url("**q=habitat**")
        assert page.get_by_role("heading", name="1 structure trouvée").is_visible()
        page.get_by_role("link", name="Résidence Habitat Jeunes d'Arras", exact=True).click()
        assert page.get_by_role("heading", level=1, name="Résidence Habitat Jeunes d'Arras").is_visible()
        assert page.get_by_role("heading", name="Horaires").is_visible()
    finally:
        context.close()


def test_organisation_page_is_accessible(phone_page, axe_check, directory_data):
    _no_tiles(phone_page)
    phone_page.goto("/annuaire/ccas-darras/")
    assert phone_page.get_by_role("heading", level=1, name="CCAS d'Arras").is_visible()
    axe_check(phone_page)
    phone_page.get_by_role("button", name="Voir la carte").click()
    phone_page.wait_for_selector("#directory-map[data-ready='1']")
    axe_check(phone_page)


# --- Partners for a place, as a reader sees them: serving first, then nearest, with the distance -----------


LENS_HOUSING = [  # (name, serving, office (latitude, longitude))
    ("CAF du Pas-de-Calais (Boulogne-sur-Mer)", "62", (50.7264, 1.6147)),
    ("SIAO du Pas-de-Calais (115)", "62", (50.9513, 1.8587)),
    ("CCAS de Liévin", "62", (50.4228, 2.7786)),
    ("Maison du Département Solidarité de Lens-Hénin", "62-LEN", (50.4228, 2.7786)),
    ("Foyer de jeunes travailleurs de Lens", "lens", (50.4330, 2.8300)),
    ("SIAO de Maine-et-Loire", "49", (47.4739, -0.5517)),
    ("MDS du Saumurois", "49", (47.2600, -0.0769)),
    ("CLLAJ d'Angers", "angers", (47.4700, -0.5600)),
    ("Mission locale d'Arras", "arras", (50.29, 2.78)),
]


@pytest.fixture
def places_world(db):
    places = territory_world("62", "62-ARR", "62-LEN", "arras", "lens", "49", "angers")
    for name, serving, (latitude, longitude) in LENS_HOUSING:
        make_org(name, serving=[places[serving]], latitude=latitude, longitude=longitude,
                 services=[{"thematiques": ["logement-hebergement"], "publics": ["jeunes"]}])
    return places


def _partners_seen(page):
    """[(name, kilometres)] of the first "Qui peut t'aider ?" block, as displayed."""
    seen = []
    for item in page.locator(".partners").first.locator("li.partner").all():
        distance = item.locator(".partner__distance").inner_text()
        km = 0 if "moins d" in distance else int(re.search(r"à (\d+) km", distance).group(1))
        seen.append((item.locator(".partner__name").inner_text(), km))
    return seen


@pytest.mark.parametrize("commune, expected", [
    ("62498", [("Foyer de jeunes travailleurs de Lens", 0), ("Maison du Département Solidarité de Lens-Hénin", 4),
               ("CCAS de Liévin", 4), ("SIAO du Pas-de-Calais (115)", 90),
               ("CAF du Pas-de-Calais (Boulogne-sur-Mer)", 92)]),
    ("49007", [("CLLAJ d'Angers", 0), ("SIAO de Maine-et-Loire", 0), ("MDS du Saumurois", 43)]),
])
def test_guide_partners_serve_the_commune_nearest_first(phone_page, live_server, guide_tree, places_world, commune,
                                                        expected):
    phone_page.context.add_cookies([{"name": "relais_territoire", "value": commune, "url": live_server.url}])
    phone_page.goto("/guide/logement/trouver-un-logement/")
    seen = _partners_seen(phone_page)
    assert seen == expected
    departement_wide = [km for name, km in seen if name in {n for n, s, _o in LENS_HOUSING if s in ("62", "49")}]
    assert departement_wide == sorted(departement_wide)
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 360


def test_directory_radius_keeps_the_siao_that_serves_the_commune(phone_page, axe_check, places_world):
    _no_tiles(phone_page)
    phone_page.goto("/annuaire/")
    phone_page.get_by_label("À proximité de (commune)").fill("Arras")
    phone_page.get_by_label("Rayon").select_option("10")
    phone_page.get_by_label("Trier par").select_option("distance")
    phone_page.get_by_role("button", name="Rechercher").click()
    phone_page.wait_for_url("**pres_de=Arras**")
    cards = phone_page.locator(".directory-card")
    names = cards.locator("h3").all_inner_texts()
    assert "SIAO du Pas-de-Calais (115)" in names  # office 98 km away, serves the whole département
    assert "Foyer de jeunes travailleurs de Lens" not in names  # serves Lens only, office 16 km away
    assert "CLLAJ d'Angers" not in names
    km = [int(re.search(r"\d+", text).group()) if "moins" not in text else 0
          for text in cards.locator(".directory-card__distance").all_inner_texts()]
    assert km == sorted(km) and km[-1] == 98
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 360
    axe_check(phone_page)


def test_organisation_page_asks_the_tile_server_only_after_voir_la_carte(phone_page, directory_data):
    """The reader's address goes to the outside tile server only once the reader asked for the map."""
    tiles = []
    phone_page.route(re.compile(r"https://tile\.openstreetmap\.org/.*"),
                     lambda route: (tiles.append(route.request.url), route.abort()))
    phone_page.goto("/annuaire/ccas-darras/")
    phone_page.wait_for_load_state("networkidle")
    assert phone_page.locator("#directory-map").is_hidden()
    assert tiles == []
    show = phone_page.get_by_role("button", name="Voir la carte")
    show.click()
    phone_page.wait_for_selector("#directory-map[data-ready='1']")
    phone_page.wait_for_timeout(300)
    assert tiles, "the map asked no tile once shown"
    assert phone_page.locator(".leaflet-marker-icon").count() == 1
    assert show.is_hidden()
