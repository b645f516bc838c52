"""Bad input at the meetings' entry points gets a French answer, never a server error nor a runaway request:
dates outside 2000–2100, RRULEs (validated when saved, sub-daily refused, one generation capped), deleting an
organisation that was convened, oversized minutes, malformed websocket frames."""

from datetime import timedelta
from urllib.parse import urlencode

import pytest
from asgiref.sync import sync_to_async
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from directory.models import Organisation
from meetings.forms import MAX_GENERATED_SESSIONS, MINUTES_MAX_CHARS
from meetings.models import Body, Meeting, MinutesVersion
from tests.site.test_hostile_input import _form_data

RANGE_ERROR = "Indiquez une date entre 2000 et 2100."
FORM = "application/x-www-form-urlencoded"  # what the browser sends for the minutes form (no file field)


# --- Dates ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("when", ["0001-01-01T14:00", "1999-12-31T14:00", "2101-01-01T14:00"])
def test_session_form_refuses_dates_outside_2000_2100(client_as, body_secretary, body, when):
    response = client_as(body_secretary).post(reverse("meetings:meeting-new", args=[body.slug]), {
        "title": "", "starts_at": when, "ends_at": when, "place": "", "video_link": "", "trainer_name": ""})
    assert response.status_code == 200
    assert RANGE_ERROR in response.content.decode()
    assert not Meeting.objects.filter(body=body).exists()


def test_admin_session_form_refuses_year_one(client_as, superuser, meeting):
    client = client_as(superuser)
    url = reverse("wagtailsnippets_meetings_meeting:edit", args=[meeting.pk])
    data = _form_data(client.get(url).content.decode())
    data.update({"starts_at": ["0001-01-01 14:00"], "ends_at": ["0001-01-01 16:00"]})
    response = client.post(url, data)
    assert response.status_code == 200
    assert RANGE_ERROR in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.starts_at.year == timezone.now().year


# --- Recurrence -------------------------------------------------------------------------------------

def _post_body_admin(client, body, **changes):
    url = reverse("wagtailsnippets_meetings_body:edit", args=[body.pk])
    data = _form_data(client.get(url).content.decode())
    data.update({key: [value] for key, value in changes.items()})
    return client.post(url, data)


@pytest.mark.parametrize(("rule", "message"), [
    ("FREQ=HOURLY", "HOURLY, MINUTELY et SECONDLY ne sont pas acceptées"),
    ("FREQ=MINUTELY;INTERVAL=5", "HOURLY, MINUTELY et SECONDLY ne sont pas acceptées"),
    ("tous les mardis", "Cette règle de récurrence n&#x27;est pas valide"),
])
def test_admin_refuses_bad_or_sub_daily_rules_when_saved(client_as, superuser, body, rule, message):
    response = _post_body_admin(client_as(superuser), body, recurrence=rule, series_start="2027-01-05 14:00")
    assert response.status_code == 200 and message in response.content.decode()
    body.refresh_from_db()
    assert body.recurrence == ""


def test_admin_accepts_a_quarterly_rule(client_as, superuser, body):
    response = _post_body_admin(client_as(superuser), body, recurrence="FREQ=MONTHLY;INTERVAL=3",
                                series_start="2027-01-05 14:00")
    assert response.status_code == 302
    body.refresh_from_db()
    assert body.recurrence == "FREQ=MONTHLY;INTERVAL=3"


def test_admin_refuses_a_series_start_in_year_one(client_as, superuser, body):
    response = _post_body_admin(client_as(superuser), body, recurrence="FREQ=WEEKLY",
                                series_start="0001-01-01 14:00")
    assert response.status_code == 200 and RANGE_ERROR in response.content.decode()


def test_a_stored_hourly_rule_creates_nothing(client_as, body_secretary, body):
    """A rule saved before validation existed (FREQ=HOURLY made 9,607 sessions in 298 s) is refused at once."""
    Body.objects.filter(pk=body.pk).update(recurrence="FREQ=HOURLY", series_start=timezone.now())
    response = client_as(body_secretary).post(reverse("meetings:generate", args=[body.slug]), follow=True)
    assert "HOURLY, MINUTELY et SECONDLY ne sont pas acceptées" in response.content.decode()
    assert not Meeting.objects.filter(body=body).exists()


def test_one_generation_is_capped_and_says_so(client_as, body_secretary, body):
    Body.objects.filter(pk=body.pk).update(recurrence="FREQ=DAILY", series_start=timezone.now() - timedelta(days=30))
    client = client_as(body_secretary)
    response = client.post(reverse("meetings:generate", args=[body.slug]), follow=True)
    html = response.content.decode()
    assert Meeting.objects.filter(body=body).count() == MAX_GENERATED_SESSIONS
    assert f"une génération en crée {MAX_GENERATED_SESSIONS} au plus" in html
    client.post(reverse("meetings:generate", args=[body.slug]))  # the next click goes on from there
    total = Meeting.objects.filter(body=body).count()
    assert MAX_GENERATED_SESSIONS < total <= 2 * MAX_GENERATED_SESSIONS
    assert Meeting.objects.filter(body=body).values("occurrence").distinct().count() == total


