"""The printable guide (/guide/imprimer/) and its PDF, and the weight of an article page."""

import re

from django.contrib.staticfiles import finders

from guide.models import ArticlePage, ThemePage


def test_printable_guide_gathers_every_theme_article_and_the_path(client, guide_tree, partners, glossary):
    sante = ThemePage(title="Santé", slug="sante", intro="Prendre soin de toi.")
    guide_tree["index"].add_child(instance=sante)
    sante.add_child(instance=ArticlePage(title="Ta carte Vitale", slug="carte-vitale", summary="Avoir ta carte.",
                                         body=[{"type": "text", "value": "<p>Demande-la à la CPAM.</p>"}]))
    html = client.get("/guide/imprimer/").content.decode()
    assert '<a href="#theme-logement">Logement</a>' in html and '<a href="#theme-sante">Santé</a>' in html
    assert "<h3>Trouver un logement quand on a 18 ans</h3>" in html and "<h3>Ta carte Vitale</h3>" in html
    assert "L&#x27;entretien avec ton référent" in html  # the path by age
    assert "<details class=\"faq__item\" open>" in html  # answers visible on paper
    article = guide_tree["article"]
    assert f'id="ref-a{article.pk}-cjm" href="#mot-a{article.pk}-cjm"' in html
    assert f'<dt id="mot-a{article.pk}-cjm">' in html
    assert 'media="print"' in html


def test_printing_one_theme(client, guide_tree):
    sante = ThemePage(title="Santé", slug="sante", intro="Prendre soin de toi.")
    guide_tree["index"].add_child(instance=sante)
    html = client.get("/guide/imprimer/", {"theme": "logement"}).content.decode()
    assert 'id="theme-logement"' in html and 'id="theme-sante"' not in html
    assert 'href="/guide/imprimer/pdf/?theme=logement"' in html


def test_unknown_theme_is_a_french_404(client, guide_tree):
    response = client.get("/guide/imprimer/", {"theme": "nimporte-quoi"})
    assert response.status_code == 404


def test_pdf_download(client, guide_tree, partners, glossary):
    response = client.get("/guide/imprimer/pdf/", {"theme": "logement"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="guide-relais-logement.pdf"'
    assert response.content.startswith(b"%PDF-") and len(response.content) > 10_000


def _static_size(url):
    path = finders.find(url.removeprefix("/static/"))
    assert path, url
    with open(path, "rb") as handle:
        return len(handle.read())


def test_article_page_weighs_under_150_kb_with_its_css_and_js(client, guide_tree, partners, glossary):
    html = client.get("/guide/logement/trouver-un-logement/").content
    text = html.decode()
    assets = re.findall(r'<link rel="stylesheet" href="([^"]+)"', text) + re.findall(r'<script src="([^"]+)"', text)
    assert "/static/guide/css/guide.css" in assets
    total = len(html) + sum(_static_size(url) for url in assets)
    print(f"article page: HTML {len(html)} B + {len(assets)} assets = {total} B")
    assert total < 150 * 1024


def test_pdf_is_rendered_once_until_the_guide_changes(client, guide_tree, monkeypatch, private_cache):
    import weasyprint

    calls = []
    real = weasyprint.HTML.write_pdf

    def counting(self, *args, **kwargs):
        calls.append(1)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(weasyprint.HTML, "write_pdf", counting)
    first = client.get("/guide/imprimer/pdf/", {"theme": "logement"}).content
    assert client.get("/guide/imprimer/pdf/", {"theme": "logement"}).content == first
    assert len(calls) == 1
    guide_tree["article"].save_revision().publish()
    client.get("/guide/imprimer/pdf/", {"theme": "logement"})
    assert len(calls) == 2
