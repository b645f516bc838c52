"""The guide's page types and blocks, as a reader sees them."""

import re

import pytest

from guide.models import ArticlePage, ThemePage


def test_guide_index_lists_themes_path_and_tools(client, guide_tree):
    html = client.get("/guide/").content.decode()
    assert 'href="/guide/logement/"' in html
    assert 'href="/guide/mon-parcours/"' in html
    assert 'href="/guide/glossaire/"' in html and 'href="/guide/idee/"' in html and 'href="/guide/imprimer/"' in html


def test_theme_page_lists_its_live_articles_only(client, guide_tree):
    draft = ArticlePage(title="Brouillon caché", slug="brouillon", summary="Pas encore publié.", live=False,
                        body=[{"type": "text", "value": "<p>x</p>"}])
    guide_tree["theme"].add_child(instance=draft)
    html = client.get("/guide/logement/").content.decode()
    assert "Trouver un logement quand on a 18 ans" in html
    assert "Les solutions pour te loger" in html
    assert "Brouillon caché" not in html


def test_article_shows_summary_age_range_and_update_date(client, guide_tree):
    html = client.get("/guide/logement/trouver-un-logement/").content.decode()
    assert '<p class="lead">Les solutions pour te loger, même avec peu d&#x27;argent.</p>' in html
    assert "Pour les 17–25 ans" in html
    assert 'Mis à jour le <time datetime="2026-03-02">2 mars 2026</time>' in html


def test_article_renders_every_block_with_its_template(client, guide_tree, partners, settings):
    settings.RELAIS_CSP_MEDIA_HOSTS = ["https://video.exemple.invalid"]  # played in place: media-src allows it
    html = client.get("/guide/logement/trouver-un-logement/").content.decode()
    assert '<aside class="callout"' in html and "Commence tôt." in html
    assert re.search(r'<ol class="steps__list">\s*<li><strong class="steps__title">Fais la liste', html)
    assert '<ul class="checklist__list">' in html and "<li>Carte Vitale</li>" in html
    assert re.search(r"<details class=\"faq__item\">\s*<summary>Je peux avoir l&#x27;APL \?</summary>", html)
    assert '<video controls preload="none" src="https://video.exemple.invalid/fjt.mp4">' in html
    assert "Lire la transcription de la vidéo" in html and "Bonjour, voici ma chambre." in html
    assert '<section class="partners">' in html and "Foyer des jeunes travailleurs d&#x27;Arras" in html


def test_article_ends_with_the_feedback_form(client, guide_tree):
    html = client.get("/guide/logement/trouver-un-logement/").content.decode()
    assert "<legend>Cette page t'a aidé ?</legend>" in html
    assert 'action="/guide/avis/"' in html
    assert f'name="page" value="{guide_tree["article"].pk}"' in html
    assert "Ton contact (facultatif)" in html


def test_video_on_a_platform_is_a_link_with_its_transcript(client, guide_tree):
    article = guide_tree["article"]
    article.body = [{"type": "video", "value": {"title": "Témoignage", "url": "https://peertube.exemple.invalid/w/abc",
                                                "duration": "", "transcript": "<p>Texte de la vidéo.</p>"}},
                    {"type": "directory", "value": {"title": "Qui ?", "thematiques": [], "publics": [], "age": None,
                                                    "limit": 3}}]
    article.save_revision().publish()
    html = client.get(article.url).content.decode()
    assert "<video" not in html
    assert 'href="https://peertube.exemple.invalid/w/abc"' in html and "Texte de la vidéo." in html


def test_path_page_shows_each_age_with_articles_and_partners(client, guide_tree, partners):
    html = client.get("/guide/mon-parcours/").content.decode()
    assert 'href="#age-17-ans"' in html and 'id="age-17-ans"' in html
    assert "L&#x27;entretien avec ton référent" in html
    assert 'href="/guide/logement/trouver-un-logement/"' in html
    assert '<h3 class="partners__title">Qui peut t&#x27;aider ?</h3>' in html
    assert "CLLAJ du Calaisis" in html


def test_home_page_shows_partners_grouped_by_territory_without_a_choice(client, guide_tree, partners):
    html = client.get("/").content.decode()
    assert "Les partenaires du département" in html
    assert '<h3 class="partners__group">Arrageois</h3>' in html and '<h3 class="partners__group">Calaisis</h3>' in html


