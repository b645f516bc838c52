"""Signing from one's phone after the self check-in: the pad of the sheet (signature.js) or "je certifie ma
présence", recorded through services like a signature on the sheet, for a present person only, and only for
the person this phone checked in."""

import json
from datetime import datetime, time

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from meetings import checkin, exports, services
from meetings.models import Attendance, Body, DrawnSignature, HalfDaySignature, Meeting
from tests.meetings.evidence_helpers import pdf_drawings, stroke_ops

STROKES = [[[15, 55], [65, 20], [120, 72]], [[190, 40], [255, 65]]]


def _people(meeting):
    return list(meeting.invitations.filter(is_youth_seat=False).order_by("pk"))


def _code_url(invitation):
    return reverse("meetings:checkin-code", args=[invitation.checkin_code])


def test_after_checking_in_with_a_personal_code_the_person_signs_on_the_phone(client, private_cache, meeting):
    person = _people(meeting)[0]
    page = client.post(_code_url(person)).content.decode()
    assert 'class="signature-canvas"' in page and "Je certifie ma présence (sans dessiner)" in page
    assert "meetings/signature.js" in page and "<script>" not in page

    response = client.post(_code_url(person), {"sign": "1", "strokes": json.dumps(STROKES)})
    assert response.status_code == 200 and "votre signature est enregistrée" in response.content.decode()
    signature = DrawnSignature.objects.get()
    assert signature.invitation == person and signature.recorded_via == "self_checkin"
    assert signature.attendance == Attendance.objects.get(invitation=person)
    assert '<path d="M15.0 55.0 L65.0 20.0 L120.0 72.0"/>' in response.content.decode()
    assert 'class="signature-canvas"' not in response.content.decode()
    # The drawing is on the sheet's PDF, as vector paths.
    drawn = pdf_drawings(exports.to_pdf(meeting, exports.sheet_rows(meeting)))
    assert all(stroke_ops(stroke) in drawn for stroke in STROKES)

    again = client.post(_code_url(person), {"sign": "1", "strokes": json.dumps(STROKES)})
    assert again.status_code == 400 and "a déjà signé" in again.content.decode()
    assert DrawnSignature.objects.count() == 1


def test_someone_who_cannot_draw_certifies_their_presence_with_the_keyboard(client, private_cache, meeting):
    person = _people(meeting)[0]
    client.post(_code_url(person))
    response = client.post(_code_url(person), {"sign": "1", "certify": "1"})
    assert response.status_code == 200 and "Présence certifiée à" in response.content.decode()
    assert DrawnSignature.objects.get().certified
    empty = _people(meeting)[1]
    client.post(_code_url(empty))
    refused = client.post(_code_url(empty), {"sign": "1", "strokes": "[]"})
    assert refused.status_code == 400 and "Signez dans le cadre" in refused.content.decode()


def test_an_absent_person_cannot_sign_from_a_phone(client, private_cache, meeting):
    person = _people(meeting)[0]
    client.post(_code_url(person))
    services.set_attendance(person, "absent")  # the secretary corrects the sheet
    response = client.post(_code_url(person), {"sign": "1", "strokes": json.dumps(STROKES)})
    assert response.status_code == 400 and "une personne absente ne signe pas" in response.content.decode()
    assert not DrawnSignature.objects.exists()
    assert 'class="signature-canvas"' not in response.content.decode()


def test_a_phone_signs_only_for_the_person_it_checked_in(client, private_cache, meeting):
    first, second, *_rest = _people(meeting)
    room = reverse("meetings:checkin", args=[checkin.make_token(meeting)])
    page = client.post(room, {"invitation": first.pk}).content.decode()
    assert f'name="invitation" value="{first.pk}"' in page and 'class="signature-canvas"' in page

    other_phone = Client()
    refused = other_phone.post(room, {"sign": "1", "invitation": first.pk, "certify": "1"})
    assert refused.status_code == 403 and "ne peut signer que pour la personne" in refused.content.decode()
    services.record_attendance(second, "present")
    refused = client.post(room, {"sign": "1", "invitation": second.pk, "certify": "1"})
    assert refused.status_code == 403 and not DrawnSignature.objects.exists()

    assert client.post(room, {"sign": "1", "invitation": first.pk, "certify": "1"}).status_code == 200
    assert DrawnSignature.objects.get().invitation == first


def test_a_trainee_signs_the_current_half_day_from_the_phone(client, private_cache, make_body):
    body = make_body("Formation accueil des jeunes", members=2, youth_seats=0, kind=Body.Kind.FORMATION)
    today = timezone.localdate()
    tz = timezone.get_current_timezone()
    meeting = Meeting.objects.create(body=body, starts_at=datetime.combine(today, time(0, 0), tzinfo=tz),
                                     ends_at=datetime.combine(today, time(23, 59), tzinfo=tz))
    services.freeze_invitations(meeting)
    person = _people(meeting)[0]
    client.post(_code_url(person))
    current = services.current_half_day(meeting)
    assert current is not None
    response = client.post(_code_url(person), {"sign": "1", "strokes": json.dumps(STROKES)})
    assert response.status_code == 200
    signature = DrawnSignature.objects.get()
    assert signature.half_day == current and signature.recorded_via == "self_checkin"
    assert HalfDaySignature.objects.filter(half_day=current, person_key=person.person_key).exists()
