"""The emergency path: /urgence/ one tap from every page's header, the reader's SIAO and MDS, numbers in the
guide's text as tap-to-call links, the site search in every header, the feedback confirmation in place."""

import re

import pytest
from wagtail.models import Page

from guide.models import ArticlePage
from guide.territory import COOKIE_NAME
from tests import builders

# Every test here runs in the guide's tree, built once for the module (tests.module_data.BuiltOnce).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("guide_tree")]


@pytest.fixture
def helpers(territories):
    """The SIAO of the département, one MDS in each territoire, and a CCAS (not an emergency contact)."""
    t = territories
    return {
        "siao": builders.make_org("SIAO — Pas-de-Calais", typologie="local-siao", phone="115", commune=t["arras"],
                                  address="2 place de la Préfecture", serving=[t["62"]]),
        "mds_arras": builders.make_org("Maison du Département Solidarité de l'Arrageois", typologie="local-service-ase",
                                       phone="01 99 00 20 01", commune=t["arras"], serving=[t["62-ARR"]]),
        "mds_calais": builders.make_org("Maison du Département Solidarité du Calaisis",
                                        typologie="local-service-ase", phone="01 99 00 20 02", commune=t["calais"],
                                        serving=[t["62-CAL"]]),
        "ccas": builders.make_org("CCAS d'Arras", typologie="ccas-cias", phone="01 99 00 20 03", commune=t["arras"],
                                  serving=[t["arras"]]),
    }


def _links(html: str) -> dict[str, str]:
    """href → aria-label of every link with an aria-label."""
    return {m.group(1): m.group(2) for m in re.finditer(r'<a [^>]*href="([^"]+)"[^>]*aria-label="([^"]+)"', html)}


def test_emergency_page_lists_the_national_numbers_as_calls(client, helpers):
    response = client.get("/urgence/")
    html = response.content.decode()
    assert response.status_code == 200
    links = _links(html)
    for number, href, label in [
        ("15", "tel:15", "Appeler le 15 (SAMU)"), ("17", "tel:17", "Appeler le 17 (Police secours)"),
        ("18", "tel:18", "Appeler le 18 (Sapeurs-pompiers)"), ("112", "tel:112", "Appeler le 112"),
        ("115", "tel:115", "Appeler le 115"), ("119", "tel:119", "Appeler le 119"),
        ("3114", "tel:3114", "Appeler le 3114"), ("3919", "tel:3919", "Appeler le 3919"),
        ("0 800 235 236", "tel:+33800235236", "Appeler le 0 800 235 236 (Fil Santé Jeunes)"),
    ]:
        assert links[href].startswith(label), number
    assert links["sms:114"].startswith("Envoyer un SMS au 114")
    assert "sourd" in html and "Hébergement d&#x27;urgence" in html and "Prévention du suicide" in html
    assert '<meta name="description" content="Les numéros d\'urgence' in html
    assert "<script" not in html.split("</header>")[1]  # works without a script
    # No territory chosen: a prompt to choose one, no local office.
    assert "Choisis ta commune" in html and "/guide/territoire/?next=/urgence/" in html
    assert "SIAO — Pas-de-Calais" not in html


def test_with_a_territory_the_page_gives_the_readers_siao_and_mds(client, helpers, territories):
    client.cookies[COOKIE_NAME] = territories["arras"].code
    html = client.get("/urgence/").content.decode()
    assert "Arras (Arrageois)" in html
    links = _links(html)
    assert links["tel:115"]  # the SIAO's 115 (and the national one)
    assert "SIAO — Pas-de-Calais" in html and f'href="/annuaire/{helpers["siao"].slug}/"' in html
    assert links["tel:+33199002001"].startswith("Appeler le 01 99 00 20 01 (Maison du Département Solidarité de")
    assert "du Calaisis" not in html and "CCAS d&#x27;Arras" not in html


def test_with_a_territory_the_directory_does_not_know_the_page_says_so(client, territories):
    client.cookies[COOKIE_NAME] = territories["calais"].code
    html = client.get("/urgence/").content.decode()
    assert "ne connaît pas encore de SIAO" in html


HEADER_PAGES = ["/", "/guide/", "/guide/logement/trouver-un-logement/", "/annuaire/", "/urgence/",
                "/guide/glossaire/", "/plan-du-site/", "/nulle-part/"]


@pytest.mark.parametrize("url", HEADER_PAGES)
def test_every_page_header_has_the_urgence_entry_and_a_search_form(client, guide_tree, url):
    response = client.get(url)
    assert response.status_code == (404 if url == "/nulle-part/" else 200)
    header = response.content.decode().split("<header", 1)[1].split("</header>", 1)[0]
    assert re.search(r'<a class="urgence-link" href="/urgence/"[^>]*>Urgence</a>', header)
    form = re.search(r'<form class="site-search" role="search" method="get" action="/recherche/"[^>]*>(.*?)</form>',
                     header, re.S)
    assert form, url
    assert '<label class="visually-hidden" for="site-search-q">Rechercher sur le site</label>' in form.group(1)
    assert 'id="site-search-q" name="q" type="search"' in form.group(1)


