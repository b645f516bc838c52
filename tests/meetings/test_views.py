"""HTTP pages: permissions, the sheet's plain POST actions, the self check-in, the convocation reply."""

import html

import pytest
from django.core import mail, signing
from django.urls import reverse
from guardian.shortcuts import assign_perm

from directory.accounts import link
from meetings import checkin, convocations
from meetings.models import Attendance, Invitation, Meeting


def sheet_url(meeting):
    return reverse("meetings:sheet", args=[meeting.pk])


def status_url(meeting):
    return reverse("meetings:set-status", args=[meeting.pk])


# --- Permissions ----------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["index", "meeting", "sheet", "set-status", "export"])
def test_anonymous_is_sent_to_login(client, meeting, name):
    args = {"index": [], "export": [meeting.pk, "csv"]}.get(name, [meeting.pk])
    response = client.get(reverse(f"meetings:{name}", args=args))
    assert response.status_code == 302 and "/espace-pro/connexion/" in response["Location"]


def test_other_secretary_cannot_touch_a_session(client_as, make_user, meeting, make_body, make_meeting):
    other = make_user("autre-secretaire", "secretaire_instance")
    assign_perm("meetings.manage_body", other, make_body("Autre instance"))
    client = client_as(other)
    inv = meeting.invitations.first()
    assert client.get(sheet_url(meeting)).status_code == 403
    assert client.get(reverse("meetings:meeting", args=[meeting.pk])).status_code == 403
    assert client.post(status_url(meeting), {"invitation": inv.pk, "status": "present"}).status_code == 403
    assert client.get(reverse("meetings:export", args=[meeting.pk, "pdf"])).status_code == 403
    assert client.post(reverse("meetings:convene", args=[meeting.pk])).status_code == 403
    assert not Attendance.objects.exists()
    page = client.get(reverse("meetings:index"))
    assert meeting.body.name not in html.unescape(page.content.decode())


def test_member_sees_session_and_minutes_but_not_the_sheet(client_as, make_user, meeting):
    # The member's account is linked to their seated contact (it used to be matched by e-mail address).
    member = make_user("membre", "professionnel")
    link(meeting.invitations.exclude(contact=None).first().contact, member)
    client = client_as(member)
    from meetings.services import save_minutes
    save_minutes(meeting, "<p>Relevé de décisions du comité</p>")
    page = client.get(reverse("meetings:meeting", args=[meeting.pk]))
    assert page.status_code == 200 and "Relevé de décisions du comité" in page.content.decode()
    assert "Feuille d&#x27;émargement en direct" not in page.content.decode()
    assert client.get(sheet_url(meeting)).status_code == 403
    assert meeting.body.name in html.unescape(client.get(reverse("meetings:index")).content.decode())


def test_professional_not_member_sees_nothing(client_as, professional, meeting):
    client = client_as(professional)
    assert client.get(reverse("meetings:meeting", args=[meeting.pk])).status_code == 403
    assert client.get(reverse("meetings:body", args=[meeting.body.slug])).status_code == 403


# --- Sheet actions --------------------------------------------------------------------------------

def test_sheet_lists_expected_people_grouped_with_counts(client_as, body_secretary, meeting):
    page = client_as(body_secretary).get(sheet_url(meeting))
    html = page.content.decode()
    assert page.status_code == 200
    for inv in meeting.invitations.filter(is_youth_seat=False):
        assert inv.person_name in html and inv.organisation.name in html
    assert "Sièges jeunes" in html
    assert 'data-count="expected">4<' in html


def test_tap_records_status_and_double_tap_keeps_one_row(client_as, body_secretary, meeting):
    client = client_as(body_secretary)
    inv = meeting.invitations.filter(is_youth_seat=False).first()
    for _ in range(2):
        response = client.post(status_url(meeting), {"invitation": inv.pk, "status": "present"})
        assert response.status_code == 302 and response["Location"].endswith(f"#inv-{inv.pk}")
    att = Attendance.objects.get(invitation=inv)
    assert att.status == "present" and att.recorded_by == body_secretary and att.recorded_via == "secretary"
    html = client.get(sheet_url(meeting)).content.decode()
    assert 'data-count="present">1<' in html
    assert 'value="present" class="status-btn status-btn--present" aria-pressed="true"' in html


def test_json_tap_returns_the_row_and_counts(client_as, body_secretary, meeting):
    inv = meeting.invitations.first()
    response = client_as(body_secretary).post(status_url(meeting), {"invitation": inv.pk, "status": "remote"},
                                              HTTP_ACCEPT="application/json")
    data = response.json()
    assert data["ok"] and data["row"]["status"] == "remote" and data["counts"]["present"] == 1 and data["live"]


