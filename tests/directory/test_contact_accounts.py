"""Linking an account to its directory contact: by the pilot or the organisation's editor, or by a signed link
sent to the contact's address and opened by the account that asked."""

import re
import time

import pytest
from django.core import mail, signing
from django.urls import reverse

from directory import accounts
from directory.models import ChangeRecord, Contact, ContactAccount
from directory.permissions import assign_editor
from relais import roles


@pytest.fixture
def contacts(make_org, territories):
    mine = make_org("Mission locale de l'Arrageois", commune=territories["arras"],
                    contacts=[{"name": "Lou Martin", "email": "lou.martin@ml-arras.invalid"}])
    other = make_org("CCAS de Calais", commune=territories["calais"],
                     contacts=[{"name": "Noa Petit", "email": "noa.petit@ccas-calais.invalid"}])
    return mine.contacts.get(), other.contacts.get()


@pytest.fixture
def person(make_user):
    return make_user("lou", roles.PROFESSIONAL)


def _link_in(message) -> str:
    return re.search(r"https?://\S+", message.body).group(0)


def _path(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


def _ask(client, email):
    return client.post(reverse("relais:contact-link-request"), {"email": email})


# --- The person confirms with a signed link -------------------------------------------------------

def test_signed_link_goes_to_the_contact_and_links_only_the_account_that_asked(client_as, person, make_user,
                                                                               contacts):
    lou, _noa = contacts
    client = client_as(person)
    response = _ask(client, "LOU.MARTIN@ml-arras.invalid")
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["lou.martin@ml-arras.invalid"]
    assert "Lou Martin" in mail.outbox[0].body and "lou" in mail.outbox[0].body
    url = _link_in(mail.outbox[0])
    assert url.startswith("http://127.0.0.1:8000/espace-pro/")  # built from RELAIS_BASE_URL
    assert not ContactAccount.objects.exists()  # nothing is linked before the link is opened

    someone_else = make_user("intrus", roles.PROFESSIONAL)
    page = client_as(someone_else).get(_path(url), follow=True)
    assert "demandé depuis un autre compte" in page.content.decode()
    assert not ContactAccount.objects.exists()

    page = client_as(person).get(_path(url), follow=True)
    assert "Votre compte est lié à la fiche" in page.content.decode()
    link = ContactAccount.objects.get()
    assert (link.contact, link.user, link.method, link.confirmed_by) == (lou, person, "email", person)
    assert "Lou Martin" in client.get(reverse("relais:account")).content.decode()
    record = ChangeRecord.objects.filter(model="contact", object_id=lou.pk).latest("at")
    assert record.changes == {"compte lié": [None, "lou"]}


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client_as, person, contacts):
    client = client_as(person)
    known = _ask(client, "lou.martin@ml-arras.invalid")
    known_page = client.get(known.url).content.decode()
    mail.outbox.clear()
    unknown = _ask(client, "personne@nulle-part.invalid")
    unknown_page = client.get(unknown.url).content.decode()
    assert mail.outbox == []
    assert "Si une fiche de l&#x27;annuaire porte l&#x27;adresse" in unknown_page
    assert "Si une fiche de l&#x27;annuaire porte l&#x27;adresse" in known_page


def test_a_bad_address_is_refused_with_a_french_message(client_as, person, contacts):
    response = _ask(client_as(person), "pas-une-adresse")
    assert response.status_code == 400 and "Saisissez une adresse de courriel valide" in response.content.decode()
    assert mail.outbox == []


def test_the_signed_link_expires(client_as, person, contacts, monkeypatch):
    lou, _noa = contacts
    three_days_ago = int(time.time()) - 3 * 24 * 3600
    monkeypatch.setattr(signing.TimestampSigner, "timestamp", lambda self: signing.b62_encode(three_days_ago))
    token = accounts.make_link_token(person, lou)
    monkeypatch.undo()
    with pytest.raises(accounts.LinkError, match="expiré"):
        accounts.confirm_link(person, token)
    page = client_as(person).get(reverse("relais:contact-link-confirm", args=[token]), follow=True)
    assert "Ce lien a expiré" in page.content.decode()
    assert not ContactAccount.objects.exists()


def test_a_link_cannot_be_turned_to_another_contact(person, contacts):
    lou, noa = contacts
    token = accounts.make_link_token(person, lou)
    value, signature = token.rsplit(":", 1)
    payload_part, timestamp = value.rsplit(":", 1)
    forged_payload = signing.b64_encode(
        signing.JSONSerializer().dumps({**signing.loads(token, salt=accounts.LINK_SALT), "c": noa.pk})).decode()
    forged = f"{forged_payload}:{timestamp}:{signature}"
    with pytest.raises(accounts.LinkError, match="pas valide"):
        accounts.confirm_link(person, forged)
    assert payload_part != forged_payload and not ContactAccount.objects.exists()