def test_the_header_search_leads_to_the_search_page(client, guide_tree):
    assert client.get("/recherche/", {"q": "logement"}).status_code == 200


def _article_with(guide_tree, text):
    article = guide_tree["article"]
    article.body = [{"type": "text", "value": text}]
    article.summary = "Appelle le 115, gratuit, jour et nuit."
    article.save_revision().publish()
    return ArticlePage.objects.get(pk=article.pk)


def test_numbers_in_an_article_are_tap_to_call_links(client, guide_tree):
    article = _article_with(guide_tree, (
        '<p>Si tu penses au suicide, appelle le <b>3114</b>. En danger, appelle le <b>15</b> ou le <b>112</b>. '
        'Avant tes 18 ans, appelle le 119. Le foyer : 01 23 45 67 89. '
        '<a href="https://www.exemple.invalid/fiche-0123456789">Voir la fiche du 115</a>.</p>'))
    html = client.get(article.url).content.decode()
    links = _links(html.split("<main", 1)[1])
    assert {"tel:3114", "tel:15", "tel:112", "tel:119", "tel:+33123456789", "tel:115"} <= set(links)
    assert links["tel:+33123456789"] == "Appeler le 01 23 45 67 89"
    assert "tes 18 ans" in html and 'href="tel:18"' not in html
    assert '<a href="https://www.exemple.invalid/fiche-0123456789">Voir la fiche du 115</a>' in html
    assert html.count('href="tel:115"') == 1  # the summary's; the one inside the existing link is untouched


def test_printable_guide_links_the_numbers_too(client, guide_tree):
    _article_with(guide_tree, "<p>Appelle le <strong>3919</strong>.</p>")
    html = client.get("/guide/imprimer/").content.decode()
    assert 'href="tel:3919" aria-label="Appeler le 3919"' in html


def test_directory_phones_are_named_calls(client, helpers):
    html = client.get(f"/annuaire/{helpers['mds_arras'].slug}/").content.decode()
    assert _links(html)["tel:+33199002001"] == \
        "Appeler le 01 99 00 20 01 (Maison du Département Solidarité de l&#x27;Arrageois)"
    listing = client.get("/annuaire/").content.decode()
    assert "tel:+33199002003" in _links(listing)


def test_feedback_confirmation_replaces_the_form_where_the_reader_is(client, guide_tree):
    article = guide_tree["article"]
    response = client.post("/guide/avis/", {"page": article.pk, "helpful": "oui", "comment": "", "contact": "",
                                            "site_web": ""}, follow=True)
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == article.url + "#avis"
    section = html.split('<section class="feedback no-print"', 1)[1].split("</section>", 1)[0]
    thanks = re.search(r'<div class="messages feedback__thanks" id="avis" tabindex="-1" role="status">(.*?)</div>',
                       section, re.S)
    assert thanks and "Merci, ton avis est bien envoyé." in thanks.group(1)
    assert "Envoyer mon avis" not in html  # the form is gone, not shown empty under the thanks
    assert html.count("Merci, ton avis est bien envoyé.") == 1  # not repeated at the top of the page
    assert html.count('id="avis"') == 1
    # The next visit shows the form again.
    assert "Envoyer mon avis" in client.get(article.url).content.decode()


def test_other_messages_stay_at_the_top(client, guide_tree, territories):
    response = client.post("/guide/territoire/?next=/urgence/", {"commune": "Arras"}, follow=True)
    html = response.content.decode()
    assert re.search(r'<div class="messages" role="status">\s*<p class="message message--success">C&#x27;est noté',
                     html)


def test_404_page_has_a_search_form(client, db):
    assert not Page.objects.filter(url_path__endswith="/pas-de-page-ici/").exists()
    html = client.get("/pas-de-page-ici/").content.decode()
    assert 'action="/recherche/"' in html and 'name="q"' in html


def test_numbers_in_a_directory_description_are_links(client, helpers):
    org = helpers["ccas"]
    org.description = "Permanence : 01 23 45 67 89.\nSite : https://www.exemple.invalid/0123456789"
    org.save()
    html = client.get(f"/annuaire/{org.slug}/").content.decode()
    assert 'href="tel:+33123456789" aria-label="Appeler le 01 23 45 67 89"' in html
    assert "https://www.exemple.invalid/0123456789" in html


def test_the_search_page_has_one_search_form_not_two(client, guide_tree):
    html = client.get("/recherche/", {"q": "logement"}).content.decode()
    assert 'class="site-search"' not in html
    assert html.count('type="search"') == 1  # the page's own box (the filters carry q hidden)
