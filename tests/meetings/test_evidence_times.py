"""Arrival and departure times that reflect what happened, kept apart from when and by whom they were recorded."""

from datetime import time

from django.urls import reverse
from django.utils import timezone

from meetings.models import Attendance
from tests.meetings.evidence_helpers import hhmm, page_text, pdf_text, session_at, sheet_csv


def _tap(client, meeting, inv, status="present", **extra):
    return client.post(reverse("meetings:set-status", args=[meeting.pk]),
                       {"invitation": inv.pk, "status": status, **extra}, HTTP_ACCEPT="application/json")


def _sheet(client, meeting):
    return page_text(client.get(reverse("meetings:sheet", args=[meeting.pk])))


def test_tick_during_the_session_takes_the_tick_time(client_as, body_secretary, meeting):
    inv = meeting.invitations.filter(is_youth_seat=False).first()
    before = timezone.now().replace(microsecond=0)
    assert _tap(client_as(body_secretary), meeting, inv).status_code == 200
    arrived = Attendance.objects.get(invitation=inv).arrived_at
    assert before <= arrived <= timezone.now()
    assert f"{inv.person_name} Titulaire Présent·e à {hhmm(arrived)}" in _sheet(client_as(body_secretary), meeting)


def test_tick_before_the_start_asks_for_the_time_with_the_start_suggested(client_as, body_secretary, body):
    meeting = session_at(body, 1)  # tomorrow 14:00–16:00
    client = client_as(body_secretary)
    inv = meeting.invitations.filter(is_youth_seat=False).first()
    text = _sheet(client, meeting)
    assert "La séance se tient de 14:00 à 16:00 : en dehors de ces heures, chaque pointage demande l'heure" in text

    answer = _tap(client, meeting, inv)
    assert answer.status_code == 400
    data = answer.json()
    assert data["needs_time"] is True and data["suggested"] == "14:00"
    assert "indiquez l'heure d'arrivée (début de la séance proposé : 14:00)" in data["message"]
    assert not Attendance.objects.filter(invitation=inv).exists()

    assert _tap(client, meeting, inv, arrived="14:00").status_code == 200
    assert hhmm(Attendance.objects.get(invitation=inv).arrived_at) == "14:00"
    assert f"{inv.person_name} Titulaire Présent·e à 14:00" in _sheet(client, meeting)


def test_tick_after_the_end_takes_the_time_given_and_the_plain_form_says_why(client_as, body_secretary, body):
    meeting = session_at(body, -1)  # yesterday 14:00–16:00
    client = client_as(body_secretary)
    inv = meeting.invitations.filter(is_youth_seat=False).first()
    plain = client.post(reverse("meetings:set-status", args=[meeting.pk]),
                        {"invitation": inv.pk, "status": "present"}, follow=True)
    assert "indiquez l'heure d'arrivée (début de la séance proposé : 14:00)" in page_text(plain)
    _tap(client, meeting, inv, arrived="14:20")
    attendance = Attendance.objects.get(invitation=inv)
    assert timezone.localtime(attendance.arrived_at).date() == timezone.localtime(meeting.starts_at).date()
    assert hhmm(attendance.arrived_at) == "14:20"
    # The recording is later than the arrival, and both are kept.
    assert attendance.recorded_at > attendance.arrived_at


def test_secretary_corrects_arrival_and_departure_shown_on_sheet_csv_and_pdf(client_as, body_secretary, body):
    body_secretary.first_name, body_secretary.last_name = "Sam", "Secrétaire"
    body_secretary.save()
    meeting = session_at(body, -1)
    client = client_as(body_secretary)
    inv = meeting.invitations.filter(is_youth_seat=False).first()
    _tap(client, meeting, inv, arrived="14:00")
    answer = _tap(client, meeting, inv, status="", change="times", arrived="14:35", left="15:40")
    assert answer.status_code == 200, answer.content
    attendance = Attendance.objects.get(invitation=inv)
    assert (hhmm(attendance.arrived_at), hhmm(attendance.left_at)) == ("14:35", "15:40")
    assert attendance.status == "present"

    text = _sheet(client, meeting)
    assert f"{inv.person_name} Titulaire Présent·e à 14:35 départ à 15:40" in text
    assert f"enregistré à {hhmm(attendance.recorded_at)} (Secrétariat)" in text

    row = sheet_csv(client, meeting)[inv.person_name]
    assert (row["Arrivée"], row["Départ"]) == ("14:35", "15:40")
    assert row["Enregistré par"] == "Sam Secrétaire" and row["Voie d'enregistrement"] == "Secrétariat"
    assert row["Enregistré le"] == timezone.localtime(attendance.recorded_at).strftime("%d/%m/%Y %H:%M")

    text = pdf_text(meeting)
    assert "Arrivée Départ" in text and "14:35 15:40" in text
    assert "par Sam Secrétaire" in text


def test_departure_before_arrival_is_refused(client_as, body_secretary, body):
    meeting = session_at(body, -1)
    client = client_as(body_secretary)
    inv = meeting.invitations.filter(is_youth_seat=False).first()
    _tap(client, meeting, inv, arrived="14:30")
    answer = _tap(client, meeting, inv, status="", change="times", arrived="14:30", left="14:10")
    assert answer.status_code == 400
    assert answer.json()["message"] == "L'heure de départ doit être après l'heure d'arrivée."
    assert Attendance.objects.get(invitation=inv).left_at is None


def test_a_later_tap_keeps_the_arrival_and_absence_clears_the_times(client_as, body_secretary, body):
    meeting = session_at(body, -1)
    client = client_as(body_secretary)
    inv = meeting.invitations.filter(is_youth_seat=False).first()
    _tap(client, meeting, inv, arrived="14:10")
    assert _tap(client, meeting, inv, status="remote").status_code == 200  # no time asked again
    assert hhmm(Attendance.objects.get(invitation=inv).arrived_at) == "14:10"
    _tap(client, meeting, inv, status="absent")
    attendance = Attendance.objects.get(invitation=inv)
    assert attendance.arrived_at is None and attendance.left_at is None


def test_walk_in_outside_the_session_gets_the_time_given(client_as, body_secretary, body):
    meeting = session_at(body, -1)
    client = client_as(body_secretary)
    url = reverse("meetings:walk-in", args=[meeting.pk])
    refused = client.post(url, {"name": "Camille Invitée"}, HTTP_ACCEPT="application/json")
    assert refused.status_code == 400 and refused.json()["suggested"] == "14:00"
    client.post(url, {"name": "Camille Invitée", "arrived": "14:50"})
    walk_in = Attendance.objects.get(meeting=meeting, invitation=None)
    assert hhmm(walk_in.arrived_at) == "14:50"
    client.post(url, {"attendance": walk_in.pk, "arrived": "14:45", "left": "15:55"})
    text = _sheet(client, meeting)
    assert "Camille Invitée · Présent·e à 14:45 · départ à 15:55" in text
    row = sheet_csv(client, meeting)["Camille Invitée"]
    assert (row["Arrivée"], row["Départ"]) == ("14:45", "15:55")


def test_session_start_is_used_for_times_typed_on_a_long_session(body):
    """A time typed on the sheet is on the session's day, whatever day the secretary types it."""
    from meetings import services

    meeting = session_at(body, -3, start=time(9, 0))
    assert timezone.localtime(services.session_time(meeting, time(9, 30))).date() == \
        timezone.localtime(meeting.starts_at).date()
