"""The guide in the languages of the young people who arrived alone (docs/guide.md, "Languages"): translated
pages served with their language and direction, the French page with a notice when a translation is missing
or not reviewed, the switcher keeping the page, PO files exported and imported back (the demo's translations:
test_demo.py)."""

import re

import polib
import pytest
from wagtail.models import Locale

from guide.models import ArticlePage
from relais.models import TranslationReview
from tests.guide.conftest import translate

Status = TranslationReview.Status
# Every test here runs in the guide's tree, built once for the module (tests.module_data.BuiltOnce).
pytestmark = pytest.mark.usefixtures("guide_tree")


@pytest.fixture
def arabic_guide(guide_tree):
    """The home page, the guide, the housing theme and its article in Arabic, reviewed."""
    tree = guide_tree
    pages = {"home": translate(tree["home"], "ar", title="الصفحة الرئيسية"),
             "index": translate(tree["index"], "ar", title="الدليل", intro="كل ما يجب أن تعرفه.")}
    pages["theme"] = translate(tree["theme"], "ar", title="السكن", intro="أن تجد مكانًا تنام فيه.")
    pages["article"] = translate(tree["article"], "ar", title="أن تجد سكنًا في سن 18",
                                 summary="الحلول لتجد سكنًا، حتى بقليل من المال.")
    return {**tree, "ar": pages}


def _html(response):
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _html_tag(html):
    return re.search(r"<html[^>]*>", html).group(0)


def test_a_reviewed_arabic_page_is_served_right_to_left_with_its_translated_interface(client, arabic_guide):
    html = _html(client.get("/ar/guide/logement/trouver-un-logement/"))
    assert _html_tag(html) == '<html lang="ar" dir="rtl">'
    assert "أن تجد سكنًا في سن 18" in html
    assert "Trouver un logement quand on a 18 ans" not in html
    assert "لغة" in html or 'aria-label="Langue"' in html  # the switcher, labelled
    # reviewed: when and by whom
    assert re.search(r"Équipe du guide", html)
    assert "notice language-notice" not in html
    # French pages stay French and left to right, unprefixed
    html = _html(client.get("/guide/logement/trouver-un-logement/"))
    assert _html_tag(html) == '<html lang="fr" dir="ltr">'
    assert "Trouver un logement quand on a 18 ans" in html


def test_english_interface_strings_come_from_the_catalogue(client, arabic_guide):
    html = _html(client.get("/en/guide/logement/"))
    assert _html_tag(html) == '<html lang="en" dir="ltr">'
    assert ">Emergency<" in html  # the header's Urgence entry
    assert "Rechercher sur le site" not in html


def test_an_untranslated_page_falls_back_to_french_with_a_notice_in_the_readers_language(client, arabic_guide):
    html = _html(client.get("/ar/guide/mon-parcours/"))
    assert _html_tag(html) == '<html lang="ar" dir="rtl">'
    assert "هذه الصفحة غير مترجمة بعد" in html
    assert '<div class="page-content" lang="fr" dir="ltr">' in html
    assert "Mon parcours" in html
    # a language without any page translated: the whole French guide, with the notice in English
    html = _html(client.get("/en/guide/logement/trouver-un-logement/"))
    assert "This page has not been translated into your language yet" in html
    assert "Trouver un logement quand on a 18 ans" in html


def test_a_draft_translation_is_not_public_and_a_pilots_choice_publishes_it_with_a_warning(client, guide_tree):
    draft = translate(guide_tree["article"], "en", status=Status.DRAFT, title="Finding a home at 18")
    html = _html(client.get("/en/guide/logement/trouver-un-logement/"))
    assert "Finding a home at 18" not in html
    assert "Trouver un logement quand on a 18 ans" in html
    assert "This page has not been reviewed in your language yet" in html
    # to review, and the pilot chose to show it before review: shown, and the page says so
    TranslationReview.objects.filter(page=draft).update(status=Status.TO_REVIEW, publish_before_review=True)
    html = _html(client.get("/en/guide/logement/trouver-un-logement/"))
    assert "Finding a home at 18" in html
    assert "This translation has not been reviewed yet" in html
    # to review without the pilot's choice: not public
    TranslationReview.objects.filter(page=draft).update(publish_before_review=False)
    assert "Finding a home at 18" not in _html(client.get("/en/guide/logement/trouver-un-logement/"))