def test_a_used_link_cannot_be_replayed_after_an_unlink(person, dept_admin, contacts):
    lou, _noa = contacts
    token = accounts.make_link_token(person, lou)
    accounts.confirm_link(person, token)
    accounts.unlink(lou, by=dept_admin)  # the pilot took the link away
    with pytest.raises(accounts.LinkError, match="modifiée depuis la demande"):
        accounts.confirm_link(person, token)
    assert not ContactAccount.objects.exists()


def test_a_link_stops_working_when_the_contacts_address_changes(person, contacts):
    lou, _noa = contacts
    token = accounts.make_link_token(person, lou)
    Contact.objects.filter(pk=lou.pk).update(email="autre@ml-arras.invalid")
    with pytest.raises(accounts.LinkError, match="courriel de cette fiche contact a changé"):
        accounts.confirm_link(person, token)


def test_a_contact_linked_to_someone_else_is_not_taken_over(person, make_user, contacts):
    lou, _noa = contacts
    token = accounts.make_link_token(person, lou)
    owner = make_user("proprietaire", roles.PROFESSIONAL)
    ContactAccount.objects.create(contact=lou, user=owner, method="admin")  # no history record: not via link()
    with pytest.raises(accounts.LinkError, match="déjà liée à un autre compte"):
        accounts.confirm_link(person, token)
    assert ContactAccount.objects.get().user == owner


def test_opening_the_link_needs_a_login(client, person, contacts):
    lou, _noa = contacts
    url = reverse("relais:contact-link-confirm", args=[accounts.make_link_token(person, lou)])
    response = client.get(url)
    assert response.status_code == 302 and reverse("relais:login") in response.url
    assert not ContactAccount.objects.exists()


# --- The pilot or the organisation's editor links an account ------------------------------------

def _account_url(contact):
    return reverse("directory_contact_account", args=[contact.pk])


def test_editor_links_an_account_to_a_contact_of_their_organisation(client_as, partner_editor, person, contacts):
    lou, _noa = contacts
    assign_editor(lou.organisation, partner_editor)
    client = client_as(partner_editor)
    listing = client.get(reverse("wagtailsnippets_directory_contact:list")).content.decode()
    assert _account_url(lou) in listing
    assert client.get(_account_url(lou)).status_code == 200
    response = client.post(_account_url(lou), {"username": "lou"})
    assert response.status_code == 302
    link = ContactAccount.objects.get()
    assert (link.contact, link.user, link.confirmed_by, link.method) == (lou, person, partner_editor, "admin")
    record = ChangeRecord.objects.filter(model="contact", object_id=lou.pk).latest("at")
    assert record.user == partner_editor and record.changes == {"compte lié": [None, "lou"]}

    client.post(_account_url(lou), {"action": "remove"})
    assert not ContactAccount.objects.exists()


def test_editor_cannot_link_accounts_to_another_organisations_contacts(client_as, partner_editor, person, contacts):
    lou, noa = contacts
    assign_editor(lou.organisation, partner_editor)
    client = client_as(partner_editor)
    assert client.get(_account_url(noa)).status_code == 404
    assert client.post(_account_url(noa), {"username": "lou"}).status_code == 404
    assert client.post(_account_url(noa), {"username": "editeur"}).status_code == 404
    assert not ContactAccount.objects.exists()
    assert not accounts.can_link(partner_editor, noa) and accounts.can_link(partner_editor, lou)


def test_a_professional_without_rights_cannot_link(client_as, person, contacts):
    lou, _noa = contacts
    assert client_as(person).post(_account_url(lou), {"username": "lou"}).status_code in (302, 403, 404)
    assert not ContactAccount.objects.exists()


def test_pilot_links_any_contact_and_an_unknown_login_changes_nothing(client_as, dept_admin, person, contacts):
    _lou, noa = contacts
    client = client_as(dept_admin)
    page = client.post(_account_url(noa), {"username": "lou.martin@ml-arras.invalid"}, follow=True)
    assert "Aucun compte actif n&#x27;a cet identifiant" in page.content.decode()
    assert not ContactAccount.objects.exists()
    client.post(_account_url(noa), {"username": "LOU"})
    assert ContactAccount.objects.get().user == person