def test_bad_input_changes_nothing(client_as, body_secretary, meeting, make_body, make_meeting):
    client = client_as(body_secretary)
    inv = meeting.invitations.first()
    other_meeting = make_meeting(make_body("Ailleurs"))
    foreign = other_meeting.invitations.first()
    r1 = client.post(status_url(meeting), {"invitation": inv.pk, "status": "dort"}, follow=True)
    assert "Statut de présence inconnu" in r1.content.decode()
    r2 = client.post(status_url(meeting), {"invitation": foreign.pk, "status": "present"},
                     HTTP_ACCEPT="application/json")
    assert r2.status_code == 404 and "pas attendue" in r2.json()["message"]
    r3 = client.post(status_url(meeting), {"invitation": "abc", "status": "present"})
    assert r3.status_code == 302
    assert not Attendance.objects.exists()


def test_walk_in_and_youth_seat_and_close(client_as, body_secretary, meeting):
    client = client_as(body_secretary)
    client.post(reverse("meetings:walk-in", args=[meeting.pk]), {"name": "Dominique Invitée"})
    client.post(reverse("meetings:walk-in", args=[meeting.pk]), {"name": "Dominique Invitée"})
    assert Attendance.objects.filter(invitation=None).count() == 1
    seat = meeting.invitations.get(is_youth_seat=True)
    client.post(reverse("meetings:youth-seat", args=[meeting.pk]), {"invitation": seat.pk, "label": "Noa K."})
    seat.refresh_from_db()
    assert seat.person_name == "Noa K."
    client.post(reverse("meetings:close", args=[meeting.pk]))
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.HELD
    html = client.get(sheet_url(meeting)).content.decode()
    assert "Émargement clos" in html and "Dominique Invitée" in html


def test_represented_by_is_recorded(client_as, body_secretary, meeting):
    # "Représenté·e par" names an organisation of the directory (tests/meetings/test_evidence_representation.py).
    from tests import builders

    ccas = builders.make_org("CCAS d'Arras", slug="ccas-arras")
    inv = meeting.invitations.first()
    client_as(body_secretary).post(status_url(meeting), {"invitation": inv.pk, "status": "represented",
                                                         "represented_by_organisation": "CCAS d'Arras"})
    assert Attendance.objects.get(invitation=inv).represented_by_organisation == ccas


def test_sheet_of_120_members_has_constant_queries(client_as, secretary, make_body, make_meeting,
                                                  django_assert_max_num_queries):
    small = make_body("Petit comité", members=3)
    big = make_body("Grand comité", members=120, youth_seats=4)
    assign_perm("meetings.manage_body", secretary, small)
    assign_perm("meetings.manage_body", secretary, big)
    small_meeting, big_meeting = make_meeting(small), make_meeting(big)
    from meetings.services import record_attendance
    for inv in big_meeting.invitations.all()[:60]:
        record_attendance(inv, "present")
    client = client_as(secretary)
    client.get(sheet_url(small_meeting))  # warm caches (session, content types)
    with django_assert_max_num_queries(14) as small_ctx:
        assert client.get(sheet_url(small_meeting)).status_code == 200
    with django_assert_max_num_queries(14) as big_ctx:
        response = client.get(sheet_url(big_meeting))
    assert response.status_code == 200 and response.content.decode().count('class="sheet-row"') == 124
    assert len(big_ctx.captured_queries) == len(small_ctx.captured_queries)
    print(f"sheet of 124 rows: {len(response.content)} bytes, {len(big_ctx.captured_queries)} queries")


# --- Convocations and replies ---------------------------------------------------------------------

def test_convening_sends_emails_with_ics_and_freezes(client_as, body_secretary, body, make_meeting):
    meeting = make_meeting(body, convene=False, days=7)
    response = client_as(body_secretary).post(reverse("meetings:convene", args=[meeting.pk]), follow=True)
    assert "3 convocation(s) envoyée(s)" in response.content.decode()
    assert len(mail.outbox) == 3
    message = mail.outbox[0]
    assert message.subject.startswith("Convocation :")
    name, content, mimetype = message.attachments[0]
    content = content if isinstance(content, str) else content.decode()
    assert name == "invitation.ics" and "method=REQUEST" in mimetype and "BEGIN:VEVENT" in content
    assert "MDS de l'Artois" in message.body
    assert meeting.invitations.count() == 4