def test_a_translation_without_a_review_record_is_a_draft(client, guide_tree):
    locale, _ = Locale.objects.get_or_create(language_code="en")
    copy = guide_tree["article"].copy_for_translation(locale, copy_parents=True)
    copy.title = "Finding a home at 18"
    copy.save_revision().publish()
    TranslationReview.objects.filter(page=copy).delete()
    assert "Finding a home at 18" not in _html(client.get("/en/guide/logement/trouver-un-logement/"))


def test_the_switcher_keeps_the_page_and_remembers_the_choice(client, arabic_guide):
    html = _html(client.get("/guide/logement/trouver-un-logement/"))
    links = dict(re.findall(r'<a href="(/langue/\?[^"]+)" lang="([^"]+)"', html.replace("&amp;", "&")))
    by_lang = {lang: href for href, lang in links.items()}
    assert set(by_lang) == {"fr", "en", "ar", "fa-AF", "ps", "ti"}
    assert "next=%2Far%2Fguide%2Flogement%2Ftrouver-un-logement%2F" in by_lang["ar"]
    # a language without the translation: the same French page, in that language's interface
    assert "next=%2Fen%2Fguide%2Flogement%2Ftrouver-un-logement%2F" in by_lang["en"]
    # each language named in its own script
    assert ">العربية<" in html and ">English<" in html and ">دری<" in html and ">ትግርኛ<" in html
    response = client.get(by_lang["ar"])
    assert response.status_code == 302 and response["Location"] == "/ar/guide/logement/trouver-un-logement/"
    assert response.cookies["django_language"].value == "ar"
    # remembered: a French address now opens the Arabic translation
    response = client.get("/guide/logement/")
    assert response.status_code == 302 and response["Location"] == "/ar/guide/logement/"
    # back to French, remembered too
    response = client.get("/langue/?lang=fr&next=/guide/logement/")
    assert response["Location"] == "/guide/logement/"
    assert client.get("/guide/logement/").status_code == 200


def test_the_switcher_refuses_unknown_languages_and_foreign_addresses(client, db):
    assert client.get("/langue/?lang=xx&next=/guide/").status_code == 400
    response = client.get("/langue/?lang=en&next=https://exemple.invalid/")
    assert response.status_code == 302 and response["Location"] == "/en/"


def test_hreflang_alternates_list_the_readable_translations(client, arabic_guide):
    html = _html(client.get("/guide/logement/"))
    alternates = set(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)"', html))
    assert alternates == {("fr", "/guide/logement/"), ("ar", "/ar/guide/logement/")}


def test_a_translated_theme_lists_translated_articles_and_french_ones_in_the_readers_interface(client, arabic_guide):
    second = ArticlePage(title="Le foyer de jeunes travailleurs", slug="fjt", summary="Une chambre meublée.",
                         body=arabic_guide["article"].body.raw_data)
    arabic_guide["theme"].add_child(instance=second)
    second.save_revision().publish()
    html = _html(client.get("/ar/guide/logement/"))
    assert 'href="/ar/guide/logement/trouver-un-logement/"' in html
    assert 'href="/ar/guide/logement/fjt/"' in html  # the French article, under the Arabic prefix
    assert "Le foyer de jeunes travailleurs" in html


def test_emergency_page_in_arabic(client, db):
    html = _html(client.get("/ar/urgence/"))
    assert _html_tag(html) == '<html lang="ar" dir="rtl">'
    assert "115" in html and 'href="tel:115"' in html
    assert "Urgence : qui appeler ?" not in html


