"""Search understands what the glossary says, on every backend: an editor's new word counts at the next search."""

from django.urls import reverse

from guide.models import GlossaryTerm
from search import api


def titles(response):
    return [hit.title for hit in response.hits]


def test_a_term_added_in_the_admin_changes_search_results(indexed, client_as, dept_admin):
    assert api.search("T1").total == 0  # the glossary, read and cached, does not know it yet
    response = client_as(dept_admin).post(reverse("wagtailsnippets_guide_glossaryterm:add"), {
        "term": "T1", "expansion": "", "definition": "", "variants": "", "search_terms": "studios",
        "slug": "t1"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert titles(api.search("T1")) == ["Résidence Habitat Jeunes Les Tilleuls"]  # "Chambres et studios…"
    GlossaryTerm.objects.get(slug="t1").delete()
    assert api.search("T1").total == 0

