"""The emergency path in a real Chromium at 360 px: the Urgence entry in one tap from the home page's header,
numbers in an article as tap-to-call links, the header's search, the feedback confirmation in view and focused."""

import pytest

from guide.models import ArticlePage
from tests import builders

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def article(guide_tree):
    page = guide_tree["article"]
    page.body = [{"type": "text", "value": (
        "<p>Si tu penses au suicide, appelle le <strong>3114</strong>. En cas de danger immédiat, appelle le "
        "<strong>15</strong> ou le <strong>112</strong>. Pour dormir ce soir, appelle le 115. Avant tes 18 ans, "
        "le foyer répond au 01 23 45 67 89.</p>")}]
    page.save_revision().publish()
    return ArticlePage.objects.get(pk=page.pk)


def test_urgence_is_one_tap_from_the_home_page_header(phone_page, axe_check, site_pages, territories):
    builders.make_org("SIAO — Pas-de-Calais", typologie="local-siao", phone="115", commune=territories["arras"],
                      serving=[territories["62"]])
    phone_page.goto("/")
    entry = phone_page.get_by_role("banner").get_by_role("link", name="Urgence")
    box = entry.bounding_box()
    assert box and box["y"] + box["height"] <= 740 and box["x"] + box["width"] <= 360  # visible without scrolling
    assert box["height"] >= 44  # a target a thumb can hit
    brand = phone_page.get_by_role("banner").locator(".brand").bounding_box()
    assert box["y"] < brand["y"] + brand["height"]  # on the brand's row: the page starts higher on a phone
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 360
    entry.tap()
    phone_page.wait_for_url("**/urgence/")
    assert phone_page.get_by_role("heading", level=1).inner_text() == "Urgence : qui appeler ?"
    call = phone_page.get_by_role("link", name="Appeler le 3114")
    assert call.get_attribute("href") == "tel:3114" and call.is_visible()
    assert phone_page.get_by_role("link", name="Envoyer un SMS au 114").get_attribute("href") == "sms:114"
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 360
    axe_check(phone_page)


def test_article_numbers_are_tap_to_call_links(phone_page, axe_check, article, partners):
    phone_page.goto(article.url)
    main = phone_page.get_by_role("main")
    for name, href in [("Appeler le 3114", "tel:3114"), ("Appeler le 15", "tel:15"), ("Appeler le 112", "tel:112"),
                       ("Appeler le 115", "tel:115"), ("Appeler le 01 23 45 67 89", "tel:+33123456789")]:
        link = main.get_by_role("link", name=name, exact=True)
        assert link.get_attribute("href") == href
    assert main.locator('a[href="tel:18"]').count() == 0  # "tes 18 ans" is an age
    axe_check(phone_page)


def test_header_search_works_without_javascript(chromium, live_server, guide_tree):
    context = chromium.new_context(java_script_enabled=False, viewport={"width": 360, "height": 740},
                                   base_url=live_server.url)
    page = context.new_page()
    try:
        page.goto("/adresse-inconnue/")
        field = page.get_by_role("banner").get_by_role("searchbox", name="Rechercher sur le site")
        field.fill("logement")
        box = field.bounding_box()
        assert box and box["x"] + box["width"] <= 360
        field.press("Enter")
        page.wait_for_url("**/recherche/?q=logement")
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
    finally:
        context.close()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_feedback_confirmation_is_in_view_and_focused(chromium, live_server, article, partners, javascript):
    context = chromium.new_context(java_script_enabled=javascript, viewport={"width": 360, "height": 740},
                                   base_url=live_server.url, is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        page.goto(article.url)
        page.get_by_label("Oui").check()
        page.get_by_role("button", name="Envoyer mon avis").click()
        page.wait_for_url(f"**{article.url}#avis")
        thanks = page.locator("#avis")
        assert "Merci, ton avis est bien envoyé." in thanks.inner_text()
        assert page.get_by_role("button", name="Envoyer mon avis").count() == 0
        box = thanks.bounding_box()
        assert box and 0 <= box["y"] and box["y"] + box["height"] <= 740
        if javascript:  # (the evaluation needs scripts; without them the fragment still scrolls there)
            assert page.evaluate("document.activeElement.id") == "avis"
    finally:
        context.close()
