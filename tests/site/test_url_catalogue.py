"""The URL catalogue covers every pattern of the resolver, and each URL lands on its own pattern."""

from tests.url_catalogue import catalogue, patterns, resolves_to_own_pattern


def test_every_url_pattern_has_a_concrete_url(url_world):
    """A new URL pattern that the catalogue cannot fill fails here: add its filler in tests/url_catalogue.py."""
    entries = catalogue(url_world)
    assert len(entries) == len(patterns())
    wrong = [f"{e.name} {e.route} → {e.url}" for e in entries if not resolves_to_own_pattern(e)]
    assert not wrong, "URLs served by another pattern:\n" + "\n".join(wrong)


def test_catalogue_fills_project_urls_with_the_worlds_objects(url_world):
    by_name = {e.name: e for e in catalogue(url_world)}
    assert by_name["directory:organisation"].url == f"/annuaire/{url_world.org.slug}/"
    assert by_name["meetings:checkin"].url == f"/instances/pointage/{url_world.checkin_token}/"
    assert by_name["wagtailsnippets_directory_contact:edit"].url == \
        f"/admin/snippets/directory/contact/edit/{url_world.contact.pk}/"
    assert by_name["meetings:sign"].methods == ("POST",) or "POST" in by_name["meetings:sign"].methods
    assert by_name["search:api"].methods == ("GET",)
