"""Wagtail admin: editors see and change only their organisations; admins assign editors; history kept."""

import pytest
from django.urls import reverse

from directory.models import ChangeRecord, Contact, Organisation, Service
from directory.permissions import assign_editor


@pytest.fixture
def two_orgs(territories, make_org, partner_editor):
    mine = make_org("Mission locale de l'Arrageois", commune=territories["arras"], serving=[territories["62-ARR"]],
                    services=[{"name": "Accompagnement emploi", "thematiques": ["trouver-un-emploi"]}],
                    contacts=[{"name": "Accueil", "visibility": "public"}])
    other = make_org("CCAS de Calais", commune=territories["calais"], serving=[territories["calais"]],
                     services=[{"name": "Aides d'urgence", "thematiques": ["difficultes-financieres"]}],
                     contacts=[{"name": "Référente", "visibility": "professionals"}])
    assign_editor(mine, partner_editor)
    return mine, other


def url(model, action, *args):
    return reverse(f"wagtailsnippets_directory_{model}:{action}", args=args)


def test_editor_lists_only_own_organisations(client_as, partner_editor, two_orgs):
    client = client_as(partner_editor)
    response = client.get(url("organisation", "list"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Mission locale de l&#x27;Arrageois" in body or "Mission locale de l'Arrageois" in body
    assert "CCAS de Calais" not in body
    services = client.get(url("service", "list")).content.decode()
    assert "Accompagnement emploi" in services and "Aides d&#x27;urgence" not in services


def test_editor_edits_own_organisation_and_history_records_it(client_as, partner_editor, two_orgs):
    mine, _other = two_orgs
    client = client_as(partner_editor)
    form = client.get(url("organisation", "edit", mine.pk))
    assert form.status_code == 200
    data = {"name": "Mission locale de l'Arrageois", "slug": mine.slug, "status": "published",
            "typologie": "mission-locale", "description": "Nouvelle description.", "phone": "03 21 00 00 00",
            "territories": [t.pk for t in mine.territories.all()], "commune": mine.commune_id}
    response = client.post(url("organisation", "edit", mine.pk), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    mine.refresh_from_db()
    assert mine.description == "Nouvelle description."
    record = ChangeRecord.objects.filter(organisation=mine, action="edit").latest("at")
    assert record.user == partner_editor
    assert record.changes["description"] == ["", "Nouvelle description."]


def test_admin_refuses_a_latitude_out_of_range(client_as, dept_admin, two_orgs):
    mine, _other = two_orgs
    client = client_as(dept_admin)
    data = {"name": mine.name, "slug": mine.slug, "status": "published", "typologie": "mission-locale",
            "territories": [t.pk for t in mine.territories.all()], "commune": mine.commune_id,
            "latitude": "95.5", "longitude": "2.77"}
    response = client.post(url("organisation", "edit", mine.pk), data)
    assert response.status_code == 200  # the form again, with the message
    assert "La latitude doit être comprise entre -90 et 90" in response.content.decode()
    mine.refresh_from_db()
    assert mine.latitude != 95.5
    data.update(latitude="50.29", longitude="-200")
    response = client.post(url("organisation", "edit", mine.pk), data)
    assert "La longitude doit être comprise entre -180 et 180" in response.content.decode()
    data.update(longitude="2.77")
    assert client.post(url("organisation", "edit", mine.pk), data).status_code == 302
    mine.refresh_from_db()
    assert (mine.latitude, mine.longitude) == (50.29, 2.77)


def test_editor_cannot_touch_another_organisation(client_as, partner_editor, two_orgs):
    _mine, other = two_orgs
    client = client_as(partner_editor)
    assert client.get(url("organisation", "edit", other.pk)).status_code in (403, 404)
    response = client.post(url("organisation", "edit", other.pk), {"name": "Piraté", "slug": other.slug,
                                                                   "status": "draft"})
    assert response.status_code in (403, 404)
    assert client.post(url("organisation", "delete", other.pk)).status_code in (403, 404)
    service = other.services.get()
    assert client.post(url("service", "edit", service.pk), {"name": "Piraté",
                                                            "organisation": other.pk}).status_code in (403, 404)
    assert client.post(url("service", "delete", service.pk)).status_code in (403, 404)
    contact = other.contacts.get()
    assert client.post(url("contact", "delete", contact.pk)).status_code in (403, 404)
    other.refresh_from_db()
    assert other.name == "CCAS de Calais" and other.status == "published"
    assert Service.objects.filter(pk=service.pk, name="Aides d'urgence").exists()
    assert Contact.objects.filter(pk=contact.pk).exists()


def test_editor_cannot_create_a_service_for_another_organisation(client_as, partner_editor, two_orgs):
    mine, other = two_orgs
    client = client_as(partner_editor)
    form = client.get(url("service", "add"))
    assert form.status_code == 200
    assert "CCAS de Calais" not in form.content.decode()
    response = client.post(url("service", "add"), {"organisation": other.pk, "name": "Service pirate",
                                                   "status": "published"})
    assert response.status_code == 200  # the form refuses the choice
    assert not Service.objects.filter(name="Service pirate").exists()
    response = client.post(url("service", "add"), {"organisation": mine.pk, "name": "Atelier CV",
                                                   "status": "published", "thematiques": ["preparer-sa-candidature"],
                                                   "zone_eligibilite": "62041 62"})
    assert response.status_code == 302, response.content.decode()[:3000]
    created = Service.objects.get(name="Atelier CV")
    assert created.organisation == mine and created.zone_eligibilite == ["62041", "62"]
    assert ChangeRecord.objects.filter(model="service", object_id=created.pk, action="create",
                                       user=partner_editor).exists()


def test_editor_cannot_add_or_delete_organisations(client_as, partner_editor, two_orgs):
    mine, _other = two_orgs
    client = client_as(partner_editor)
    refused = client.get(url("organisation", "add"))  # Wagtail's refusal: back to the dashboard with a message
    assert refused.status_code == 302 and refused.url == "/admin/"
    client.post(url("organisation", "add"), {"name": "Nouvelle", "slug": "nouvelle", "status": "published"})
    assert not Organisation.objects.filter(slug="nouvelle").exists()
    assert client.post(url("organisation", "delete", mine.pk)).status_code in (302, 403, 404)
    assert Organisation.objects.filter(pk=mine.pk).exists()


def test_confirm_in_one_click_from_public_page(client_as, partner_editor, two_orgs):
    mine, other = two_orgs
    client = client_as(partner_editor)
    page = client.get(mine.get_absolute_url()).content.decode()
    assert "Confirmer que la fiche est à jour" in page
    assert client.post(reverse("directory:confirm", args=[mine.slug])).status_code == 302
    mine.refresh_from_db()
    assert mine.last_confirmed_at is not None and mine.last_confirmed_by == partner_editor
    assert ChangeRecord.objects.filter(organisation=mine, action="confirm", user=partner_editor).exists()
    assert client.post(reverse("directory:confirm", args=[other.slug])).status_code == 404
    other.refresh_from_db()
    assert other.last_confirmed_at is None


def test_admin_assigns_and_removes_editors(client_as, dept_admin, make_user, two_orgs):
    _mine, other = two_orgs
    newcomer = make_user("nouvel-editeur", "editeur_partenaire")
    client = client_as(dept_admin)
    target = reverse("directory_organisation_editors", args=[other.pk])
    assert client.get(target).status_code == 200
    client.post(target, {"user": newcomer.pk})
    assert newcomer.has_perm("directory.change_organisation", other)
    newcomer = type(newcomer).objects.get(pk=newcomer.pk)  # fresh permission cache
    client.post(target, {"user": newcomer.pk, "action": "remove"})
    newcomer = type(newcomer).objects.get(pk=newcomer.pk)
    assert not newcomer.has_perm("directory.change_organisation", other)


def test_editor_cannot_assign_editors(client_as, partner_editor, make_user, two_orgs):
    _mine, other = two_orgs
    client = client_as(partner_editor)
    response = client.post(reverse("directory_organisation_editors", args=[other.pk]), {"user": partner_editor.pk})
    assert response.status_code == 302 and response.url == "/admin/"  # Wagtail's refusal
    partner_editor = type(partner_editor).objects.get(pk=partner_editor.pk)
    assert not partner_editor.has_perm("directory.change_organisation", other)


def test_history_page_shows_only_own_organisations(client_as, partner_editor, dept_admin, two_orgs):
    mine, other = two_orgs
    other.description = "Changement ailleurs"
    other.save()
    mine.description = "Changement chez moi"
    mine.save()
    page = client_as(partner_editor).get(reverse("directory_history")).content.decode()
    assert "Changement chez moi" in page and "Changement ailleurs" not in page
    assert client_as(partner_editor).get(reverse("directory_history") + f"?organisation={other.pk}").status_code == 404
    admin_page = client_as(dept_admin).get(reverse("directory_history")).content.decode()
    assert "Changement ailleurs" in admin_page


def test_admin_history_records_deletion(client_as, dept_admin, two_orgs):
    _mine, other = two_orgs
    client = client_as(dept_admin)
    response = client.post(url("organisation", "delete", other.pk))
    assert response.status_code == 302
    record = ChangeRecord.objects.get(model="organisation", object_id=other.pk, action="delete")
    assert record.user == dept_admin and record.object_repr == "CCAS de Calais"



def test_a_record_has_one_history_reached_from_one_link(client_as, partner_editor, two_orgs):
    import re

    from wagtail.models import ModelLogEntry

    mine, _other = two_orgs
    client = client_as(partner_editor)
    history = reverse("directory_history") + f"?organisation={mine.pk}"
    listing = client.get(url("organisation", "list")).content.decode()
    assert len(re.findall(r'href="[^"]*histori[^"]*"', listing)) == 1  # the editor's one organisation
    assert f'href="{history}"' in listing
    form = client.get(url("organisation", "edit", mine.pk)).content.decode()
    assert set(re.findall(r'href="(/admin/[^"]*histor[^"]*)"', form)) == {history}
    assert client.get(url("organisation", "history", mine.pk)).url == history  # Wagtail's address opens it
    service = mine.services.get()
    assert client.get(url("service", "history", service.pk)).url == history
    data = {"name": mine.name, "slug": mine.slug, "status": "published", "typologie": "mission-locale",
            "description": "Encore une description.", "territories": [t.pk for t in mine.territories.all()],
            "commune": mine.commune_id}
    assert client.post(url("organisation", "edit", mine.pk), data).status_code == 302
    assert ChangeRecord.objects.filter(organisation=mine, action="edit").exists()
    assert not ModelLogEntry.objects.filter(content_type__app_label="directory").exists()  # no second log
