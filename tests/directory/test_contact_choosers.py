"""A partner editor's admin choosers offer only their own organisations' contacts: another organisation's
contacts (internal ones above all) are never listed, found by a search, nor returned by id."""

import pytest
from django.urls import reverse

from directory.permissions import assign_editor


@pytest.fixture
def contacts(territories, make_org, partner_editor):
    mine = make_org("Mission locale de l'Arrageois", contacts=[
        {"name": "Accueil Arras", "role": "accueil", "visibility": "public"},
        {"name": "Camille Interne", "role": "référente logement", "visibility": "internal"}])
    other = make_org("CCAS de Calais", contacts=[
        {"name": "Dominique Autre", "role": "directrice", "visibility": "internal"},
        {"name": "Sacha Pro", "role": "référent ASE", "visibility": "professionals"},
        {"name": "Accueil Calais", "role": "accueil", "visibility": "public"}])
    assign_editor(mine, partner_editor)
    return mine, other


def _url(view, *args):
    return reverse(f"wagtailsnippetchoosers_directory_contact:{view}", args=args)


@pytest.mark.parametrize("query", ["", "Dominique", "directrice", "Accueil", "a"])
def test_editor_contact_chooser_lists_and_finds_only_their_organisations_contacts(client_as, partner_editor,
                                                                                  contacts, query):
    client = client_as(partner_editor)
    for view in ("choose", "choose_results"):
        body = client.get(_url(view), {"q": query} if query else {},
                          headers={"x-requested-with": "XMLHttpRequest"}).content.decode()
        for theirs in ("Dominique Autre", "Sacha Pro", "Accueil Calais", "CCAS de Calais"):
            assert theirs not in body, (view, query, theirs)
    listed = client.get(_url("choose_results"), headers={"x-requested-with": "XMLHttpRequest"}).content.decode()
    assert "Accueil Arras" in listed and "Camille Interne" in listed  # their own, whatever the visibility


def test_editor_cannot_fetch_another_organisations_contact_by_id(client_as, partner_editor, contacts):
    _mine, other = contacts
    client = client_as(partner_editor)
    for contact in other.contacts.all():
        assert client.get(_url("chosen", contact.pk)).status_code == 404
        assert contact.name not in client.get(_url("chosen_multiple"), {"id": contact.pk}).content.decode()
        edit = reverse("wagtailsnippets_directory_contact:edit", args=[contact.pk])
        assert client.get(edit).status_code == 404
    listing = client.get(reverse("wagtailsnippets_directory_contact:list"), {"q": "a"}).content.decode()
    assert "Dominique Autre" not in listing and "Accueil Arras" in listing