def test_po_round_trip_through_wagtail_localize(client, guide_tree, django_capture_on_commit_callbacks):
    """A translator's PO file: exported from the French article, translated, imported back, published."""
    from wagtail_localize.models import Translation, TranslationSource

    source, _ = TranslationSource.get_or_create_from_instance(guide_tree["article"])
    translation = Translation.objects.create(source=source, target_locale=Locale.objects.get(language_code="en"))
    po = polib.pofile(str(translation.export_po()))
    msgids = {entry.msgid for entry in po}
    assert "Trouver un logement quand on a 18 ans" in msgids
    assert "Les solutions pour te loger, même avec peu d'argent." in msgids
    english = {"Trouver un logement quand on a 18 ans": "Finding a home at 18",
               "Les solutions pour te loger, même avec peu d'argent.": "Ways to find a home, even on little money."}
    for entry in po:
        entry.msgstr = entry.msgid if entry.msgctxt == "slug" else english.get(entry.msgid, "EN " + entry.msgid)
    warnings = translation.import_po(polib.pofile(str(po)))
    assert warnings == []
    with django_capture_on_commit_callbacks(execute=True):  # wagtail-localize publishes after commit
        translation.save_target(publish=True)
    page = guide_tree["article"].get_translation(translation.target_locale).specific
    assert page.locale.language_code == "en" and page.title == "Finding a home at 18"
    assert page.summary == "Ways to find a home, even on little money."
    # exported again: every string carries its translation
    again = polib.pofile(str(translation.export_po()))
    assert {e.msgid: e.msgstr for e in again}["Trouver un logement quand on a 18 ans"] == "Finding a home at 18"
    # a new translation is a draft until reviewed
    assert "Finding a home at 18" not in _html(client.get("/en/guide/logement/trouver-un-logement/"))
    TranslationReview.objects.update_or_create(page=page, defaults={"status": Status.REVIEWED})
    html = _html(client.get("/en/guide/logement/trouver-un-logement/"))
    assert "Finding a home at 18" in html and "Ways to find a home, even on little money." in html
    # its parents, kept by wagtail-localize as aliases of the French pages, are "not translated yet"
    html = _html(client.get("/en/guide/logement/"))
    assert "This page has not been translated into your language yet" in html
    assert 'href="/en/guide/logement/trouver-un-logement/"' in html


def test_sitemap_lists_readable_translations_with_hreflang_alternates(client, arabic_guide, guide_tree):
    draft = translate(guide_tree["article"], "en", status=Status.DRAFT, title="Finding a home at 18")
    xml = client.get("/sitemap.xml").content.decode()
    assert "/ar/guide/logement/trouver-un-logement/</loc>" in xml
    assert 'hreflang="ar" href="http://' in xml and 'hreflang="fr" href="http://' in xml
    assert draft.url not in xml  # a draft translation is not public


def test_search_indexes_reviewed_translations_only(guide_tree):
    from guide.search import page_document

    reviewed = translate(guide_tree["article"], "ar", title="أن تجد سكنًا في سن 18")
    draft = translate(guide_tree["theme"], "en", status=Status.DRAFT, title="Housing")
    document = page_document(reviewed)
    assert document is not None and document.title == "أن تجد سكنًا في سن 18"
    assert "العربية" in document.subtitle  # the result says its language
    assert page_document(draft) is None
    assert page_document(guide_tree["article"]).subtitle == "Guide · Logement"


def test_the_printable_guide_exists_in_each_language(client, arabic_guide):
    from guide import printing

    html = _html(client.get("/ar/guide/imprimer/"))
    assert _html_tag(html) == '<html lang="ar" dir="rtl">'
    assert "أن تجد سكنًا في سن 18" in html and "Trouver un logement quand on a 18 ans" not in html
    assert "Trouver un logement quand on a 18 ans" in _html(client.get("/guide/imprimer/"))
    # one stored PDF per language: the key says which
    assert printing.document_key("logement", "", "ar") == "ar/logement:-"
    assert printing.document_key("logement", "", "fr") == "logement:-"  # French keys as before
    assert printing.key_language("ar/logement:-") == "ar" and printing.key_language("logement:-") == "fr"


def test_the_arabic_pdf_is_tagged_arabic_and_set_in_the_sites_arabic_font(arabic_guide, private_cache):
    """The whole-guide PDF in Arabic: the document's language is Arabic for screen readers, and its Arabic text
    is set in the site's Arabic font (embedded), not in boxes of a Latin font."""
    from guide import printing
    from tests.guide.test_print_pdf import pdf_objects

    objects = pdf_objects(printing.render_pdf("", "", "ar"))
    assert b"/Lang (ar)" in objects and b"/StructTreeRoot" in objects
    fonts = set(re.findall(rb"/BaseFont\s*/([A-Z]{6}\+)?([\w-]+)", objects))
    assert any(b"Arabic" in name for _prefix, name in fonts), fonts


