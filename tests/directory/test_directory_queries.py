"""partners_for, contacts_visible_to and search_organisations: the contract other apps code against."""

import pytest
from django.contrib.auth.models import AnonymousUser

from directory.models import Contact, Organisation
from directory.queries import contacts_visible_to, parse_search, partners_for, search_organisations

HOUSING = "logement-hebergement"
HOUSING_SUB = "logement-hebergement--louer-un-logement"


@pytest.fixture
def partners(territories, make_org):
    t = territories
    return {
        "fjt_arras": make_org("FJT d'Arras", commune=t["arras"], serving=[t["arras"]],
                              services=[{"thematiques": [HOUSING_SUB], "publics": ["jeunes"], "age_min": 16,
                                         "age_max": 25}]),
        "siao_62": make_org("SIAO du Pas-de-Calais", serving=[t["62"]],
                            services=[{"thematiques": [HOUSING], "publics": ["tous-publics"]}]),
        "ml_calais": make_org("Mission locale du Calaisis", serving=[t["62-CAL"]],
                              services=[{"thematiques": ["trouver-un-emploi"], "publics": ["jeunes"],
                                         "age_min": 16, "age_max": 25}]),
        "draft": make_org("Brouillon", status=Organisation.Status.DRAFT, serving=[t["arras"]],
                          services=[{"thematiques": [HOUSING]}]),
        "unpublished_service": make_org("Sans service publié", serving=[t["arras"]],
                                        services=[{"thematiques": [HOUSING], "status": "draft"}]),
        "angers": make_org("CLLAJ d'Angers", serving=[t["angers"]],
                           services=[{"thematiques": [HOUSING_SUB], "publics": ["jeunes"]}]),
    }


def names(qs):
    return sorted(org.name for org in qs)


def test_parent_theme_matches_sub_themes_and_territory_covers_parents(partners, territories):
    found = partners_for(thematiques=[HOUSING], territory=territories["arras"])
    # the SIAO serves the whole département, so Arras too; drafts and draft-only services never show
    assert names(found) == ["FJT d'Arras", "SIAO du Pas-de-Calais"]


def test_sub_theme_matches_only_itself(partners, territories):
    assert names(partners_for(thematiques=[HOUSING_SUB])) == ["CLLAJ d'Angers", "FJT d'Arras"]


def test_publics_include_tous_publics_and_accept_v0_alias(partners, territories):
    found = partners_for(thematiques=[HOUSING], publics=["jeunes-16-26"], territory=territories["62"])
    assert names(found) == ["FJT d'Arras", "SIAO du Pas-de-Calais"]


def test_age_outside_range_excludes(partners, territories):
    assert names(partners_for(thematiques=[HOUSING], age=30, territory=territories["arras"])) == [
        "SIAO du Pas-de-Calais"]


def test_territory_of_another_departement_excludes(partners, territories):
    assert names(partners_for(territory=territories["calais"])) == ["Mission locale du Calaisis",
                                                                   "SIAO du Pas-de-Calais"]
    assert names(partners_for(territory=territories["49"])) == ["CLLAJ d'Angers"]


def test_searching_a_territoire_finds_organisations_serving_its_communes(partners, territories):
    assert names(partners_for(territory=territories["62-ARR"])) == ["FJT d'Arras", "SIAO du Pas-de-Calais"]


def test_limit_and_constant_queries(partners, territories, make_org, django_assert_num_queries):
    for i in range(5):
        make_org(f"Autre {i}", serving=[territories["62"]], services=[{"thematiques": [HOUSING]}],
                 contacts=[{"name": "Accueil", "visibility": "public"}])

    def render(qs):
        return [(o.name, o.commune and o.commune.name, [s.name for s in o.listed_services],
                 [c.name for c in o.public_contacts]) for o in qs]

    with django_assert_num_queries(4):  # descendants of the territory, organisations, services, contacts
        rendered = render(partners_for(thematiques=[HOUSING], territory=territories["62"], limit=3))
    assert len(rendered) == 3


def test_contacts_visible_to(territories, make_org, professional, make_user):
    org = make_org("CCAS d'Arras", contacts=[
        {"name": "Accueil", "visibility": "public"},
        {"name": "Référente logement", "visibility": "professionals"},
        {"name": "Direction", "visibility": "internal"},
    ])
    contacts = Contact.objects.filter(organisation=org)
    assert names_of(contacts_visible_to(AnonymousUser(), contacts)) == ["Accueil"]
    assert names_of(contacts_visible_to(make_user("lambda"), contacts)) == ["Accueil"]
    assert names_of(contacts_visible_to(professional, contacts)) == ["Accueil", "Référente logement"]


def names_of(contacts):
    return sorted(c.name for c in contacts)


def test_search_ignores_unknown_values_and_reports_them(partners):
    search = parse_search({"theme": ["inconnu", HOUSING], "territoire": "99999", "public": "martiens",
                           "type": "nope", "age": "abc"})
    assert search.themes == [HOUSING]
    assert search.territory is None
    assert {key for key, _value in search.ignored} == {"theme", "territoire", "public", "type", "age"}
    assert names(search_organisations(search)) == ["CLLAJ d'Angers", "FJT d'Arras", "SIAO du Pas-de-Calais"]


def test_search_by_commune_code_and_free_text(partners):
    assert names(search_organisations({"territoire": "62193", "q": "mission"})) == ["Mission locale du Calaisis"]
    assert names(search_organisations({"territoire": "arras", "q": "fjt"})) == ["FJT d'Arras"]


def test_territory_typed_without_accents_or_hyphens(partners, territories):
    search = parse_search({"territoire": "pas de calais"})
    assert search.territory == territories["62"] and search.ignored == []
    found = names(search_organisations(search))
    assert found == names(search_organisations({"territoire": "62"})) and "CLLAJ d'Angers" not in found
    assert "SIAO du Pas-de-Calais" in found
