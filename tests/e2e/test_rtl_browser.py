"""The guide in Arabic on a 360 px phone, in real Chromium: right to left (the breadcrumb and the header mirror,
nothing overflows), the site's Arabic font, axe with no serious or critical violation, under the page-weight
budget (150 KB, fonts included). A screenshot is kept for a person to look at: /tmp/relais-rtl-article-360.png."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOT = "/tmp/relais-rtl-article-360.png"
FONT_REQUESTS = "performance.getEntriesByType('resource').map(e => e.name).filter(n => n.includes('/fonts/'))"


def test_an_arabic_article_mirrors_at_360px_and_passes_axe(phone_page, axe_check, arabic_world):
    page = phone_page
    page.goto("/ar/guide/logement/trouver-un-logement/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("html").get_attribute("lang") == "ar"
    assert page.locator("h1").inner_text() == "أن تجد سكنًا في سن 18"
    # Right to left: the breadcrumb starts on the right, and nothing is wider than the phone.
    crumbs = page.locator(".breadcrumb li")
    first, last = crumbs.first.bounding_box(), crumbs.last.bounding_box()
    assert first["x"] > last["x"] or first["y"] < last["y"]  # on one line: right to left; else wrapped
    first_line = [box for box in (crumbs.nth(i).bounding_box() for i in range(crumbs.count()))
                  if abs(box["y"] - first["y"]) < 2]
    assert first_line == sorted(first_line, key=lambda box: -box["x"])
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    brand = page.locator("a.brand").bounding_box()
    assert brand["x"] + brand["width"] > 360 - 40  # the brand sits at the right edge
    # The site's Arabic font, served from /static/relais/fonts/
    page.evaluate("document.fonts.ready")
    assert page.evaluate("document.fonts.check('16px \"Relais Arabic\"', 'ع')")
    weight = page.evaluate("""() => {
        const nav = performance.getEntriesByType('navigation')[0];
        const resources = performance.getEntriesByType('resource');
        return [nav, ...resources].reduce((total, e) => total + (e.decodedBodySize || 0), 0);
    }""")
    fonts = page.evaluate(FONT_REQUESTS)
    assert any("noto-sans-arabic" in name for name in fonts)
    assert weight < 150_000, weight
    page.screenshot(path=SCREENSHOT, full_page=True)
    axe_check(page)


def test_arabic_pages_pass_axe_with_the_switcher_and_fallback(phone_page, axe_check, arabic_world):
    page = phone_page
    # a French page downloads no site font (before any Arabic page: a font in the memory cache would count)
    page.goto("/guide/logement/")
    page.evaluate("document.fonts.ready")
    assert page.evaluate(FONT_REQUESTS) == []
    failures = []
    for url in ("/ar/", "/ar/guide/", "/ar/guide/logement/", "/ar/urgence/", "/ar/guide/mon-parcours/",
                "/ar/recherche/?q=logement", "/ar/guide/glossaire/", "/ar/cette-page-n-existe-pas/"):
        page.goto(url)
        assert page.locator("html").get_attribute("dir") == "rtl", url
        try:
            axe_check(page)
        except pytest.fail.Exception as failure:
            failures.append(f"{url}: {failure}")
    assert not failures, "\n\n".join(failures)
    # the fallback page says so in Arabic, and its French content is marked as French
    page.goto("/ar/guide/mon-parcours/")
    assert page.locator(".language-notice").is_visible()
    assert page.locator(".page-content").get_attribute("lang") == "fr"
    # the switcher goes to the same page in French, remembered
    page.goto("/ar/guide/logement/")
    page.locator(".lang-switch a[lang='fr']").click()
    page.wait_for_url("**/guide/logement/")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.locator("h1").inner_text() == "Logement"
