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
    Service.objects.bulk_create(services)  # writes the theme rows save() writes
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


def _reads_directory(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        client.get(URL)
    return any("directory_organisation" in q["sql"] for q in captured.captured_queries)


def test_partner_lists_are_cached_until_the_directory_changes(client, guide_tree, partners, private_cache,
                                                              django_capture_on_commit_callbacks):
    client.get(URL)
    assert not _reads_directory(client)
    with django_capture_on_commit_callbacks(execute=True):
        partners["cllaj_calais"].services.first().save()  # a housing service of the département
    assert _reads_directory(client)
    assert not _reads_directory(client)


def test_a_directory_change_empties_only_the_lists_it_can_change(client, guide_tree, partners, territories,
                                                                 private_cache, make_org,
                                                                 django_capture_on_commit_callbacks):
    """The article's block lists housing partners of the Pas-de-Calais: a health service there, or a housing
    partner of another département, cannot change it; a housing partner there, an organisation's move or a
    service turning to housing can."""
    from directory.models import Territory

    angers = Territory.objects.create(kind="commune", code="49007", name="Angers")
    with django_capture_on_commit_callbacks(execute=True):
        elsewhere = make_org("Foyer d'Angers", commune=angers, serving=[angers])
    client.get(URL)
    assert not _reads_directory(client)

    health = partners["sante_calais"].services.get()
    with django_capture_on_commit_callbacks(execute=True):
        health.name = "Consultations sans rendez-vous"
        health.save()
        elsewhere.phone = "01 99 00 49 49"
        elsewhere.save()
    assert not _reads_directory(client), "a health service or another département's partner emptied the list"

    with django_capture_on_commit_callbacks(execute=True):
        elsewhere.territories.add(territories["62-CAL"])  # now serves the Calaisis too
    assert _reads_directory(client)
    assert "Foyer d&#x27;Angers" in client.get(URL).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        health.thematiques = ["logement-hebergement"]  # the health service turns to housing
        health.save()
    assert "Point santé jeunes de Calais" in client.get(URL).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        health.thematiques = ["sante"]  # and back: it leaves the housing list
        health.save()
    assert "Point santé jeunes de Calais" not in client.get(URL).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        partners["cllaj_calais"].delete()
    assert "CLLAJ du Calaisis" not in client.get(URL).content.decode()


def test_the_next_reader_gets_the_kept_body_and_each_place_its_own(client, guide_tree, partners, private_cache,
                                                                    monkeypatch, django_capture_on_commit_callbacks):
    from guide.blocks import DirectoryBlock

    rendered = []
    real = DirectoryBlock.get_context
    monkeypatch.setattr(DirectoryBlock, "get_context", lambda *args, **kwargs: rendered.append(1) or real(*args,
                                                                                                        **kwargs))
    def body():
        html = client.get(URL).content.decode()
        return html[html.index('<article class="article">'):html.index("</article>")]

    first = body()
    assert len(rendered) == 1 and body() == first  # the same body, its block not rendered again
    assert len(rendered) == 1

    client.cookies["relais_territoire"] = "62041"  # another place: its own partners, never the département's
    near_arras = client.get(URL).content.decode()
    assert "Près de <strong>Arras (Arrageois)</strong>" in near_arras and "CLLAJ du Calaisis" not in near_arras
    assert client.get(URL + "?source=sms").content.decode().count("source%3Dsms") >= 1  # its own return link
    del client.cookies["relais_territoire"]

    article = guide_tree["article"]
    article.body = [*article.body.raw_data, {"type": "callout", "value": {"title": "Nouveau", "text": "<p>Ajout.</p>"}}]
    article.save_revision().publish()
    assert "<p>Ajout.</p>" in client.get(URL).content.decode()  # a new body shows at once

    with django_capture_on_commit_callbacks(execute=True):
        partners["fjt_arras"].name = "Résidence Habitat Jeunes d'Arras"
        partners["fjt_arras"].save()
    assert "Résidence Habitat Jeunes d&#x27;Arras" in client.get(URL).content.decode()  # so does a partner's

