"""Signatures drawn on the sheet (vector strokes) or certified by keyboard: bound to a present person, never
edited, voided only with a reason, rendered in the PDF."""

import base64
import json
import re

import pytest
from django.urls import reverse
from guardian.shortcuts import assign_perm

from meetings import exports, services
from meetings.models import AppendOnlyError, Attendance, Body, DrawnSignature, HalfDaySignature
from tests.meetings.evidence_helpers import csv_rows, hhmm, page_text, pdf_drawings, pdf_text, stroke_ops

STROKES = [[[10, 50], [60, 20], [110, 70], [160, 30]], [[200, 60], [260, 40]]]


def _sign(client, meeting, inv, **data):
    return client.post(reverse("meetings:draw-sign", args=[meeting.pk]), {"invitation": inv.pk, **data},
                       HTTP_ACCEPT="application/json")


def _present(meeting, status="present"):
    inv = meeting.invitations.filter(is_youth_seat=False).order_by("position").first()
    services.record_attendance(inv, status)
    return inv


def test_a_present_person_signs_and_the_signature_is_on_the_sheet_and_the_pdf(client_as, body_secretary, meeting):
    client = client_as(body_secretary)
    inv = _present(meeting)
    sheet = client.get(reverse("meetings:sheet", args=[meeting.pk])).content.decode()
    assert 'class="signature-canvas"' in sheet and "Je certifie ma présence (sans dessiner)" in sheet
    assert _sign(client, meeting, inv, strokes=json.dumps(STROKES)).status_code == 200
    signature = DrawnSignature.objects.get(invitation=inv)
    assert signature.strokes == [[[float(x), float(y)] for x, y in s] for s in STROKES]
    assert signature.attendance == Attendance.objects.get(invitation=inv)

    page = client.get(reverse("meetings:sheet", args=[meeting.pk])).content.decode()
    assert '<path d="M10.0 50.0 L60.0 20.0 L110.0 70.0 L160.0 30.0"/>' in page
    assert f"Signé à {hhmm(signature.signed_at)}" in page_text(client.get(reverse("meetings:sheet",
                                                                                  args=[meeting.pk])))
    html = exports.render_pdf_html(meeting, exports.sheet_rows(meeting))
    drawn = re.search(r'src="data:image/svg\+xml;base64,([^"]+)"', html)
    assert drawn and "M10.0 50.0 L60.0 20.0" in base64.b64decode(drawn.group(1)).decode()
    assert f"Signé à {hhmm(signature.signed_at)}" in pdf_text(meeting)
    # The downloaded PDF draws the strokes themselves (vector path operators of its page).
    downloaded = client.get(reverse("meetings:export", args=[meeting.pk, "pdf"])).content
    assert all(stroke_ops(stroke) in pdf_drawings(downloaded) for stroke in STROKES)


def test_keyboard_alternative_certifies_the_presence(client_as, body_secretary, meeting):
    client = client_as(body_secretary)
    inv = _present(meeting)
    assert _sign(client, meeting, inv, certify="1").status_code == 200
    signature = DrawnSignature.objects.get(invitation=inv)
    assert signature.certified and signature.strokes == []
    assert f"Présence certifiée à {hhmm(signature.signed_at)}" in pdf_text(meeting)


def test_an_absent_person_cannot_sign_and_a_signer_cannot_be_marked_absent(client_as, body_secretary, meeting):
    client = client_as(body_secretary)
    absent = _present(meeting, "absent")
    answer = _sign(client, meeting, absent, strokes=json.dumps(STROKES))
    assert answer.status_code == 400
    assert "une personne absente ne signe pas" in answer.json()["message"]
    unrecorded = meeting.invitations.filter(is_youth_seat=False).order_by("position")[1]
    assert _sign(client, meeting, unrecorded, certify="1").status_code == 400
    assert not DrawnSignature.objects.exists()

    services.record_attendance(absent, "present")
    _sign(client, meeting, absent, certify="1")
    refused = client.post(reverse("meetings:set-status", args=[meeting.pk]),
                          {"invitation": absent.pk, "status": "absent"}, HTTP_ACCEPT="application/json")
    assert refused.status_code == 400 and "annulez d'abord sa signature" in refused.json()["message"]


