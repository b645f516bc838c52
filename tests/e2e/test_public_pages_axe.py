"""Every public page type on a 360 px phone, checked by the current axe-core (experimental rules on): no serious
or critical violation, the brand link included (its accessible name holds its visible text, WCAG 2.5.3)."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def public_world(guide_tree, glossary, partners):
    from search import indexing

    indexing.rebuild()
    return partners


def _pages(partners):
    from django.urls import NoReverseMatch, reverse

    try:
        emergency = {"emergency": reverse("guide:emergency")}
    except NoReverseMatch:  # the Urgence page comes with its own change
        emergency = {}
    return {
        **emergency,
        "home": "/",
        "guide index": "/guide/",
        "theme": "/guide/logement/",
        "article": "/guide/logement/trouver-un-logement/",
        "age path": "/guide/mon-parcours/",
        "glossary": "/guide/glossaire/",
        "offline page": "/hors-connexion/",
        "territory chooser": "/guide/territoire/",
        "directory": "/annuaire/",
        "organisation": partners["fjt_arras"].get_absolute_url(),
        "search with results": "/recherche/?q=logement",
        "not found": "/cette-page-n-existe-pas/",
        "login": "/espace-pro/connexion/",
    }


def test_every_public_page_type_passes_the_current_axe_at_360px(phone_page, axe_check, public_world):
    failures = []
    for kind, url in _pages(public_world).items():
        phone_page.goto(url)
        assert phone_page.locator("h1").first.is_visible(), kind
        if kind == "search with results":
            assert phone_page.locator("main a[href^='/annuaire/'], main a[href^='/guide/']").count() > 0
        try:
            results = axe_check(phone_page)
        except pytest.fail.Exception as failure:
            failures.append(f"{kind}: {failure}")
            continue
        assert tuple(map(int, results["testEngine"]["version"].split(".")[:2])) >= (4, 14)
    assert not failures, "\n\n".join(failures)


def test_brand_link_is_named_by_what_it_shows(phone_page, public_world):
    phone_page.goto("/guide/")
    brand = phone_page.locator("a.brand")
    visible = " ".join(brand.inner_text().split())
    assert visible.startswith("Relais")
    name = phone_page.get_by_role("link", name=visible)
    assert name.count() == 1 and name.get_attribute("href") == "/"
