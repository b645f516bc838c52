"""The live sheet over the production channel layer (channels-redis on REDIS_URL)."""

import os

import pytest
from asgiref.sync import sync_to_async
from channels.layers import channel_layers
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.urls import reverse

from meetings.routing import websocket_urlpatterns

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def redis_layer(redis_channel_layer):
    return redis_channel_layer(13)


async def test_changes_cross_redis_to_every_open_sheet(redis_layer, meeting, body_secretary, client, as_user):
    from channels_redis.core import RedisChannelLayer

    assert isinstance(redis_layer, RedisChannelLayer)
    app = as_user(URLRouter(websocket_urlpatterns), body_secretary)
    sheets = [WebsocketCommunicator(app, f"/ws/instances/seances/{meeting.pk}/") for _ in range(3)]
    for ws in sheets:
        assert (await ws.connect())[0]
        assert (await ws.receive_json_from())["type"] == "state"
    invitation = await sync_to_async(lambda: meeting.invitations.first())()
    await sheets[0].send_json_to({"action": "set_status", "invitation": invitation.pk, "status": "present"})
    for ws in sheets:
        assert (await ws.receive_json_from(timeout=10))["row"]["status"] == "present"

    def http_tap():
        client.force_login(body_secretary, backend="django.contrib.auth.backends.ModelBackend")
        return client.post(reverse("meetings:set-status", args=[meeting.pk]),
                           {"invitation": invitation.pk, "status": "remote"}, HTTP_ACCEPT="application/json").json()

    data = await sync_to_async(http_tap)()
    assert data["ok"] and data["live"] is True
    for ws in sheets:
        assert (await ws.receive_json_from(timeout=10))["row"]["status"] == "remote"
        await ws.disconnect()


def test_redis_down_saves_over_http_and_says_paused(settings, meeting, body_secretary, client_as):
    if not os.environ.get("REDIS_URL"):
        pytest.skip("REDIS_URL is not set")
    # A Redis that does not answer: nothing listens on port 1.
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels_redis.core.RedisChannelLayer",
                                           "CONFIG": {"hosts": ["redis://127.0.0.1:1/0"]}}}
    channel_layers.backends.clear()
    try:
        invitation = meeting.invitations.first()
        response = client_as(body_secretary).post(reverse("meetings:set-status", args=[meeting.pk]),
                                                  {"invitation": invitation.pk, "status": "present"}, follow=True)
        assert response.status_code == 200
        assert "mises à jour en direct sont en pause" in response.content.decode()
        assert invitation.__class__.objects.get(pk=invitation.pk).attendance.status == "present"
    finally:
        channel_layers.backends.clear()