# --- Deleting a convened organisation --------------------------------------------------------------

def test_deleting_a_convened_organisation_is_refused_with_archiving_offered(client_as, superuser, meeting):
    organisation = meeting.invitations.exclude(organisation=None).first().organisation
    client = client_as(superuser)
    url = reverse("wagtailsnippets_directory_organisation:delete", args=[organisation.pk])
    page = client.get(url, follow=True)
    html = page.content.decode()
    assert "Oui, supprimer" not in html
    assert "ne peut pas être supprimée" in html and "Archivez-la plutôt" in html
    response = client.post(url, follow=True)
    assert response.status_code == 200 and "Archivez-la plutôt" in response.content.decode()
    assert Organisation.objects.filter(pk=organisation.pk).exists()


def test_an_organisation_never_convened_can_still_be_deleted(client_as, superuser, db):
    organisation = Organisation.objects.create(name="Association sans séance", slug="sans-seance")
    client = client_as(superuser)
    url = reverse("wagtailsnippets_directory_organisation:delete", args=[organisation.pk])
    assert "Oui, supprimer" in client.get(url).content.decode()
    client.post(url)
    assert not Organisation.objects.filter(pk=organisation.pk).exists()


# --- Minutes ------------------------------------------------------------------------------------------

def test_minutes_state_their_limit(client_as, body_secretary, meeting):
    html = client_as(body_secretary).get(reverse("meetings:minutes", args=[meeting.pk])).content.decode()
    assert "200 000 caractères au plus" in html


def test_oversized_minutes_get_a_french_error_and_keep_the_text(client_as, body_secretary, meeting):
    """2.6 MB is above Django's request limit (a bare English "Bad Request (400)" before): French, text kept."""
    text = "Compte rendu très détaillé. " * 95_000
    assert len(text.encode()) > 2_621_440
    response = client_as(body_secretary).post(reverse("meetings:minutes", args=[meeting.pk]),
                                              urlencode({"text": text}), content_type=FORM)
    html = response.content.decode()
    assert response.status_code == 200
    assert f"{MINUTES_MAX_CHARS:,}".replace(",", " ") in html  # "200 000", the stated limit
    assert "dépasse la limite" in html and "votre texte est conservé" in html
    assert html.count("Compte rendu très détaillé.") >= 95_000
    assert not MinutesVersion.objects.exists()


def test_minutes_within_the_limit_are_saved(client_as, body_secretary, meeting):
    text = "Point un.\n\nPoint deux, sans accroc."
    response = client_as(body_secretary).post(reverse("meetings:minutes", args=[meeting.pk]), {"text": text})
    assert response.status_code == 302
    assert MinutesVersion.objects.get().text == "<p>Point un.</p><p>Point deux, sans accroc.</p>"


def test_oversized_minutes_still_need_the_csrf_token(body_secretary, meeting):
    client = Client(enforce_csrf_checks=True)
    client.force_login(body_secretary, backend="django.contrib.auth.backends.ModelBackend")
    response = client.post(reverse("meetings:minutes", args=[meeting.pk]), urlencode({"text": "x" * 3_000_000}),
                           content_type=FORM)
    assert response.status_code == 403
    response = client.post(reverse("meetings:minutes", args=[meeting.pk]), {"text": "court"})
    assert response.status_code == 403
    assert not MinutesVersion.objects.exists()


# --- Websocket frames -------------------------------------------------------------------------------

@pytest.mark.django_db(transaction=True)
async def test_malformed_frames_get_an_error_and_the_socket_stays_open(meeting, body_secretary, settings):
    from channels.layers import channel_layers

    from tests.meetings.test_consumer import communicator

    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    channel_layers.backends.clear()
    ws = communicator(meeting, body_secretary)
    assert (await ws.connect())[0]
    assert (await ws.receive_json_from())["type"] == "state"
    for frame in ("pas du json", "{\"action\": ", "[1, 2]", "42"):
        await ws.send_to(text_data=frame)
        answer = await ws.receive_json_from()
        assert answer == {"type": "error", "message": "Message illisible : rechargez la page."}
    await ws.send_to(bytes_data=b"\xff\xfe")
    assert (await ws.receive_json_from())["type"] == "error"
    await ws.send_json_to({"action": "state"})  # still open and answering
    assert (await ws.receive_json_from())["type"] == "state"
    await ws.disconnect()
    assert await sync_to_async(meeting.attendances.count)() == 0
    channel_layers.backends.clear()
