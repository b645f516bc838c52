"""Self check-in for large rooms, as phones see it: personal codes, the room QR's window, one person per phone,
youth seats waiting for the secretary, and limits sized for 400 people behind one address."""

import email
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from meetings import checkin, convocations
from meetings.models import Attendance, Invitation, Meeting
from meetings.views import checkin as checkin_views

PHONE_USED = "Ce téléphone a déjà servi à pointer une autre personne pour cette séance"


@pytest.fixture
def behind_proxy(settings, private_cache):
    """Relais behind one trusted load balancer: phones are told apart by X-Forwarded-For only."""
    settings.RELAIS_PROXY_COUNT = 1

    def headers(address: str) -> dict:
        return {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": address}

    return headers


def _people(meeting):
    return list(meeting.invitations.filter(is_youth_seat=False).order_by("pk"))


def _room(meeting):
    return reverse("meetings:checkin", args=[checkin.make_token(meeting)])


def _code_url(invitation):
    return reverse("meetings:checkin-code", args=[invitation.checkin_code])


# --- Personal codes ---------------------------------------------------------------------------------

def test_each_invitation_has_its_own_code(meeting):
    codes = [inv.checkin_code for inv in meeting.invitations.all()]
    assert all(len(code) == 8 for code in codes) and len(set(codes)) == len(codes)


def test_personal_link_records_that_person_only(client, private_cache, meeting):
    first, second, *_rest = _people(meeting)
    page = client.get(_code_url(first))
    assert page.status_code == 200 and first.person_name in page.content.decode()
    assert second.person_name not in page.content.decode()
    response = client.post(_code_url(first), {"invitation": second.pk, "name": "Quelqu'un d'autre"})
    assert "présence est enregistrée" in response.content.decode()
    attendance = Attendance.objects.get()
    assert attendance.invitation_id == first.pk and attendance.recorded_via == "self_checkin"


def test_typed_code_on_the_room_page(client, private_cache, meeting):
    person = _people(meeting)[1]
    typed = f" {person.checkin_code[:4].lower()} - {person.checkin_code[4:].lower()} "
    response = client.post(_room(meeting), {"code": typed})
    assert response.status_code == 200 and "présence est enregistrée" in response.content.decode()
    assert Attendance.objects.get().invitation_id == person.pk


def test_a_wrong_or_foreign_code_records_nobody(client, private_cache, body, make_meeting, meeting):
    other = make_meeting(body, days=0)
    foreign = _people(other)[0]
    for code in ("ZZZZ-ZZZZ", foreign.checkin_code, "<script>"):
        response = client.post(_room(meeting), {"code": code})
        assert response.status_code == 400
        assert "ne correspond à aucune personne convoquée à cette séance" in response.content.decode()
    assert not Attendance.objects.exists()
    assert client.get(reverse("meetings:checkin-code", args=["ZZZZZZZZ"])).status_code == 404


def test_wrong_codes_are_limited_per_address(client, private_cache, meeting, monkeypatch):
    monkeypatch.setattr(checkin_views, "CODE_MISSES_PER_WINDOW", 3)
    answers = [client.get(reverse("meetings:checkin-code", args=[f"ZZZZZZZ{c}"])).content.decode()
               for c in "ABCD"]
    assert "Trop de codes erronés" in answers[-1] and "Trop de codes" not in answers[0]


def test_the_convocation_carries_the_code_as_text_and_qr(client_as, body_secretary, body, make_meeting):
    meeting = make_meeting(body, days=3, convene=False)
    client_as(body_secretary).post(reverse("meetings:convene", args=[meeting.pk]))
    message = mail.outbox[0]
    invitation = Invitation.objects.get(meeting=meeting, email=message.to[0])
    shown = checkin.display_code(invitation.checkin_code)
    link = reverse("meetings:checkin-code", args=[invitation.checkin_code])
    assert shown in message.body and link in message.body
    html = message.alternatives[0][0]
    assert shown in html and 'src="cid:pointage-personnel@relais"' in html
    parsed = email.message_from_bytes(message.message().as_bytes())
    images = [p for p in parsed.walk() if p.get_content_type() == "image/png"]
    assert len(images) == 1 and images[0]["Content-ID"] == "<pointage-personnel@relais>"
    assert images[0].get_payload(decode=True).startswith(b"\x89PNG")
    cancel = convocations._message(meeting, invitation, "cancel", b"", [])
    assert shown not in cancel.body  # a cancellation carries no code


# --- The window and the session -----------------------------------------------------------------

def test_next_weeks_token_and_code_check_in_nobody_today(client, private_cache, body, make_meeting):
    later = make_meeting(body, days=7)
    person = _people(later)[0]
    for url in (_room(later), _code_url(person)):
        response = client.post(url, {"invitation": person.pk})
        assert response.status_code == 403 and "ouvrira le" in response.content.decode()
    assert not Attendance.objects.exists()


def test_window_opens_one_hour_before_and_closes_at_the_end(client, private_cache, body, make_meeting):
    soon = make_meeting(body, convene=True)
    Meeting.objects.filter(pk=soon.pk).update(starts_at=timezone.now() + timedelta(minutes=50),
                                              ends_at=timezone.now() + timedelta(hours=3))
    assert client.get(_room(soon)).status_code == 200
    Meeting.objects.filter(pk=soon.pk).update(starts_at=timezone.now() + timedelta(minutes=70))
    assert client.get(_room(soon)).status_code == 403
    Meeting.objects.filter(pk=soon.pk).update(starts_at=timezone.now() - timedelta(hours=3),
                                              ends_at=timezone.now() - timedelta(minutes=1))
    over = client.get(_code_url(_people(soon)[0]))
    assert over.status_code == 403 and "terminée" in over.content.decode()


def test_a_room_token_checks_in_only_its_own_session(client, private_cache, body, make_meeting, meeting):
    other = make_meeting(body, days=0)
    stranger = _people(other)[0]
    response = client.post(_room(meeting), {"invitation": stranger.pk})
    assert response.status_code == 400 and "pas sur la liste de cette séance" in response.content.decode()
    assert not Attendance.objects.exists()


# --- One phone, one person ---------------------------------------------------------------------------

def test_one_phone_checks_in_one_person(client, private_cache, meeting):
    first, second, *_rest = _people(meeting)
    assert client.post(_room(meeting), {"invitation": first.pk}).status_code == 200
    refused = client.post(_room(meeting), {"invitation": second.pk})
    assert refused.status_code == 400 and PHONE_USED in refused.content.decode()
    free_name = client.post(_room(meeting), {"name": "Nom Inventé"})
    assert PHONE_USED in free_name.content.decode()
    code = client.post(_code_url(second))
    html = code.content.decode()
    assert PHONE_USED in html, html[html.find("<main"):][:2000]
    assert list(Attendance.objects.values_list("invitation_id", flat=True)) == [first.pk]
    again = client.post(_room(meeting), {"invitation": first.pk})  # the same person again: fine
    assert again.status_code == 200 and "déjà enregistré" in again.content.decode()
    assert Client().post(_room(meeting), {"invitation": second.pk}).status_code == 200  # another phone


def test_the_secretary_may_allow_more_people_per_phone(client, client_as, body_secretary, private_cache, meeting):
    local = timezone.localtime(meeting.starts_at)
    client_as(body_secretary).post(reverse("meetings:meeting-edit", args=[meeting.pk]), {
        "title": "", "starts_at": local.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": timezone.localtime(meeting.ends_at).strftime("%Y-%m-%dT%H:%M"), "place": "Salle 2",
        "video_link": "", "trainer_name": "", "checkin_people_per_phone": "2"})
    meeting.refresh_from_db()
    assert meeting.checkin_people_per_phone == 2
    phone = Client()
    first, second, third = _people(meeting)
    assert phone.post(_room(meeting), {"invitation": first.pk}).status_code == 200
    assert phone.post(_room(meeting), {"invitation": second.pk}).status_code == 200
    assert PHONE_USED in phone.post(_room(meeting), {"invitation": third.pk}).content.decode()
    assert Attendance.objects.count() == 2


def test_a_forged_phone_cookie_counts_as_none(client, private_cache, meeting):
    first = _people(meeting)[0]
    client.cookies[checkin.PHONE_COOKIE.format(pk=meeting.pk)] = "forged"
    assert client.post(_room(meeting), {"invitation": first.pk}).status_code == 200


# --- Youth seats --------------------------------------------------------------------------------------

def test_a_youth_seat_claimed_from_a_phone_waits_for_the_secretary(client, client_as, body_secretary,
                                                                    private_cache, meeting):
    response = client.post(_room(meeting), {"youth_label": "Lina B."})
    assert "Le secrétariat va confirmer ta présence" in response.content.decode()
    seat = meeting.invitations.get(is_youth_seat=True)
    assert seat.person_name == "Lina B." and seat.self_claimed_at is not None
    assert not Attendance.objects.exists()
    secretary = client_as(body_secretary)
    sheet = secretary.get(reverse("meetings:sheet", args=[meeting.pk])).content.decode()
    assert "à confirmer" in sheet
    secretary.post(reverse("meetings:set-status", args=[meeting.pk]), {"invitation": seat.pk, "status": "present"})
    assert Attendance.objects.get(invitation=seat).status == "present"
    assert "à confirmer" not in secretary.get(reverse("meetings:sheet", args=[meeting.pk])).content.decode()


def test_no_free_youth_seat_left(client, private_cache, meeting):
    Client().post(_room(meeting), {"youth_label": "Lina B."})
    refused = client.post(_room(meeting), {"youth_label": "Sam K."})
    assert "Tous les sièges jeunes sont déjà pris" in refused.content.decode()


# --- Limits on the real client address -------------------------------------------------------------

def test_limits_key_on_the_real_address_behind_the_load_balancer(behind_proxy, meeting, monkeypatch):
    """A script behind the load balancer is stopped at twice the expected list; other phones still pass."""
    monkeypatch.setattr(checkin_views, "CHECKIN_MIN_PER_WINDOW", 3)
    expected = meeting.invitations.count()
    script = [Client().post(_room(meeting), {"name": f"Nom {n}"}, **behind_proxy("198.51.100.9"))
              for n in range(2 * expected + 3)]
    passed = ["présence est enregistrée" in r.content.decode() for r in script]
    assert passed == [True] * (2 * expected) + [False] * 3
    assert "Trop de pointages depuis cette connexion" in script[-1].content.decode()
    # Another phone behind the same load balancer is not held back by the script.
    first = _people(meeting)[0]
    other = Client().post(_room(meeting), {"invitation": first.pk}, **behind_proxy("203.0.113.20"))
    assert other.status_code == 200 and "présence est enregistrée" in other.content.decode()


@pytest.mark.once_postgresql
def test_400_people_behind_one_address_all_check_in_within_5_minutes(behind_proxy, make_body, make_meeting):
    """A training of 400 whose phones share the venue's address: every check-in passes the limits."""
    body = make_body("Formation départementale", members=0, youth_seats=0)
    meeting = make_meeting(body, convene=True)
    Invitation.objects.bulk_create([
        Invitation(meeting=meeting, person_key=f"name:stagiaire-{n}", person_name=f"Stagiaire {n:03d}",
                   email=f"stagiaire{n}@exemple.invalid", position=n) for n in range(400)])
    people = list(meeting.invitations.order_by("pk"))
    token_url = _room(meeting)
    started = timezone.now()
    refused = []
    for n, person in enumerate(people):
        phone = Client()
        url, data = (_code_url(person), {}) if n % 2 else (token_url, {"invitation": person.pk})
        response = phone.post(url, data, **behind_proxy("192.0.2.77"))
        if "présence est enregistrée" not in response.content.decode():
            refused.append((n, response.status_code))
    elapsed = (timezone.now() - started).total_seconds()
    print(f"\n400 check-ins from one address: {elapsed:.1f} s, refused: {len(refused)}")
    assert not refused, refused[:5]
    assert elapsed < 300  # all inside one rate-limit window: the worst case for the limiter
    assert Attendance.objects.filter(meeting=meeting, status="present").count() == 400