def test_home_page_shows_partners_near_the_chosen_territory(client, guide_tree, partners):
    client.cookies["relais_territoire"] = "62-CAL"
    html = client.get("/").content.decode()
    assert "Les partenaires près de chez toi" in html
    assert "CLLAJ du Calaisis" in html and "Point santé jeunes de Calais" in html
    assert "Foyer des jeunes travailleurs d&#x27;Arras" not in html


def test_article_needs_a_directory_block():
    block = ArticlePage._meta.get_field("body").stream_block
    assert block.meta.block_counts["directory"]["min_num"] == 1


@pytest.mark.parametrize("min_age,max_age", [(20, 18)])
def test_age_range_must_be_ordered(guide_tree, min_age, max_age):
    from django.core.exceptions import ValidationError

    article = guide_tree["article"]
    article.age_min, article.age_max = min_age, max_age
    with pytest.raises(ValidationError):
        article.full_clean()


def test_wagtail_admin_search_finds_guide_articles(client_as, superuser, guide_tree):
    response = client_as(superuser).get("/admin/pages/search/", {"q": "logement"})
    assert response.status_code == 200
    assert "Trouver un logement quand on a 18 ans" in response.content.decode()


def test_theme_pages_only_under_the_guide_index():
    assert ThemePage.parent_page_types == ["guide.GuideIndexPage"]
    assert ArticlePage.parent_page_types == ["guide.ThemePage"]


def test_editors_can_open_the_guide_pages_and_snippets_in_the_admin(client_as, dept_admin, guide_tree, glossary):
    from guide.models import Feedback

    client = client_as(dept_admin)
    article = guide_tree["article"]
    edit = client.get(f"/admin/pages/{article.pk}/edit/")
    assert edit.status_code == 200 and "Qui peut t&#x27;aider ? (annuaire)" in edit.content.decode()
    assert client.get(f"/admin/pages/add/guide/articlepage/{guide_tree['theme'].pk}/").status_code == 200
    assert client.get(f"/admin/pages/{guide_tree['path'].pk}/edit/").status_code == 200
    feedback = Feedback.objects.create(kind="idee", comment="Une idée.", contact="jeune@exemple.invalid")
    assert client.get(f"/admin/snippets/guide/feedback/edit/{feedback.pk}/").status_code == 200
    response = client.post(f"/admin/snippets/guide/feedback/edit/{feedback.pk}/",
                           {"status": "retenu", "moderation_note": "À intégrer au thème Mobilité."})
    assert response.status_code == 302
    feedback.refresh_from_db()
    assert (feedback.status, feedback.comment, feedback.contact) == ("retenu", "Une idée.", "jeune@exemple.invalid")
    assert client.get("/admin/snippets/guide/glossaryterm/").status_code == 200


def test_document_block_links_the_file_with_its_type_and_size(client, guide_tree, settings, tmp_path):
    from django.core.files.base import ContentFile
    from wagtail.documents.models import Document

    settings.MEDIA_ROOT = str(tmp_path)
    document = Document(title="Lettre type de demande de contrat jeune majeur")
    document.file.save("lettre-cjm.pdf", ContentFile(b"%PDF-1.4 " + b"x" * 2048), save=False)
    document.save()
    article = guide_tree["article"]
    article.body = [{"type": "document", "value": {"title": "Lettre type", "document": document.pk,
                                                   "description": "À adapter avec ton référent."}},
                    {"type": "directory", "value": {"title": "Qui ?", "thematiques": [], "publics": [], "age": None,
                                                    "limit": 3}}]
    article.save_revision().publish()
    html = client.get(article.url).content.decode()
    assert f'<a href="{document.url}" download><span>Lettre type</span>' in html
    assert re.search(r"\(PDF, 2,0\sKio\)", html) and "À adapter avec ton référent." in html


def test_a_path_is_served_as_wagtail_routes_it_in_fewer_queries(client, guide_tree, django_assert_max_num_queries):
    url = "/guide/logement/trouver-un-logement/"
    client.get(url)  # the glossary, the partner lists and the template loader, read once
    with django_assert_max_num_queries(9):  # 13 when each level of the path was read, then its specific row
        assert client.get(url).status_code == 200
    assert client.get("/guide/logement/pas-de-page/").status_code == 404
    assert client.get("/guide/LOGEMENT/trouver-un-logement/").status_code == 404  # slugs are compared exactly
    theme = guide_tree["theme"]
    theme.unpublish()  # a page whose parent is a draft is still served, as Wagtail serves it
    assert client.get(url).status_code == 200
    guide_tree["article"].unpublish()
    assert client.get(url).status_code == 404

