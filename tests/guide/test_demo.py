"""The demo guide: enough real content, every article tied to the directory, idempotent."""

import re

import pytest

from guide.models import ArticlePage, GlossaryTerm, PathPage, ThemePage
from relais.demo import guide as demo


@pytest.fixture
def demo_guide(site_pages):
    demo.load(lambda _m: None)


def test_demo_has_themes_articles_path_and_glossary_all_tied_to_the_directory(client, demo_guide):
    themes = list(ThemePage.objects.live().values_list("slug", flat=True))
    assert themes == ["logement", "travail-et-formation", "argent", "sante", "droits-et-demarches", "mobilite",
                      "vie-quotidienne", "parentalite", "loisirs-et-citoyennete"]
    assert ArticlePage.objects.live().count() >= 30
    labels = [step.value["age_label"] for step in PathPage.objects.get().steps]
    assert all(any(b.block_type == "directory" for b in t.body) for t in ThemePage.objects.all())
    assert labels == ["Avant 16 ans", "16 ans", "17 ans", "18 ans", "Jusqu'à 21 ans", "Jusqu'à 25 ans"]
    assert {"ASE", "CJM", "CEJ", "PACEA", "E2C", "FJT", "CLLAJ", "SIAO", "MDS", "CSS"} <= set(
        GlossaryTerm.objects.values_list("term", flat=True))
    # every article is tied to the directory, with real text
    for article in ArticlePage.objects.all():
        assert any(block.block_type == "directory" for block in article.body), article.title
        assert article.summary.endswith(".") and len(article.summary) < 240
        text = str(article.body.raw_data).lower()
        assert "lorem" not in text and "todo" not in text
    # the path links existing articles
    html = client.get("/guide/mon-parcours/").content.decode()
    assert 'href="/guide/droits-et-demarches/entretien-17-ans/"' in html
    assert 'href="/guide/droits-et-demarches/contrat-jeune-majeur/"' in html


def test_second_run_changes_nothing(demo_guide):
    before = (ArticlePage.objects.count(), ThemePage.objects.count(), GlossaryTerm.objects.count(),
              list(ArticlePage.objects.values_list("latest_revision_id", flat=True).order_by("pk")))
    messages = []
    demo.load(messages.append)
    after = (ArticlePage.objects.count(), ThemePage.objects.count(), GlossaryTerm.objects.count(),
             list(ArticlePage.objects.values_list("latest_revision_id", flat=True).order_by("pk")))
    assert after == before and messages == []


def test_heaviest_demo_article_stays_under_150_kb(client, demo_guide):
    from django.contrib.staticfiles import finders

    sizes = []
    for article in ArticlePage.objects.live():
        html = client.get(article.url).content
        assets = re.findall(r'(?:href|src)="/static/([^"]+\.(?:css|js))"', html.decode())
        sizes.append(len(html) + sum(len(open(finders.find(a), "rb").read()) for a in assets))
    print(f"demo articles: heaviest {max(sizes)} B, median {sorted(sizes)[len(sizes) // 2]} B")
    assert max(sizes) < 150 * 1024
