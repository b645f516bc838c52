"""Glossary terms explained in place (footnote-style links) and listed on /guide/glossaire/."""

from django.core.cache import cache

from guide.glossary import glossary_entries, mark_terms, synonym_groups
from guide.models import GlossaryTerm


def test_first_use_of_each_term_links_to_its_definition(glossary):
    html, used = mark_terms("<p>L'ASE t'aide. Encore l'ASE. Le CJM aussi.</p>")
    assert [e.slug for e in used] == ["ase", "cjm"]
    assert html.count('class="term"') == 2
    assert ('<a class="term" id="ref-ase" href="#mot-ase" aria-describedby="mot-ase-def">'
            '<abbr title="aide sociale à l&#x27;enfance">ASE</abbr></a>') in html
    assert html.endswith("Le <a class=\"term\" id=\"ref-cjm\" href=\"#mot-cjm\" aria-describedby=\"mot-cjm-def\">"
                         "<abbr title=\"contrat jeune majeur\">CJM</abbr></a> aussi.</p>")


def test_variants_match_whatever_the_case_acronyms_only_in_capitals(glossary):
    html, used = mark_terms("<p>Un Contrat jeune majeur, une case, une base, ASEPTISÉ.</p>")
    assert [e.slug for e in used] == ["cjm"]
    assert ">Contrat jeune majeur</a>" in html
    assert "une case, une base, ASEPTISÉ" in html


def test_terms_inside_links_headings_and_summaries_are_left_alone(glossary):
    source = ('<h2>Le FJT</h2><p><a href="/x">un FJT</a></p><details><summary>Et l\'ASE ?</summary>'
              "<p>Le FJT, c'est bien.</p></details>")
    html, used = mark_terms(source)
    assert [e.slug for e in used] == ["fjt"]
    assert html.startswith('<h2>Le FJT</h2><p><a href="/x">un FJT</a></p><details><summary>Et l\'ASE ?</summary>')
    assert "<p>Le <a class=\"term\" id=\"ref-fjt\"" in html


def test_attributes_are_never_rewritten(glossary):
    html, used = mark_terms('<p><img alt="logo ASE" src="/ase.png"> texte</p>')
    assert used == [] and html == '<p><img alt="logo ASE" src="/ase.png"> texte</p>'


def test_article_lists_the_words_it_uses_with_their_definitions(client, guide_tree, glossary):
    html = client.get("/guide/logement/trouver-un-logement/").content.decode()
    assert '<h2 id="mots-titre">Les mots de cette page</h2>' in html
    assert '<dt id="mot-cjm">CJM : contrat jeune majeur</dt>' in html
    assert '<span id="mot-cjm-def">Un accord avec le Département pour être aidé après 18 ans.</span>' in html
    assert '<a class="terms__back" href="#ref-cjm">' in html


def test_an_edited_definition_is_on_the_article_at_once(client, guide_tree, glossary, private_cache):
    url = "/guide/logement/trouver-un-logement/"
    assert "Un accord avec le Département pour être aidé après 18 ans." in client.get(url).content.decode()
    term = GlossaryTerm.objects.get(slug="cjm")
    term.definition = "Un contrat signé avec le Département, de 18 à 21 ans."
    term.save()
    html = client.get(url).content.decode()  # the article's body is the same: its marked copy is not reused
    assert '<span id="mot-cjm-def">Un contrat signé avec le Département, de 18 à 21 ans.</span>' in html
    assert "Un accord avec le Département" not in html


def test_the_glossary_digest_is_the_same_in_every_process(tmp_path):
    """Pages kept in a shared cache (Redis) are checked against it by every worker: no per-process hash."""
    import os
    import subprocess
    import sys

    code = ("from guide.glossary import Entry, glossary_digest; "
            "print(glossary_digest((Entry('CJM', 'contrat jeune majeur', 'Un accord.', 'cjm', ('CJM',)),)))")
    digests = {subprocess.run([sys.executable, "manage.py", "shell", "--no-imports", "-c", code], capture_output=True,
                              text=True, check=True, env={**os.environ, "PYTHONHASHSEED": seed}).stdout.split()[-1]
               for seed in ("1", "2")}
    assert len(digests) == 1, digests


def test_glossary_is_read_once_then_served_from_the_cache(glossary, private_cache, django_assert_num_queries):
    cache.clear()
    with django_assert_num_queries(1):
        first = glossary_entries()
    with django_assert_num_queries(0):
        assert glossary_entries() == first


def test_editing_a_term_refreshes_the_cache(glossary, private_cache):
    glossary_entries()
    GlossaryTerm.objects.create(term="CLLAJ", expansion="comité local pour le logement autonome des jeunes",
                                definition="Une association pour le logement.", slug="cllaj")
    assert "cllaj" in [e.slug for e in glossary_entries()]
    GlossaryTerm.objects.filter(slug="cllaj").first().delete()
    assert "cllaj" not in [e.slug for e in glossary_entries()]


def test_glossary_page_lists_every_term_by_letter(client, glossary):
    html = client.get("/guide/glossaire/").content.decode()
    assert '<h2 id="lettre-a">A</h2>' in html and '<h2 id="lettre-f">F</h2>' in html
    assert '<dt id="cjm"><dfn>CJM</dfn> : contrat jeune majeur</dt>' in html
    assert "Un logement meublé pour les jeunes qui travaillent." in html


def test_a_term_without_explanation_only_teaches_search(client, glossary):
    GlossaryTerm.objects.create(term="PJJ", expansion="protection judiciaire de la jeunesse", slug="pjj",
                                search_terms="justice des mineurs")
    html, used = mark_terms("<p>La PJJ t'accompagne.</p>")
    assert used == [] and html == "<p>La PJJ t'accompagne.</p>"
    assert "PJJ" not in client.get("/guide/glossaire/").content.decode()
    groups = synonym_groups()
    assert ("protection judiciaire de la jeunesse", "PJJ", "justice des mineurs") in groups
    assert ("contrat jeune majeur", "CJM") in groups  # the spelled-out form first, each spelling once