def _untranslated_phrases(code: str) -> list[str]:
    """The catalogue's msgids without a translation in ``code`` that a page could print as such: two words or
    more, no placeholder (short words such as "code" would match anything)."""
    from pathlib import Path

    from django.conf import settings

    catalogue = Path(settings.LOCALE_PATHS[0]) / code / "LC_MESSAGES" / "django.po"
    return [entry.msgid for entry in polib.pofile(str(catalogue)).untranslated_entries()
            if " " in entry.msgid.strip() and "%" not in entry.msgid and "{" not in entry.msgid]


def test_arabic_public_pages_print_no_untranslated_interface_string(client, arabic_guide, partners, territories):
    """Header, footer, Urgence, territory chooser, partner blocks, feedback, search, the directory's list and
    partner pages, the offline page and the 404, read in Arabic: none prints a msgid the Arabic catalogue lacks."""
    from django.conf import settings
    from django.utils.html import strip_tags

    from directory.models import Organisation
    from tests.guide.conftest import directory_block

    phrases = _untranslated_phrases("ar")
    assert len(phrases) > 50  # the admin's strings: the check has something to find
    article = arabic_guide["ar"]["article"]  # its text translated too: the check is about the interface
    article.body = [{"type": "text", "value": "<p>تحدّث عن سكنك قبل سن 18.</p>"},
                    {"type": "callout", "value": {"title": "تذكّر", "text": "<p>ابدأ مبكرًا.</p>"}},
                    directory_block(title="من يمكنه مساعدتك؟")]
    article.save_revision().publish()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"
    organisation = Organisation.objects.get(name="Foyer des jeunes travailleurs d'Arras")
    pages = ["/ar/", "/ar/guide/", arabic_guide["ar"]["theme"].url, arabic_guide["ar"]["article"].url,
             "/ar/urgence/", "/ar/recherche/?q=logement", "/ar/recherche/?q=zzzzqqq", "/ar/guide/territoire/",
             "/ar/hors-connexion/", "/ar/guide/glossaire/", "/annuaire/", "/annuaire/?q=foyer&territoire=62",
             f"/annuaire/{organisation.slug}/", "/ar/nulle-part/"]
    answers = [(url, client.get(url)) for url in pages]
    # the error report refused (too short): the form comes back with its messages
    report = f"/annuaire/{organisation.slug}/signaler/"
    answers.append((report, client.post(report, {"message": "faux"})))
    for url, response in answers:
        assert response.status_code in (200, 400, 404), (url, response.status_code)
        text = " ".join(strip_tags(response.content.decode()).split())
        printed = [phrase for phrase in phrases if " ".join(phrase.split()) in text]
        assert printed == [], (url, printed)


def test_a_language_without_an_interface_catalogue_is_declared_french_around_its_translated_content(
        client, guide_tree):
    """Pashto is configured but its catalogue is not translated yet: the interface is French, and the page
    says so (``lang="fr" dir="ltr"``), so that a screen reader does not read French with a Pashto voice; a page
    translated into Pashto marks its own content ``lang="ps" dir="rtl"``; Arabic keeps its own interface."""
    html = _html(client.get("/ps/urgence/"))
    assert _html_tag(html) == '<html lang="fr" dir="ltr">'
    assert "Urgence : qui appeler ?" in html
    assert _html_tag(_html(client.get("/ar/urgence/"))) == '<html lang="ar" dir="rtl">'
    pashto = translate(guide_tree["article"], "ps", title="د ۱۸ کلنۍ په عمر د کور موندل")
    html = _html(client.get(pashto.url))
    assert _html_tag(html) == '<html lang="fr" dir="ltr">'
    assert '<div class="page-content" lang="ps" dir="rtl">' in html
    assert "د ۱۸ کلنۍ په عمر د کور موندل" in html