def test_reply_link_confirms_on_post_only(client, meeting):
    inv = meeting.invitations.first()
    url = reverse("meetings:reply", args=[convocations.reply_token(inv), "non"])
    assert client.get(url).status_code == 200
    inv.refresh_from_db()
    assert inv.reply == ""
    client.post(url)
    inv.refresh_from_db()
    assert inv.reply == Invitation.Reply.NO
    assert not Attendance.objects.exists()
    assert client.get(reverse("meetings:reply", args=["forged:token", "oui"])).status_code == 404


# --- Self check-in --------------------------------------------------------------------------------

def test_checkin_with_valid_token_marks_present(client, meeting):
    inv = meeting.invitations.filter(is_youth_seat=False).first()
    url = reverse("meetings:checkin", args=[checkin.make_token(meeting)])
    page = client.get(url)
    assert page.status_code == 200 and inv.person_name in page.content.decode()
    response = client.post(url, {"invitation": inv.pk})
    assert "présence est enregistrée" in response.content.decode()
    att = Attendance.objects.get(invitation=inv)
    assert att.status == "present" and att.recorded_via == "self_checkin"
    again = client.post(url, {"invitation": inv.pk})
    assert "déjà enregistré" in again.content.decode()
    assert Attendance.objects.filter(invitation=inv).count() == 1


def test_checkin_youth_fills_a_seat_with_a_short_label(client, meeting):
    url = reverse("meetings:checkin", args=[checkin.make_token(meeting)])
    client.post(url, {"youth_label": "Lina B."})
    seat = meeting.invitations.get(is_youth_seat=True)
    # The claim waits for the secretary's confirmation (tests/meetings/test_entry_checkin.py).
    assert seat.person_name == "Lina B." and seat.self_claimed_at is not None


def test_checkin_refuses_forged_expired_and_closed(client, meeting, monkeypatch):
    forged = reverse("meetings:checkin", args=[checkin.make_token(meeting) + "x"])
    response = client.get(forged)
    assert response.status_code == 403 and "pas valide" in response.content.decode()
    other_salt = signing.TimestampSigner(salt="autre").sign(str(meeting.pk))
    assert client.get(reverse("meetings:checkin", args=[other_salt])).status_code == 403
    token = checkin.make_token(meeting)
    monkeypatch.setattr(checkin, "TOKEN_MAX_AGE", -1)
    inv = meeting.invitations.first()
    expired = client.post(reverse("meetings:checkin", args=[token]), {"invitation": inv.pk})
    assert expired.status_code == 403 and "expiré" in expired.content.decode()
    monkeypatch.setattr(checkin, "TOKEN_MAX_AGE", 180)
    from meetings.services import close_sheet
    close_sheet(meeting)
    replay = client.post(reverse("meetings:checkin", args=[token]), {"invitation": inv.pk})
    assert replay.status_code == 403 and "clos" in replay.content.decode()
    assert Attendance.objects.get(invitation=inv).status == "absent"


def test_qr_page_shows_inline_svg_for_secretary_only(client_as, body_secretary, professional, meeting):
    page = client_as(body_secretary).get(reverse("meetings:qr", args=[meeting.pk]))
    assert page.status_code == 200 and "<svg" in page.content.decode()
    assert client_as(professional).get(reverse("meetings:qr", args=[meeting.pk])).status_code == 403


def test_training_sheet_counts_people_trained_by_the_same_rule_as_the_indicators(client_as, secretary, make_body):
    """Only someone who signed every half-day counts as trained, on the sheet as in the indicators."""
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    from meetings import services
    from meetings.models import Body

    body = make_body("Formation référent de parcours", kind=Body.Kind.FORMATION, youth_seats=0)
    assign_perm("meetings.manage_body", secretary, body)
    start = datetime(2026, 12, 3, 9, 0, tzinfo=ZoneInfo("Europe/Paris"))
    meeting = Meeting.objects.create(body=body, starts_at=start, ends_at=start + timedelta(hours=8))
    services.freeze_invitations(meeting)
    morning, afternoon = services.ensure_half_days(meeting)
    first, second = meeting.invitations.order_by("position")[:2]
    client = client_as(secretary)

    def trained_on_sheet():
        page = client.get(sheet_url(meeting)).content.decode()
        return int(page.split('id="trained-count">', 1)[1].split("<", 1)[0])

    assert trained_on_sheet() == 0
    for invitation in (first, second):
        client.post(reverse("meetings:sign", args=[meeting.pk]), {"half_day": morning.pk, "invitation": invitation.pk})
    assert trained_on_sheet() == 0
    client.post(reverse("meetings:sign", args=[meeting.pk]), {"half_day": afternoon.pk, "invitation": first.pk})
    assert trained_on_sheet() == 1
