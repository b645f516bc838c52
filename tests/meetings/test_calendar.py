"""Convocations, .ics (UID, SEQUENCE, CANCEL), the body feed and the reminders command."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from meetings import convocations, ics
from meetings.models import AgendaItem, Meeting


def _event(data):
    cal = Calendar.from_ical(data)
    return cal, next(iter(cal.walk("VEVENT")))


def test_uid_stable_and_sequence_bumps_on_change(body, make_meeting):
    meeting = make_meeting(body, days=5)
    cal, first = _event(ics.meeting_ics(meeting))
    assert str(cal["METHOD"]) == "REQUEST"
    meeting.starts_at += timedelta(hours=1)
    meeting.ends_at += timedelta(hours=1)
    meeting.save()
    _cal, second = _event(ics.meeting_ics(Meeting.objects.get(pk=meeting.pk)))
    assert str(first["UID"]) == str(second["UID"])
    assert int(second["SEQUENCE"]) == int(first["SEQUENCE"]) + 1
    assert second.decoded("DTSTART") == meeting.starts_at


def test_cancellation_sends_method_cancel_with_same_uid(client_as, body_secretary, body, make_meeting):
    meeting = make_meeting(body, days=5)
    _c, before = _event(ics.meeting_ics(meeting))
    client_as(body_secretary).post(reverse("meetings:cancel", args=[meeting.pk]))
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.CANCELLED
    assert len(mail.outbox) == 3 and mail.outbox[0].subject.startswith("Annulation")
    name, content, mimetype = mail.outbox[0].attachments[0]
    assert "method=CANCEL" in mimetype
    cal, event = _event(content)
    assert str(cal["METHOD"]) == "CANCEL" and str(event["STATUS"]) == "CANCELLED"
    assert str(event["UID"]) == str(before["UID"]) and int(event["SEQUENCE"]) > int(before["SEQUENCE"])


def test_update_after_convocation_is_sent_with_higher_sequence(client_as, body_secretary, body, make_meeting):
    meeting = make_meeting(body, days=5, convene=False)
    client = client_as(body_secretary)
    client.post(reverse("meetings:convene", args=[meeting.pk]))
    local = timezone.localtime(meeting.starts_at) + timedelta(days=1)
    client.post(reverse("meetings:meeting-edit", args=[meeting.pk]), {
        "title": "", "starts_at": local.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (local + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"), "place": "Salle B", "video_link": "",
        "trainer_name": "", "notify": "1"})
    assert [m.subject.split(" :")[0] for m in mail.outbox] == ["Convocation"] * 3 + ["Modification"] * 3
    _c, first = _event(mail.outbox[0].attachments[0][1])
    _c, update = _event(mail.outbox[3].attachments[0][1])
    assert str(first["UID"]) == str(update["UID"]) and int(update["SEQUENCE"]) > int(first["SEQUENCE"])
    assert "Salle B" in mail.outbox[3].body


def test_bad_edit_changes_nothing(client_as, body_secretary, meeting):
    before = (meeting.starts_at, meeting.ends_at, meeting.sequence)
    response = client_as(body_secretary).post(reverse("meetings:meeting-edit", args=[meeting.pk]), {
        "starts_at": "2026-12-01T14:00", "ends_at": "2026-12-01T10:00", "video_link": "pas une adresse"})
    assert response.status_code == 200 and "La fin doit être après le début" in response.content.decode()
    meeting.refresh_from_db()
    assert (meeting.starts_at, meeting.ends_at, meeting.sequence) == before


def test_body_feed_needs_the_secret_token(client, body, make_meeting):
    make_meeting(body, days=3)
    make_meeting(body, days=40)
    ok = client.get(reverse("meetings:feed", args=[body.slug, body.feed_token]))
    assert ok.status_code == 200 and ok["Content-Type"].startswith("text/calendar")
    assert len(Calendar.from_ical(ok.content).walk("VEVENT")) == 2
    assert client.get(reverse("meetings:feed", args=[body.slug, "devine"])).status_code == 404


def test_reminders_sent_once_within_the_delay(body, make_meeting):
    body.reminder_hours = 48
    body.save()
    soon = make_meeting(body, days=1)
    make_meeting(body, days=10)  # too far ahead
    make_meeting(body, days=1, convene=False)  # not convened: nobody to remind
    call_command("send_meeting_reminders", stdout=open("/dev/null", "w"))
    assert len(mail.outbox) == 3 and all(m.subject.startswith("Rappel") for m in mail.outbox)
    assert {m.to[0] for m in mail.outbox} == set(soon.invitations.exclude(email="").values_list("email", flat=True))
    call_command("send_meeting_reminders", stdout=open("/dev/null", "w"))
    assert len(mail.outbox) == 3
    with pytest.raises(CommandError):
        call_command("send_meeting_reminders", "--heures=0")


def test_convocation_email_is_french_with_agenda_and_reply_links(body, make_meeting):
    meeting = make_meeting(body, days=5, convene=False)
    AgendaItem.objects.create(meeting=meeting, title="Bilan des contrats jeunes majeurs", sort_order=1)
    convocations.convene(meeting)
    message = mail.outbox[0]
    assert "Vous êtes convoqué·e" in message.body and "Bilan des contrats jeunes majeurs" in message.body
    assert "/instances/reponse/" in message.body and "MDS de l'Artois" in message.body
    html = message.alternatives[0][0]
    assert "<ol><li>Bilan des contrats jeunes majeurs</li></ol>" in html


@pytest.mark.parametrize("kind", ["convocation", "update", "cancel", "reminder"])
def test_every_meeting_email_links_to_the_public_address(body, make_meeting, assert_public_links, kind):
    meeting = make_meeting(body, days=5)
    assert convocations.send_to_invitations(meeting, kind) == 3
    message = mail.outbox[0]
    links = assert_public_links(message.body) + assert_public_links(message.alternatives[0][0])
    assert f"https://relais.exemple.org{meeting.get_absolute_url()}" in links
    assert any("/instances/reponse/" in link for link in links) == (kind != "cancel")
    _cal, event = _event(message.attachments[0][1])
    assert str(event["URL"]) == f"https://relais.exemple.org{meeting.get_absolute_url()}"


def test_calendar_downloads_and_feed_link_to_the_public_address(client_as, body_secretary, body, make_meeting,
                                                                settings):
    settings.RELAIS_BASE_URL = "https://relais.exemple.org"
    meeting = make_meeting(body, days=5)
    client = client_as(body_secretary)
    page = client.get(reverse("meetings:body", args=[body.slug])).content.decode()
    assert f"https://relais.exemple.org{reverse('meetings:feed', args=[body.slug, body.feed_token])}" in page
    feed = client.get(reverse("meetings:feed", args=[body.slug, body.feed_token])).content
    assert {str(event["URL"]) for event in Calendar.from_ical(feed).walk("VEVENT")} == {
        f"https://relais.exemple.org{meeting.get_absolute_url()}"}
    single = client.get(reverse("meetings:meeting-ics", args=[meeting.pk])).content
    assert str(_event(single)[1]["URL"]) == f"https://relais.exemple.org{meeting.get_absolute_url()}"
    qr = client.get(reverse("meetings:qr", args=[meeting.pk]))
    assert qr.context["url"].startswith("https://relais.exemple.org/instances/pointage/")  # what the phones scan
