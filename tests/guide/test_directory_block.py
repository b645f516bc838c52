"""The "Qui peut t'aider ?" block: live partners, filtered by theme and by the reader's territory."""

import pytest

from directory.models import Organisation, Service

URL = "/guide/logement/trouver-un-logement/"


def partner_names(html):
    import re

    return re.findall(r'class="partner__name" href="[^"]+">([^<]+)</a>', html)


def test_without_territory_the_whole_departement_grouped_by_territory(client, guide_tree, partners):
    html = client.get(URL).content.decode()
    assert "Dans tout le département." in html
    assert html.index('<h3 class="partners__group">Arrageois</h3>') < html.index("Foyer des jeunes travailleurs")
    assert html.index('<h3 class="partners__group">Calaisis</h3>') < html.index("CLLAJ du Calaisis")


def test_theme_filter_keeps_other_themes_out(client, guide_tree, partners):
    names = partner_names(client.get(URL).content.decode())
    assert "Point santé jeunes de Calais" not in [n.replace("&#x27;", "'") for n in names]
    assert len(names) == 2


def test_territory_cookie_shows_partners_near_the_reader(client, guide_tree, partners):
    client.cookies["relais_territoire"] = "62041"  # Arras, in the Arrageois
    html = client.get(URL).content.decode()
    assert "Près de <strong>Arras (Arrageois)</strong>" in html
    assert "Foyer des jeunes travailleurs d&#x27;Arras" in html
    assert "CLLAJ du Calaisis" not in html
    assert 'href="/annuaire/?theme=logement-hebergement&amp;territoire=62041"' in html


def test_partner_data_is_read_live_not_copied_into_the_page(client, guide_tree, partners):
    org = partners["fjt_arras"]
    org.name = "Résidence Habitat Jeunes d'Arras"
    org.save()
    html = client.get(URL).content.decode()
    assert "Résidence Habitat Jeunes d&#x27;Arras" in html
    assert "Foyer des jeunes travailleurs" not in html
    assert "Foyer des jeunes travailleurs" not in str(guide_tree["article"].body.raw_data)


def test_unpublished_partners_are_not_shown(client, guide_tree, partners):
    Organisation.objects.filter(pk=partners["cllaj_calais"].pk).update(status="draft")
    assert "CLLAJ du Calaisis" not in client.get(URL).content.decode()


def test_nothing_matches_says_so_and_links_to_the_directory(client, guide_tree, partners, territories):
    from directory.models import Territory

    Territory.objects.create(kind="territoire", code="62-TER", name="Ternois", parent=territories["62"])
    client.cookies["relais_territoire"] = "62-TER"
    html = client.get(URL).content.decode()
    assert "Aucun partenaire de l'annuaire ne correspond près de Ternois." in html
    assert ('<a href="/annuaire/?theme=logement-hebergement&amp;territoire=62-TER">Cherche dans tout '
            "l'annuaire</a>") in html
    assert partner_names(html) == []


@pytest.mark.parametrize("cookie", ["99999", "<script>", "x" * 300])
def test_unknown_or_malformed_cookie_falls_back_to_the_departement(client, guide_tree, partners, cookie):
    client.cookies["relais_territoire"] = cookie
    response = client.get(URL)
    assert response.status_code == 200
    assert "Dans tout le département." in response.content.decode()


def _add_partners(territories, count):
    orgs = Organisation.objects.bulk_create(
        Organisation(name=f"Partenaire logement {i:03d}", slug=f"partenaire-logement-{i:03d}", status="published",
                     commune=territories["arras"] if i % 2 else territories["calais"]) for i in range(count))
    services = [Service(organisation=o, name="Hébergement", thematiques=["logement-hebergement"], publics=["jeunes"],
                        status="published") for o in orgs]
    for service in services:
        service.refresh_indexes()  # what Service.save() does, skipped by bulk_create
    Service.objects.bulk_create(services)
    through = Organisation.territories.through
    through.objects.bulk_create(through(organisation_id=o.pk, territory_id=territories["62-ARR"].pk) for o in orgs)


@pytest.mark.parametrize("territory", [None, "62041"])
def test_article_query_count_does_not_depend_on_the_number_of_partners(client, guide_tree, partners, glossary,
                                                                       territories, territory, private_cache,
                                                                       django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from guide.partners import forget_partners

    if territory:
        client.cookies["relais_territoire"] = territory
    client.get(URL)  # warm the glossary cache
    forget_partners()  # every measured request reads the directory
    with CaptureQueriesContext(connection) as captured:
        client.get(URL)
    # Other suites sharing Redis may clear the cache at any time: leave the glossary's own query out.
    few_sql = [q["sql"] for q in captured.captured_queries if "guide_glossaryterm" not in q["sql"]]
    few = len(few_sql)
    _add_partners(territories, 40)
    forget_partners()
    with django_assert_max_num_queries(16):
        html = client.get(URL).content.decode()
    forget_partners()
    with CaptureQueriesContext(connection) as captured:
        client.get(URL)
    many_sql = [q["sql"] for q in captured.captured_queries if "guide_glossaryterm" not in q["sql"]]
    assert len(many_sql) == few and few > 5, "\n".join(sql[:200] for sql in many_sql if sql not in few_sql)
    assert len(partner_names(html)) <= 8  # bounded by the block's limit, whatever the directory's size


def test_partner_lists_are_cached_until_the_directory_changes(client, guide_tree, partners, private_cache):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(URL)
    with CaptureQueriesContext(connection) as cached:
        client.get(URL)
    assert not [q for q in cached.captured_queries if "directory_organisation" in q["sql"]]
    partners["cllaj_calais"].services.first().save()  # any directory edit
    with CaptureQueriesContext(connection) as fresh:
        client.get(URL)
    assert [q for q in fresh.captured_queries if "directory_organisation" in q["sql"]]
