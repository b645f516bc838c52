"""The site shell in a real Chromium at 360 px: accessible, and a professional can sign in."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_home_page_passes_axe_on_a_phone(phone_page, axe_check, site_pages):
    phone_page.goto("/")
    assert phone_page.locator("h1").first.is_visible()
    # Nothing overflows a 360 px screen sideways.
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 360
    axe_check(phone_page)


def test_skip_link_moves_focus_to_the_content(phone_page, site_pages):
    phone_page.goto("/")
    phone_page.keyboard.press("Tab")
    assert phone_page.evaluate("document.activeElement.textContent").strip() == "Aller au contenu"
    phone_page.keyboard.press("Enter")
    assert phone_page.evaluate("document.activeElement.id") == "contenu"


def test_login_page_passes_axe_and_a_professional_signs_in(phone_page, axe_check, site_pages, professional,
                                                           login_in_browser):
    phone_page.goto("/espace-pro/connexion/")
    axe_check(phone_page)
    login_in_browser(phone_page, professional)
    assert phone_page.get_by_role("heading", level=1).inner_text() == "Espace professionnel"
    menu = phone_page.get_by_role("navigation", name="Menu principal")
    assert menu.get_by_role("link", name="Instances").is_visible()
    axe_check(phone_page)


def test_wrong_password_error_is_announced(phone_page, site_pages, professional):
    phone_page.goto("/espace-pro/connexion/")
    phone_page.get_by_label("Identifiant").fill("pro")
    phone_page.get_by_label("Mot de passe").fill("pas-le-bon")
    phone_page.get_by_role("button", name="Se connecter").click()
    assert "Identifiant ou mot de passe incorrect" in phone_page.get_by_role("alert").inner_text()
