"""The Wagtail admin lists and edits bodies (with members) and sessions, in French."""

from django.urls import reverse


def test_admin_lists_bodies_and_sessions(client_as, superuser, body, meeting):
    client = client_as(superuser)
    response = client.get(reverse("wagtailsnippets_meetings_body:list"))
    assert response.status_code == 200 and body.name in response.content.decode().replace("&#x27;", "'")
    edit = client.get(reverse("wagtailsnippets_meetings_body:edit", args=[body.pk]))
    html = edit.content.decode()
    assert edit.status_code == 200 and "Membres (organisations de l&#x27;annuaire)" in html
    assert client.get(reverse("wagtailsnippets_meetings_meeting:list")).status_code == 200
    assert client.get(reverse("wagtailsnippets_meetings_meeting:edit", args=[meeting.pk])).status_code == 200


def test_secretary_has_no_admin(client_as, body_secretary):
    response = client_as(body_secretary).get(reverse("wagtailsnippets_meetings_body:list"))
    assert response.status_code in (302, 403)
