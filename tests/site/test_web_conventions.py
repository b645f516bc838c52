"""The web's conventions: robots.txt, sitemap.xml (public pages only, public addresses), and a description and
share preview (Open Graph) on every page."""

import re
from html import unescape

import pytest

from tests.builders import make_org
from tests.conftest import PUBLIC_BASE_URL

pytestmark = pytest.mark.django_db


@pytest.fixture
def public_address(settings):
    settings.RELAIS_BASE_URL = PUBLIC_BASE_URL


def _meta(html: str) -> dict:
    """name/property → content of the page's <meta> tags."""
    found = {}
    for tag in re.findall(r"<meta\b[^>]*>", html):
        key = re.search(r'(?:name|property)="([^"]+)"', tag)
        content = re.search(r'content="([^"]*)"', tag)
        if key and content:
            assert key[1] not in found, f"{key[1]} given twice"
            found[key[1]] = unescape(content[1])
    return found


def test_robots_txt_keeps_crawlers_out_of_private_areas_and_points_to_the_sitemap(client, public_address):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines and "Allow: /" in lines
    for private in ("/admin/", "/espace-pro/", "/instances/", "/indicateurs/", "/api/"):
        assert f"Disallow: {private}" in lines
    assert "Disallow: /guide/" not in lines and "Disallow: /annuaire/" not in lines
    assert f"Sitemap: {PUBLIC_BASE_URL}/sitemap.xml" in lines


def test_sitemap_lists_live_public_pages_and_published_organisations_only(client, url_world, public_address):
    w = url_world
    draft = make_org("Structure en brouillon", slug="structure-brouillon", status="draft")
    w.pages.article.copy(update_attrs={"title": "Brouillon", "slug": "brouillon-guide"}, keep_live=False)

    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    locations = re.findall(r"<loc>([^<]+)</loc>", response.content.decode())
    assert all(location.startswith(PUBLIC_BASE_URL + "/") for location in locations), locations
    paths = {location.removeprefix(PUBLIC_BASE_URL) for location in locations}
    for page in (w.pages.home, w.pages.index, w.pages.theme, w.pages.article, w.pages.path):
        assert page.url in paths
    assert f"/annuaire/{w.org.slug}/" in paths
    assert w.pages.private.url not in paths, "a password-protected page is in the sitemap"
    assert f"/annuaire/{draft.slug}/" not in paths
    assert not any("brouillon-guide" in path for path in paths)
    assert not any(path.startswith(("/admin/", "/espace-pro/", "/instances/")) for path in paths)


def test_guide_article_describes_itself_and_has_a_share_preview(client, url_world, public_address):
    article = url_world.pages.article
    article.search_description = "Foyer, logement social, aides : les solutions pour te loger."
    article.save_revision().publish()
    meta = _meta(client.get(article.url).content.decode())
    assert meta["description"] == "Foyer, logement social, aides : les solutions pour te loger."
    assert meta["og:description"] == meta["description"]
    assert meta["og:title"] == "Trouver un logement"
    assert meta["og:type"] == "article"
    assert meta["og:url"] == PUBLIC_BASE_URL + article.url
    assert meta["og:locale"] == "fr_FR" and meta["og:site_name"] == "Relais"


def test_theme_page_without_search_description_uses_its_introduction(client, url_world):
    meta = _meta(client.get(url_world.pages.theme.url).content.decode())
    assert meta["description"] == "Trouver où dormir."
    assert meta["og:type"] == "website"


def test_organisation_page_uses_its_description(client, url_world, public_address):
    org = url_world.org
    org.description = "Accompagne les 16–25 ans vers l'emploi et la formation, <sans rendez-vous> le matin."
    org.save()
    meta = _meta(client.get(f"/annuaire/{org.slug}/").content.decode())
    assert meta["description"] == org.description
    assert meta["og:title"] == org.name
    assert meta["og:url"] == f"{PUBLIC_BASE_URL}/annuaire/{org.slug}/"


@pytest.mark.parametrize("path", ["/annuaire/", "/guide/glossaire/", "/recherche/?q=logement", "/espace-pro/connexion/",
                                  "/page-qui-n-existe-pas/"])
def test_every_section_has_a_default_description(client, url_world, public_address, path):
    response = client.get(path)
    meta = _meta(response.content.decode())
    assert len(meta["description"]) > 40
    assert meta["og:url"] == PUBLIC_BASE_URL + path.split("?")[0]
    assert {"og:title", "og:description", "og:type", "og:locale", "og:site_name"} <= meta.keys()
