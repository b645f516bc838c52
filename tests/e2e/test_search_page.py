"""/recherche/ in real Chromium: accessible at 360 px, the combobox works with the keyboard, and without JS."""

import pytest

from tests.builders import make_org, territory_world

pytestmark = pytest.mark.browser


@pytest.fixture
def search_data(transactional_db):
    from relais.demo.guide import load_glossary

    load_glossary(lambda _message: None)  # search's acronyms ("ml") live in the glossary
    places = territory_world("62", "arras", located={"arras"}, changes={"arras": {"parent": "62", "postal_codes": ""}})
    pdc, arras = places["62"], places["arras"]
    for name, typologie in (("Mission locale de l'Arrageois", "mission-locale"),
                            ("Mission locale du Ternois", "mission-locale"),
                            ("Résidence Habitat Jeunes d'Arras", "local-fjt")):
        make_org(name, commune=arras, typologie=typologie, serving=[pdc],
                 description="Accompagnement et logement des jeunes de 16 à 25 ans.",
                 services=[{"name": "Accueil des jeunes", "status": "published",
                            "thematiques": ["logement-hebergement"], "publics": ["jeunes"], "age_min": 16,
                            "age_max": 25}])
    from search import indexing

    indexing.rebuild()


def test_results_page_at_360px_passes_axe(phone_page, axe_check, search_data):
    phone_page.goto("/recherche/?q=logement")
    assert phone_page.get_by_role("heading", level=1).is_visible()
    assert phone_page.locator(".hit").count() == 6  # three partners and their three services
    assert phone_page.locator(".hit mark").first.is_visible()
    axe_check(phone_page)
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"horizontal scroll at 360 px ({width} px)"


def test_empty_state_passes_axe(phone_page, axe_check, search_data):
    phone_page.goto("/recherche/?q=xylophone")
    assert phone_page.get_by_text("Aucun résultat").is_visible()
    assert phone_page.get_by_role("link", name="Voir l'annuaire des partenaires").is_visible()
    axe_check(phone_page)


def test_combobox_with_the_keyboard(desktop_page, axe_check, search_data):
    page = desktop_page
    page.goto("/recherche/")
    box = page.get_by_role("combobox", name="Ta recherche")
    box.focus()
    page.keyboard.type("missi", delay=30)
    listbox = page.get_by_role("listbox")
    listbox.wait_for(state="visible")
    options = listbox.get_by_role("option")
    assert options.count() == 2
    assert box.get_attribute("aria-expanded") == "true"
    axe_check(page)
    page.keyboard.press("ArrowDown")
    first = options.nth(0)
    assert first.get_attribute("aria-selected") == "true"
    assert box.get_attribute("aria-activedescendant") == first.get_attribute("id")
    page.keyboard.press("ArrowDown")
    assert options.nth(1).get_attribute("aria-selected") == "true"
    page.keyboard.press("ArrowUp")
    assert first.get_attribute("aria-selected") == "true"
    page.keyboard.press("Escape")
    assert listbox.is_hidden() and box.get_attribute("aria-expanded") == "false"
    assert box.evaluate("el => el === document.activeElement")
    page.keyboard.press("ArrowDown")  # reopens on the same suggestions
    assert first.get_attribute("aria-selected") == "true"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/annuaire/mission-locale-" in page.url


def test_enter_without_choosing_submits_the_form(desktop_page, search_data):
    page = desktop_page
    page.goto("/recherche/")
    page.get_by_role("combobox", name="Ta recherche").fill("ml")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "q=ml" in page.url
    assert page.locator(".hit").count() >= 2


def test_works_without_javascript(chromium, live_server, search_data):
    context = chromium.new_context(java_script_enabled=False, viewport={"width": 360, "height": 740},
                                   base_url=live_server.url, locale="fr-FR")
    page = context.new_page()
    try:
        page.goto("/recherche/")
        page.get_by_label("Ta recherche").fill("fjt arras")
        page.get_by_role("button", name="Rechercher", exact=True).click()
        page.wait_for_url("**/recherche/?q=fjt+arras")
        assert page.locator(".hit").first.inner_text().count("Résidence Habitat Jeunes") == 1
        page.get_by_label("Article du guide").count()  # facets are plain checkboxes
        page.get_by_role("checkbox").first.check()
        page.get_by_role("button", name="Appliquer les filtres").click()
        page.wait_for_url("**/recherche/?q=fjt+arras&type=*")  # the filtered page, not the one it replaces
        page.wait_for_load_state()
        assert page.locator(".hit").count() >= 1
    finally:
        context.close()
