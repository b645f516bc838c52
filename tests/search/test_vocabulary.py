"""What the visitor types, understood once for every backend."""

import pytest

from search.vocabulary import MAX_QUERY_CHARS, expansions_for, parse

# The acronyms and synonyms are the glossary's (guide/data/glossary.toml, the product's).
pytestmark = pytest.mark.usefixtures("search_synonyms")


@pytest.mark.parametrize(("acronym", "expansion"), [
    ("ML", "mission locale"), ("FJT", "foyer jeunes travailleurs"), ("CLLAJ", "comite local logement autonome jeunes"),
    ("CJM", "contrat jeune majeur"), ("CEJ", "contrat engagement jeune"), ("CAF", "caisse allocations familiales"),
    ("CPAM", "caisse primaire assurance maladie"), ("CSS", "complementaire sante solidaire"),
    ("SIAO", "service integre accueil orientation"), ("E2C", "ecole deuxieme chance"),
    ("PACEA", "parcours contractualise accompagnement emploi autonomie"), ("mutuelle", "complementaire sante"),
])
def test_acronyms_and_synonyms_expand_both_ways(acronym, expansion):
    assert expansion in expansions_for(acronym)
    assert acronym.lower() in expansions_for(expansion)


def test_conversational_words_are_dropped():
    parsed = parse("j'ai pas de mutuelle")
    assert parsed.groups == [(("mutuelle",), ("complementaire", "sante"))]


def test_age_in_the_text_becomes_a_filter():
    parsed = parse("FJT Lens 18 ans")
    assert parsed.age == 18
    assert [alt for group in parsed.groups for alt in group if alt == ("lens",)]
    assert parse("logement 5 ans").age is None  # outside 14–30: just words


def test_multi_word_phrases_are_recognised_with_plurals():
    assert parse("missions locales").groups == parse("ml").groups


@pytest.mark.parametrize("raw", ['"a" AND (b OR c*) -d', "title:x^2~3", "'; DROP TABLE x; --", "NEAR(a b)",
                                 "{!lucene}q", "a|b&!c", "col : x"])
def test_no_syntax_survives(raw):
    for group in parse(raw).groups:
        for alternative in group:
            for word in alternative:
                assert word.isalnum() and word.isascii() and word == word.lower()


def test_long_text_is_cut_and_control_characters_removed():
    parsed = parse("logement " * 2000 + "\x00\x07")
    assert len(parsed.text) <= MAX_QUERY_CHARS
    assert parsed.groups == [(("logement",), ("hebergement",), ("appartement",), ("appart",), ("apartement",),
                               ("loyer",))]
    assert parse("😀 🏠").is_empty
