"""The demo guide's content as a reader relies on it: each article sends to the official service it talks
about, every amount says when it was checked, refusals come with the way to contest them, and the topics
the issue asked for (Mon soutien psy, the driving licence from 17) are there."""

import re
from urllib.parse import urlsplit

from relais.demo import guide as demo_guide
from relais.demo import read

MONTHS = "janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre"
CHECKED = re.compile(rf"vérifiée?s? le (\d{{1,2}}(?:er)?) ({MONTHS}) (\d{{4}})")
AMOUNT = re.compile(r"\d(?:[\d\u202f\xa0 ]*\d)?(?:,\d+)?\s?€")
HREF = re.compile(r'<a\s[^>]*href="([^"]+)"')
LINK = re.compile(r'<a\s[^>]*href="(https?://[^"]+)"[^>]*>([^<]*)</a>')


def official_domains() -> list[str]:
    return read("guide/guide.toml")["official_domains"]


def is_official(host: str, domains: list[str]) -> bool:
    return any(host == domain or host.endswith("." + domain) for domain in domains)


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _strings(item)


def articles() -> dict[str, str]:
    """theme/slug → the article's whole text (title, summary and every block), as a reader sees it."""
    return {f"{theme['slug']}/{article['slug']}": "\n".join(
                [article["title"], article["summary"], *_strings(article["body"])])
            for theme in demo_guide.themes() for article in theme["articles"]}


def test_the_domain_check_reads_hosts_not_substrings():
    domains = ["gouv.fr", "caf.fr"]
    assert is_official("www.caf.fr", domains) and is_official("ants.gouv.fr", domains)
    assert not is_official("caf.fr.exemple.invalid", domains) and not is_official("fauxcaf.fr", domains)


def test_every_article_links_to_an_official_service_page_and_only_to_official_sites():
    domains = official_domains()
    without, elsewhere = [], {}
    for key, text in articles().items():
        urls = [url for url in HREF.findall(text) if urlsplit(url).scheme]
        hosts = [urlsplit(url).hostname or "" for url in urls]
        if not any(is_official(host, domains) for host in hosts):
            without.append(key)
        bad = [url for url, host in zip(urls, hosts, strict=True)
               if urlsplit(url).scheme != "https" or not is_official(host, domains)]
        if bad:
            elsewhere[key] = bad
    assert without == [] and elsewhere == {}


def test_every_amount_comes_with_the_date_it_was_checked_in_2026_or_later():
    unchecked = {}
    for key, text in articles().items():
        amounts = AMOUNT.findall(text)
        if not amounts:
            continue
        dates = CHECKED.findall(text)
        if not dates or any(int(year) < 2026 for _day, _month, year in dates):
            unchecked[key] = amounts
    assert unchecked == {}
    assert AMOUNT.findall("une aide de 500 € et 1 200 € ; 8 € par mois") == ["500 €", "1 200 €", "8 €"]


def test_refusals_come_with_the_way_to_contest_them():
    text = articles()
    cjm = text["droits-et-demarches/contrat-jeune-majeur"]
    assert "recours gracieux" in cjm and "président du conseil départemental" in cjm
    assert "tribunal administratif" in cjm and "2 mois" in cjm
    apl = text["logement/aides-au-logement"]
    assert "commission de recours amiable" in apl and "médiateur" in apl
    assert "CADA" in text["droits-et-demarches/acces-au-dossier"]
    assert "DALO" in text["logement/logement-social"]


def test_mon_soutien_psy_and_the_licence_from_17_are_covered():
    text = articles()
    psy = text["sante/mon-soutien-psy"]
    assert "Mon soutien psy" in psy and "12 séances" in psy and "dès 3 ans" in psy
    assert 'href="https://monsoutienpsy.ameli.fr/"' in psy and "ordonnance" in psy
    assert "sante/mon-soutien-psy" in {f"sante/{slug}" for slug in read("guide/sante/theme.toml")["articles"]}
    assert "Mon soutien psy" in text["sante/sante-mentale"]  # the article readers already find leads to it
    licence = text["mobilite/permis-de-conduire"]
    assert "dès 17 ans" in licence and "apprentissage anticipé de la conduite" in licence and "dès 15 ans" in licence
    assert "500 €" in licence and "1 € par jour" in licence


def test_an_external_link_names_the_site_it_leads_to():
    """The rich text does not mark external links, so their text is the site's address (caf.fr): a reader
    knows before tapping that it leaves the guide."""
    unnamed = {}
    for key, text in articles().items():
        for url, label in LINK.findall(text):
            host = urlsplit(url).hostname.removeprefix("www.")
            if label != host:
                unnamed.setdefault(key, []).append((url, label))
    assert unnamed == {}
