"""The demo guide: enough real content, every article tied to the directory, idempotent; its translations."""

import re

import pytest

from guide.models import ArticlePage, GlossaryTerm, HomePage, PathPage, ThemePage
from relais.demo import guide as demo
from tests import module_data


@pytest.fixture(scope="module")
def _demo_guide_once(request, module_transaction):
    return module_data.BuiltOnce(request, module_transaction, demo.load, lambda _m: None)


@pytest.fixture
def demo_guide(site_pages, _demo_guide_once):
    """The demo guide, loaded once for the module."""
    _demo_guide_once.get()


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


def test_demo_translations_cover_the_key_pages_in_english_and_arabic(client, demo_guide):
    from relais.demo import translations
    from relais.models import TranslationReview

    translations.load(lambda _m: None)
    translations.load(lambda _m: None)  # idempotent
    for code in ("en", "ar"):
        assert len(translations.files(code)) == len(translations.PAGES)
        pages = ArticlePage.objects.filter(locale__language_code=code)
        assert pages.count() == 5
        assert all(p.translation_review.status == TranslationReview.Status.TO_REVIEW for p in pages)
        assert HomePage.objects.filter(locale__language_code=code).count() == 1
    page = client.get("/ar/guide/logement/urgence-pas-de-logement/")
    html = page.content.decode()
    assert page.status_code == 200 and '<html lang="ar" dir="rtl">' in html
    assert "اتصل بالرقم" in html and "من يمكنه مساعدتك؟" in html
    assert "لم تتم مراجعة هذه الترجمة بعد" in html  # shown before review: the page says so
    html = client.get("/en/guide/droits-et-demarches/contrat-jeune-majeur/").content.decode()
    assert "The contrat jeune majeur" in html and "This translation has not been reviewed yet" in html
