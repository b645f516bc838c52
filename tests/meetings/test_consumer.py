"""The live sheet over websockets (channels' WebsocketCommunicator on the configured channel layer)."""

import pytest
from asgiref.sync import sync_to_async
from channels.auth import AuthMiddlewareStack
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.urls import reverse
from guardian.shortcuts import assign_perm, remove_perm

from meetings import live
from meetings.models import Attendance
from meetings.routing import websocket_urlpatterns

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _in_memory_layer(settings):
    """The consumer's logic on the in-memory layer; tests/meetings/test_live_redis.py covers Redis."""
    from channels.layers import channel_layers

    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


class AsUser:
    """Puts ``user`` in the scope, as AuthMiddlewareStack does from the session cookie."""

    def __init__(self, app, user):
        self.app, self.user = app, user

    async def __call__(self, scope, receive, send):
        return await self.app({**scope, "user": self.user}, receive, send)


def communicator(meeting, user=None):
    app = URLRouter(websocket_urlpatterns)
    app = AuthMiddlewareStack(app) if user is None else AsUser(app, user)
    return WebsocketCommunicator(app, f"/ws/instances/seances/{meeting.pk}/")


async def refused_with(ws) -> tuple[dict, int]:
    """A refused socket is accepted, told why, then closed with an application code (never 1006)."""
    connected, _subprotocol = await ws.connect()
    assert connected
    message = await ws.receive_json_from()
    close = await ws.receive_output(timeout=1)
    assert close["type"] == "websocket.close"
    return message, close["code"]


async def test_anonymous_is_refused(meeting):
    message, code = await refused_with(communicator(meeting))
    assert code == 4403 and message["type"] == "refused" and "accès" in message["message"]


async def test_user_without_permission_is_refused(meeting, professional, secretary):
    for user in (professional, secretary):  # a secretary of no body, a professional
        message, code = await refused_with(communicator(meeting, user))
        assert code == 4403 and message["type"] == "refused"


async def test_unknown_session_is_refused(meeting, body_secretary):
    meeting.pk = 999_999
    message, code = await refused_with(communicator(meeting, body_secretary))
    assert code == 4404 and "n'existe pas" in message["message"]


async def test_change_from_one_sheet_reaches_the_other(meeting, body_secretary):
    first, second = communicator(meeting, body_secretary), communicator(meeting, body_secretary)
    assert (await first.connect())[0] and (await second.connect())[0]
    state = await first.receive_json_from()
    assert state["type"] == "state" and len(state["rows"]) == 4 and state["counts"]["present"] == 0
    await second.receive_json_from()
    invitation = await sync_to_async(lambda: meeting.invitations.filter(is_youth_seat=False).first())()
    await first.send_json_to({"action": "set_status", "invitation": invitation.pk, "status": "present"})
    for ws in (first, second):
        message = await ws.receive_json_from(timeout=2)
        assert message["type"] == "change" and message["row"]["status"] == "present"
        assert message["row"]["invitation"] == invitation.pk and message["counts"]["present"] == 1
    saved = await sync_to_async(lambda: Attendance.objects.get(invitation=invitation))()
    assert saved.status == "present" and saved.recorded_by_id == body_secretary.pk
    await first.disconnect()
    await second.disconnect()


async def test_http_tap_is_broadcast_to_open_sheets(meeting, body_secretary, client):
    ws = communicator(meeting, body_secretary)
    assert (await ws.connect())[0]
    await ws.receive_json_from()
    invitation = await sync_to_async(lambda: meeting.invitations.first())()

    def tap():
        client.force_login(body_secretary, backend="django.contrib.auth.backends.ModelBackend")
        return client.post(reverse("meetings:set-status", args=[meeting.pk]),
                           {"invitation": invitation.pk, "status": "excused"})

    response = await sync_to_async(tap)()
    assert response.status_code == 302
    message = await ws.receive_json_from(timeout=2)
    assert message["row"]["status"] == "excused" and message["counts"]["recorded"] == 1
    await ws.disconnect()


async def test_bad_messages_change_nothing(meeting, body_secretary, make_body, make_meeting):
    other = await sync_to_async(lambda: make_meeting(make_body("Autre")).invitations.first())()
    ws = communicator(meeting, body_secretary)
    assert (await ws.connect())[0]
    await ws.receive_json_from()
    await ws.send_json_to({"action": "set_status", "invitation": other.pk, "status": "present"})
    assert "pas attendue" in (await ws.receive_json_from())["message"]
    await ws.send_json_to({"action": "set_status", "invitation": "x", "status": "present"})
    assert (await ws.receive_json_from())["type"] == "error"
    own = await sync_to_async(lambda: meeting.invitations.first())()
    await ws.send_json_to({"action": "set_status", "invitation": own.pk, "status": "sleeping"})
    assert "inconnu" in (await ws.receive_json_from())["message"]
    await ws.send_json_to({"action": "drop_tables"})
    assert (await ws.receive_json_from())["type"] == "error"
    assert not await sync_to_async(Attendance.objects.exists)()
    await ws.disconnect()


async def test_permission_withdrawn_closes_on_next_message(meeting, body_secretary):
    ws = communicator(meeting, body_secretary)
    assert (await ws.connect())[0]
    await ws.receive_json_from()
    await sync_to_async(lambda: remove_perm("meetings.manage_body", body_secretary, meeting.body))()
    invitation = await sync_to_async(lambda: meeting.invitations.first())()
    await ws.send_json_to({"action": "set_status", "invitation": invitation.pk, "status": "present"})
    assert (await ws.receive_json_from())["type"] == "error"
    assert (await ws.receive_output(timeout=1))["type"] == "websocket.close"
    assert not await sync_to_async(Attendance.objects.exists)()
    await sync_to_async(lambda: assign_perm("meetings.manage_body", body_secretary, meeting.body))()


def test_layer_down_still_saves_over_http_and_says_paused(meeting, body_secretary, client_as, monkeypatch):
    class DownLayer:
        async def group_send(self, group, message):
            raise ConnectionError("Redis injoignable")

    monkeypatch.setattr(live, "get_channel_layer", lambda: DownLayer())
    client = client_as(body_secretary)
    invitation = meeting.invitations.first()
    response = client.post(reverse("meetings:set-status", args=[meeting.pk]),
                           {"invitation": invitation.pk, "status": "present"}, follow=True)
    assert Attendance.objects.get(invitation=invitation).status == "present"
    assert "mises à jour en direct sont en pause" in response.content.decode()
    data = client.post(reverse("meetings:set-status", args=[meeting.pk]),
                       {"invitation": invitation.pk, "status": "remote"}, HTTP_ACCEPT="application/json").json()
    assert data["ok"] and data["live"] is False
