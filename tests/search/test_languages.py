"""Search in the reader's language, on every backend (SQLite, PostgreSQL in the second pass, Elasticsearch):
words of every script are words (Arabic, Dari, Pashto, Tigrinya); a reader gets the guide's pages in their
language, the French ones not translated into it, and every partner; never another language's page."""

import pytest
from django.utils import timezone
from django.utils.translation import override
from wagtail.models import Locale

from search import api

HOUSING_AR = "أن تجد سكنًا عندما تغادر رعاية ASE"


@pytest.fixture
def arabic_indexed(search_backend, corpus):
    """The housing article translated into Arabic and reviewed, then the index rebuilt."""
    from relais.models import TranslationReview
    from search import indexing

    locale, _ = Locale.objects.get_or_create(language_code="ar")
    french = corpus["logement"]
    copy = french.copy_for_translation(locale, copy_parents=True, alias=False)
    copy.title, copy.summary = HOUSING_AR, "الحلول لتجد سكنًا، حتى بقليل من المال."
    copy.body = [{"type": "text", "value": "<p>تحدّث عن سكنك مع مرجعك قبل سن 18.</p>"}]
    copy.save()
    copy.save_revision().publish()
    TranslationReview.objects.create(page=copy, status=TranslationReview.Status.REVIEWED,
                                     reviewer_name="Équipe du guide", reviewed_at=timezone.now())
    indexing.rebuild()
    return {**corpus, "logement_ar": copy}


def titles(response):
    return [hit.title for hit in response.hits]


def test_an_arabic_word_finds_the_arabic_page(arabic_indexed):
    with override("ar"):
        response = api.search("سكنك")
    assert titles(response) == [HOUSING_AR]
    assert response.hits[0].url.startswith("/ar/guide/")


def test_a_reader_gets_their_languages_pages_the_untranslated_french_ones_and_every_partner(arabic_indexed):
    with override("ar"):
        arabic = titles(api.search("logement"))
        french_only = api.search("mutuelle")
    # "logement" is in the translation's theme and the partners' data; the French article it replaces is not
    assert "Trouver un logement quand on quitte l'ASE" not in arabic
    assert "Résidence Habitat Jeunes Les Tilleuls" in arabic and HOUSING_AR in arabic
    # a French article with no Arabic translation is still found, in the Arabic interface
    [mutuelle] = [hit for hit in french_only.hits if hit.title == "Avoir une mutuelle gratuite"]
    assert mutuelle.url == "/ar/guide/sante/mutuelle/"


def test_french_and_english_readers_never_get_the_arabic_page(arabic_indexed):
    for language in ("fr", "en"):
        with override(language):
            assert HOUSING_AR not in titles(api.search("logement")), language
            assert api.search("سكنك").total == 0, language
    with override("fr"):
        assert "Trouver un logement quand on quitte l'ASE" in titles(api.search("logement"))
