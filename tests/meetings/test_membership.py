"""Membership is an explicit link between an account and a seated contact, never a matching e-mail address."""

import html

import pytest
from django.urls import reverse

from directory.accounts import link, unlink
from meetings import permissions
from meetings.services import save_minutes
from relais import roles

ADMIN_ACCOUNT_FORM = {
    "name_email-first_name": "Alex", "name_email-last_name": "Intrus",
    "notifications-submitted_notifications": "false", "notifications-approved_notifications": "false",
    "notifications-rejected_notifications": "false", "notifications-updated_comments_notifications": "false",
    "locale-preferred_language": "fr", "locale-current_time_zone": "Europe/Paris",
    "theme-theme": "system", "theme-density": "default", "theme-contrast": "system",
}


@pytest.fixture
def seated_contact(meeting):
    save_minutes(meeting, "<p>Relevé de décisions confidentiel</p>")
    return meeting.invitations.exclude(contact=None).first().contact


def assert_body_closed(client, meeting):
    body = meeting.body
    assert client.get(reverse("meetings:meeting", args=[meeting.pk])).status_code == 403
    assert client.get(reverse("meetings:body", args=[body.slug])).status_code == 403
    assert client.get(reverse("meetings:meeting-ics", args=[meeting.pk])).status_code == 403
    assert client.get(reverse("meetings:export", args=[meeting.pk, "pdf"])).status_code == 403
    index = html.unescape(client.get(reverse("meetings:index")).content.decode())
    assert body.name not in index and body.feed_token not in index  # the calendar feed's key is never shown
    assert client.get("/indicateurs/").status_code == 403
    assert client.get("/indicateurs/api/indicateurs/").status_code == 403


def test_typing_a_members_address_in_the_admin_account_form_opens_nothing(client_as, partner_editor, meeting,
                                                                          seated_contact):
    client = client_as(partner_editor)
    form = client.get(reverse("wagtailadmin_account"))
    assert form.status_code == 200 and "id_name_email-email" not in form.content.decode()
    response = client.post(reverse("wagtailadmin_account"),
                           {**ADMIN_ACCOUNT_FORM, "name_email-email": seated_contact.email})
    assert response.status_code == 302
    partner_editor.refresh_from_db()
    assert partner_editor.last_name == "Intrus"  # the form was saved…
    assert partner_editor.email == "editeur@exemple.invalid"  # …but not the address
    assert_body_closed(client, meeting)


def test_an_account_address_equal_to_a_members_opens_nothing(client_as, make_user, meeting, seated_contact):
    intruder = make_user("intrus", roles.PARTNER_EDITOR)
    intruder.email = seated_contact.email.upper()
    intruder.save()
    assert not permissions.bodies_viewable_by(intruder).exists()
    assert not permissions.can_view_body(intruder, meeting.body)
    assert_body_closed(client_as(intruder), meeting)


def test_a_linked_account_sees_the_body_until_unlinked(client_as, make_user, meeting, seated_contact):
    member = make_user("membre", roles.PROFESSIONAL)  # its own address differs from the contact's
    link(seated_contact, member)
    client = client_as(member)
    page = client.get(reverse("meetings:meeting", args=[meeting.pk]))
    assert page.status_code == 200 and "Relevé de décisions confidentiel" in page.content.decode()
    body_page = client.get(reverse("meetings:body", args=[meeting.body.slug]))
    assert body_page.status_code == 200 and meeting.body.feed_token in body_page.content.decode()
    assert client.get(reverse("meetings:meeting-ics", args=[meeting.pk])).status_code == 200

    unlink(seated_contact)
    assert client.get(reverse("meetings:meeting", args=[meeting.pk])).status_code == 403


def test_a_link_to_an_inactive_seat_opens_nothing(client_as, make_user, meeting, seated_contact):
    member = make_user("membre", roles.PROFESSIONAL)
    link(seated_contact, member)
    meeting.body.members.filter(contact=seated_contact).update(is_active=False)
    assert client_as(member).get(reverse("meetings:body", args=[meeting.body.slug])).status_code == 403
