"""The youth guide in a real Chromium at 360 px: axe-clean, readable without JS, usable with the keyboard."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = ["/guide/", "/guide/logement/", "/guide/logement/trouver-un-logement/", "/guide/glossaire/",
         "/guide/mon-parcours/", "/guide/territoire/", "/guide/idee/"]


@pytest.mark.parametrize("url", PAGES)
def test_guide_pages_pass_axe_on_a_phone(phone_page, axe_check, guide_tree, glossary, partners, url):
    phone_page.goto(url)
    assert phone_page.locator("h1").first.is_visible()
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 360
    axe_check(phone_page)


def test_faq_opens_with_the_keyboard_and_glossary_terms_lead_to_their_definition(phone_page, guide_tree, glossary,
                                                                                partners):
    phone_page.goto("/guide/logement/trouver-un-logement/")
    summary = phone_page.locator("summary", has_text="Je peux avoir l'APL ?")
    answer = phone_page.get_by_text("Oui, dès ton entrée dans le logement.")
    assert not answer.is_visible()
    summary.focus()
    phone_page.keyboard.press("Enter")
    assert answer.is_visible()
    term = phone_page.locator("a.term", has_text="CJM")
    assert term.get_attribute("aria-describedby") == "mot-cjm-def"
    term.focus()
    phone_page.keyboard.press("Enter")
    assert phone_page.evaluate("location.hash") == "#mot-cjm"
    assert phone_page.locator("#mot-cjm-def").is_visible()


def test_territory_choice_with_the_autocomplete_changes_the_partners(phone_page, axe_check, guide_tree, partners):
    phone_page.goto("/guide/logement/trouver-un-logement/")
    phone_page.get_by_role("link", name="Choisis ton territoire").first.click()
    field = phone_page.get_by_role("combobox", name="Ta commune")
    field.fill("Cal")
    option = phone_page.get_by_role("option", name="Calais (Calaisis)")
    option.wait_for()
    axe_check(phone_page)
    field.press("ArrowDown")
    field.press("ArrowDown")
    field.press("Enter")
    assert field.input_value() == "Calais (Calaisis)"
    phone_page.get_by_role("button", name="Enregistrer mon territoire").click()
    phone_page.wait_for_url("**/guide/logement/trouver-un-logement/")
    assert "Près de Calais (Calaisis)" in phone_page.locator(".partners__where").first.inner_text()
    assert phone_page.get_by_role("link", name="CLLAJ du Calaisis").is_visible()
    assert phone_page.get_by_role("link", name="Foyer des jeunes travailleurs d'Arras").count() == 0


def test_territory_and_feedback_work_without_javascript(chromium, live_server, guide_tree, partners):
    context = chromium.new_context(java_script_enabled=False, viewport={"width": 360, "height": 740},
                                   base_url=live_server.url)
    page = context.new_page()
    try:
        page.goto("/guide/territoire/?next=/guide/logement/trouver-un-logement/")
        page.get_by_label("Ta commune").fill("arras")
        page.get_by_role("button", name="Enregistrer mon territoire").click()
        assert "Près de Arras (Arrageois)" in page.locator(".partners__where").first.inner_text()
        page.get_by_label("Oui").check()
        page.get_by_label("Tu veux en dire plus ? (facultatif)").fill("Clair, merci.")
        page.get_by_role("button", name="Envoyer mon avis").click()
        assert "Merci, ton avis est bien envoyé." in page.locator(".messages").inner_text()
    finally:
        context.close()
    from guide.models import Feedback

    assert Feedback.objects.get().comment == "Clair, merci."
