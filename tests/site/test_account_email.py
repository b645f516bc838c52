"""An account's e-mail changes only when the link sent to the new address is opened by that account."""

import re
import time

import pytest
from django.core import mail, signing
from django.urls import reverse

from relais import accounts, roles
from tests.conftest import PASSWORD


@pytest.fixture
def person(make_user):
    return make_user("lou", roles.PARTNER_EDITOR)


def _ask(client, new_email, password=PASSWORD):
    return client.post(reverse("relais:email-change"), {"new_email": new_email, "password": password})


def _path_in(message) -> str:
    return re.sub(r"^https?://[^/]+", "", re.search(r"https?://\S+", message.body).group(0))


def test_the_change_waits_for_the_link_sent_to_the_new_address(client_as, person, make_user):
    client = client_as(person)
    assert _ask(client, "lou@nouvelle-adresse.invalid").status_code == 302
    person.refresh_from_db()
    assert person.email == "lou@exemple.invalid"  # not yet
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["lou@nouvelle-adresse.invalid"]
    assert "Confirmez" in mail.outbox[0].subject
    path = _path_in(mail.outbox[0])

    other = make_user("intrus", roles.PROFESSIONAL)
    page = client_as(other).get(path, follow=True)
    assert "demandé depuis un autre compte" in page.content.decode()
    other.refresh_from_db()
    assert other.email == "intrus@exemple.invalid"

    page = client_as(person).get(path, follow=True)
    assert "Le courriel de votre compte est maintenant lou@nouvelle-adresse.invalid" in page.content.decode()
    person.refresh_from_db()
    assert person.email == "lou@nouvelle-adresse.invalid"
    assert mail.outbox[-1].to == ["lou@exemple.invalid"]  # the old address is told


def test_wrong_password_or_same_address_changes_nothing(client_as, person):
    client = client_as(person)
    response = _ask(client, "lou@nouvelle-adresse.invalid", password="pas-le-bon")
    assert response.status_code == 400 and "Mot de passe incorrect" in response.content.decode()
    response = _ask(client, "LOU@exemple.invalid")
    assert response.status_code == 400 and "déjà le courriel de votre compte" in response.content.decode()
    response = _ask(client, "pas-une-adresse")
    assert response.status_code == 400
    assert mail.outbox == []
    person.refresh_from_db()
    assert person.email == "lou@exemple.invalid"


def test_an_old_link_cannot_undo_a_later_change(person):
    first = accounts.make_email_token(person, "premiere@exemple.invalid")
    second = accounts.make_email_token(person, "seconde@exemple.invalid")
    accounts.confirm_email_change(person, second)
    with pytest.raises(accounts.EmailChangeError, match="a changé depuis la demande"):
        accounts.confirm_email_change(person, first)
    person.refresh_from_db()
    assert person.email == "seconde@exemple.invalid"


def test_the_link_expires(person, monkeypatch):
    three_days_ago = int(time.time()) - 3 * 24 * 3600
    monkeypatch.setattr(signing.TimestampSigner, "timestamp", lambda self: signing.b62_encode(three_days_ago))
    token = accounts.make_email_token(person, "tard@exemple.invalid")
    monkeypatch.undo()
    with pytest.raises(accounts.EmailChangeError, match="expiré"):
        accounts.confirm_email_change(person, token)
    person.refresh_from_db()
    assert person.email == "lou@exemple.invalid"


def test_a_tampered_link_changes_nothing(client_as, person):
    token = accounts.make_email_token(person, "lou@nouvelle-adresse.invalid")
    page = client_as(person).get(reverse("relais:email-confirm", args=[token[:-2] + "xx"]), follow=True)
    assert "Ce lien n&#x27;est pas valide" in page.content.decode()
    person.refresh_from_db()
    assert person.email == "lou@exemple.invalid"


def test_wagtail_account_settings_point_to_the_confirmed_change(client_as, person):
    page = client_as(person).get(reverse("wagtailadmin_account")).content.decode()
    assert "id_name_email-email" not in page
    assert reverse("relais:account") + "#courriel" in page and "Changer de courriel" in page


def test_account_page_shows_the_address_and_the_forms(client_as, person):
    page = client_as(person).get(reverse("relais:account"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "lou@exemple.invalid" in body and "Changer le courriel de mon compte" in body
    assert "Aucune fiche contact n'est liée à votre compte" in body


def test_confirmation_link_requests_are_rate_limited(client_as, professional, mailoutbox):
    from tests.conftest import PASSWORD

    client = client_as(professional)
    for n in range(5):
        client.post("/espace-pro/compte/courriel/", {"new_email": f"nouveau{n}@exemple.invalid", "password": PASSWORD})
    refused = client.post("/espace-pro/compte/courriel/", {"new_email": "encore@exemple.invalid",
                                                           "password": PASSWORD})
    assert refused.status_code == 400
    assert "Trop de demandes" in refused.content.decode()
    assert len(mailoutbox) == 5
    for n in range(5):
        client.post("/espace-pro/compte/fiche-contact/", {"email": f"fiche{n}@exemple.invalid"})
    refused = client.post("/espace-pro/compte/fiche-contact/", {"email": "fiche@exemple.invalid"})
    assert refused.status_code == 400 and "Trop de demandes" in refused.content.decode()