def test_empty_or_malformed_strokes_are_refused(client_as, body_secretary, meeting):
    client = client_as(body_secretary)
    inv = _present(meeting)
    for strokes in ("", "[]", "pas du json", json.dumps([[["x", 1]]]), json.dumps([[[1, 2, 3]]])):
        assert _sign(client, meeting, inv, strokes=strokes).status_code == 400
    assert not DrawnSignature.objects.exists()


def test_a_signature_is_never_edited_only_voided_with_a_reason(client_as, body_secretary, meeting):
    client = client_as(body_secretary)
    inv = _present(meeting)
    _sign(client, meeting, inv, strokes=json.dumps(STROKES))
    assert _sign(client, meeting, inv, strokes=json.dumps(STROKES)).status_code == 400  # already signed
    signature = DrawnSignature.objects.get(invitation=inv)
    signature.strokes = [[[0, 0], [300, 100]]]
    with pytest.raises(AppendOnlyError):
        signature.save()
    with pytest.raises(AppendOnlyError):
        signature.delete()

    url = reverse("meetings:draw-sign", args=[meeting.pk])
    no_reason = client.post(url, {"void": signature.pk, "reason": " "}, HTTP_ACCEPT="application/json")
    assert no_reason.status_code == 400
    assert no_reason.json()["message"] == "Indiquez le motif de l'annulation de la signature."
    client.post(url, {"void": signature.pk, "reason": "Signature faite à la place d'une autre personne"})
    signature.refresh_from_db()
    assert signature.voided_at is not None and signature.strokes == [[[float(x), float(y)] for x, y in s]
                                                                      for s in STROKES]
    assert "data:image/svg+xml" not in exports.render_pdf_html(meeting, exports.sheet_rows(meeting))
    history = csv_rows(client.get(reverse("meetings:history", args=[meeting.pk])))
    assert ["signature annulée", "Signature faite à la place d'une autre personne"] in [r[-2:] for r in history]
    # Voided, the person may sign again.
    assert _sign(client, meeting, inv, certify="1").status_code == 200
    assert DrawnSignature.objects.filter(invitation=inv).count() == 2


def test_training_signature_is_bound_to_the_current_half_day(client_as, secretary, make_body, make_meeting):
    body = make_body("Formation référent de parcours", kind=Body.Kind.FORMATION, youth_seats=0)
    assign_perm("meetings.manage_body", secretary, body)
    meeting = make_meeting(body)
    services.ensure_half_days(meeting)
    half_day = services.current_half_day(meeting)
    assert half_day is not None
    client = client_as(secretary)
    inv = _present(meeting)
    page = client.get(reverse("meetings:sheet", args=[meeting.pk])).content.decode()
    assert f'name="half_day" value="{half_day.pk}"' in page
    _sign(client, meeting, inv, half_day=half_day.pk, strokes=json.dumps(STROKES))
    signature = DrawnSignature.objects.get(invitation=inv)
    assert signature.half_day == half_day
    assert HalfDaySignature.objects.filter(half_day=half_day, person_key=inv.person_key).exists()
    assert f"Signé à {hhmm(signature.signed_at)}" in pdf_text(meeting)


def test_page_text_of_sheet_has_a_labelled_pad(client_as, body_secretary, meeting):
    client = client_as(body_secretary)
    inv = _present(meeting)
    text = page_text(client.get(reverse("meetings:sheet", args=[meeting.pk])))
    assert f"Signer sur l'écran – {inv.person_name}" in text
    assert f"{inv.person_name} signe avec le doigt, un stylet ou la souris dans le cadre." in text
