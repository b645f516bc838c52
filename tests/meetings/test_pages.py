"""Body and session pages: minutes versions, decisions, actions and their rollover, series generation, query pins."""

import html
from datetime import datetime
from zoneinfo import ZoneInfo

from django.urls import reverse
from guardian.shortcuts import assign_perm

from directory.accounts import link
from meetings import services
from meetings.models import Action, Meeting


def text(response):
    return html.unescape(response.content.decode())


def test_minutes_are_saved_as_new_versions_and_escaped(client_as, body_secretary, meeting):
    client = client_as(body_secretary)
    url = reverse("meetings:minutes", args=[meeting.pk])
    client.post(url, {"text": "Premier paragraphe.\n\nSecond <script>alert(1)</script>"})
    assert "Premier paragraphe." in client.get(url).content.decode()  # the form starts from the current text
    client.post(url, {"text": "Version corrigée."})
    versions = list(meeting.minutes_versions.values_list("version", "text"))
    assert versions[0] == (2, "<p>Version corrigée.</p>")
    assert versions[1][1] == "<p>Premier paragraphe.</p><p>Second &lt;script&gt;alert(1)&lt;/script&gt;</p>"
    page = text(client.get(reverse("meetings:meeting", args=[meeting.pk])))
    assert "Version corrigée." in page and "Versions précédentes" in page
    assert client.post(url, {"text": "  "}).status_code == 200
    assert meeting.minutes_versions.count() == 2


def test_decision_and_action_then_rollover_to_next_session(client_as, body_secretary, body, make_meeting):
    client = client_as(body_secretary)
    first = make_meeting(body, days=-14)
    org = first.invitations.exclude(organisation=None).first().organisation
    client.post(reverse("meetings:decision-add", args=[first.pk]), {"text": "Le comité valide le calendrier."})
    client.post(reverse("meetings:action-add", args=[first.pk]),
                {"title": "Relancer les bailleurs", "owner_organisation": org.pk, "due_date": "2026-12-15"})
    bad = client.post(reverse("meetings:action-add", args=[first.pk]),
                      {"title": "Sans date valide", "due_date": "15/15/2026"}, follow=True)
    assert "Action non ajoutée" in text(bad)
    assert Action.objects.count() == 1
    action = Action.objects.get()
    assert (action.owner_organisation, action.body) == (org, body)
    second = make_meeting(body, days=14, convene=False)
    client.post(reverse("meetings:convene", args=[second.pk]))
    page = text(client.get(reverse("meetings:meeting", args=[second.pk])))
    assert f"Suivi de l'action : Relancer les bailleurs ({org.name})" in page
    client.post(reverse("meetings:action-status", args=[action.pk]), {"status": "done"})
    action.refresh_from_db()
    assert action.status == "done"
    third = make_meeting(body, days=40)
    assert not third.agenda_items.exists()


def test_generate_series_from_the_body_page(client_as, body_secretary, body):
    body.recurrence = "FREQ=MONTHLY;INTERVAL=3"
    body.series_start = datetime(2026, 1, 15, 9, 30, tzinfo=ZoneInfo("Europe/Paris"))
    body.save()
    client = client_as(body_secretary)
    url = reverse("meetings:generate", args=[body.slug])
    first = text(client.post(url, follow=True))
    assert "séance(s) créée(s)" in first
    count = Meeting.objects.filter(body=body).count()
    assert count >= 4
    client.post(url)
    assert Meeting.objects.filter(body=body).count() == count
    assert client.get(url).status_code == 405


def test_agenda_item_added_by_secretary(client_as, body_secretary, meeting):
    client = client_as(body_secretary)
    client.post(reverse("meetings:agenda-add", args=[meeting.pk]), {"title": "Bilan des permanences"})
    client.post(reverse("meetings:agenda-add", args=[meeting.pk]), {"title": ""})
    assert list(meeting.agenda_items.values_list("title", flat=True)) == ["Bilan des permanences"]


def test_pages_have_pinned_query_counts(client_as, secretary, make_body, make_meeting,
                                        django_assert_max_num_queries):
    bodies = [make_body(f"Instance {n}", members=4) for n in range(6)]
    for body in bodies:
        assign_perm("meetings.manage_body", secretary, body)
        for days in (-60, -30, 5, 30):
            make_meeting(body, days=days)
    client = client_as(secretary)
    client.get(reverse("meetings:index"))
    with django_assert_max_num_queries(14):
        assert client.get(reverse("meetings:index")).status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get(reverse("meetings:body", args=[bodies[0].slug])).status_code == 200
    meeting = bodies[0].meetings.first()
    services.save_minutes(meeting, "<p>CR</p>")
    with django_assert_max_num_queries(26):
        assert client.get(reverse("meetings:meeting", args=[meeting.pk])).status_code == 200


def test_member_cannot_use_secretary_actions(client_as, make_user, meeting):
    member = make_user("membre", "professionnel")
    link(meeting.invitations.exclude(contact=None).first().contact, member)  # was an e-mail match
    client = client_as(member)
    for name in ("minutes", "decision-add", "action-add", "agenda-add", "convene", "cancel", "meeting-edit"):
        assert client.post(reverse(f"meetings:{name}", args=[meeting.pk]), {"text": "x", "title": "x"}).status_code \
            == 403
    assert not meeting.decisions.exists() and not meeting.minutes_versions.exists()
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.CONVENED
    assert client.get(reverse("meetings:meeting-ics", args=[meeting.pk])).status_code == 200


def test_cancelled_session_takes_no_attendance(client_as, body_secretary, meeting):
    client = client_as(body_secretary)
    client.post(reverse("meetings:cancel", args=[meeting.pk]))
    inv = meeting.invitations.first()
    response = client.post(reverse("meetings:set-status", args=[meeting.pk]),
                           {"invitation": inv.pk, "status": "present"}, follow=True)
    assert "annulée" in text(response)
    assert not meeting.attendances.exists()


def test_index_is_titled_in_french_not_with_wagtail_occurrences(client_as, body_secretary, meeting):
    page = text(client_as(body_secretary).get(reverse("meetings:index")))
    assert "<title>Instances du partenariat – Relais</title>" in page
    assert meeting.body.name in page


def test_secretary_schedules_an_extra_session(client_as, body_secretary, body, professional):
    client = client_as(body_secretary)
    url = reverse("meetings:meeting-new", args=[body.slug])
    assert client.get(url).status_code == 200
    bad = client.post(url, {"starts_at": "2026-12-10T14:00", "ends_at": "2026-12-10T12:00"})
    assert bad.status_code == 200 and not Meeting.objects.filter(body=body).exists()
    response = client.post(url, {"title": "Séance exceptionnelle", "starts_at": "2026-12-10T14:00",
                                 "ends_at": "2026-12-10T16:00", "place": "Salle 3", "video_link": ""})
    meeting = Meeting.objects.get(body=body)
    assert response.status_code == 302 and response["Location"] == meeting.get_absolute_url()
    assert (meeting.title, meeting.status, meeting.occurrence) == ("Séance exceptionnelle", "planned", None)
    assert client_as(professional).post(url, {"starts_at": "2026-12-11T14:00",
                                              "ends_at": "2026-12-11T16:00"}).status_code == 403
    assert Meeting.objects.filter(body=body).count() == 1
