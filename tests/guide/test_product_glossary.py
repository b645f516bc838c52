"""The product's glossary (guide/data/glossary.toml) is what search understands from the first start."""

from guide.glossary import add_missing_terms, product_terms, synonym_groups
from guide.models import GlossaryTerm


def test_the_product_glossary_is_loaded_once_and_never_overwrites_an_editor(db):
    assert add_missing_terms() == len(product_terms())
    rsa = GlossaryTerm.objects.get(slug="rsa")
    rsa.search_terms = "revenu minimum"
    rsa.save()
    GlossaryTerm.objects.get(slug="aah").delete()
    assert add_missing_terms() == 1  # only the deleted one comes back
    assert GlossaryTerm.objects.get(slug="rsa").search_terms == "revenu minimum"
    assert add_missing_terms() == 0


def test_everyday_words_and_acronyms_of_the_field_are_understood(db):
    add_missing_terms()
    groups = [{member.casefold() for member in group} for group in synonym_groups()]

    def same(*words):
        return any(set(words) <= group for group in groups)

    assert same("logement", "appart", "appartement")
    assert same("grossesse", "enceinte")
    assert same("psychologue", "psy")
    for acronym in ("rsa", "aah", "mda", "paej", "cio", "cmp"):
        assert any(acronym in group and len(group) > 1 for group in groups), acronym
    assert same("mds", "maison du département solidarité", "maison départementale des solidarités")
