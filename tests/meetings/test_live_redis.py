"""The live sheet over the production channel layer (channels-redis on REDIS_URL)."""

import os
import uuid
from urllib.parse import urlsplit, urlunsplit

import pytest
from asgiref.sync import sync_to_async
from channels.layers import channel_layers
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.urls import reverse

from meetings.routing import websocket_urlpatterns

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def redis_layer(settings):
    url = os.environ.get("REDIS_URL")
    if not url:
        pytest.skip("REDIS_URL is not set (service tests run in the second pass of make test)")
    prefix = f"test-meetings-{uuid.uuid4().hex[:8]}"
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels_redis.core.RedisChannelLayer",
                                           "CONFIG": {"hosts": [_private_db(url)], "prefix": prefix}}}
    channel_layers.backends.clear()
    yield channel_layers["default"]
    channel_layers.backends.clear()


def _private_db(url: str, db: int = 13) -> str:
    """The same Redis server on a database of our own: other suites' ``cache.clear()`` (FLUSHDB on the cache's
    database) would otherwise wipe this layer's groups in the middle of a run."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{db}"))


class AsUser:
    def __init__(self, app, user):
        self.app, self.user = app, user

    async def __call__(self, scope, receive, send):
        return await self.app({**scope, "user": self.user}, receive, send)


async def test_changes_cross_redis_to_every_open_sheet(redis_layer, meeting, body_secretary, client):
    from channels_redis.core import RedisChannelLayer

    assert isinstance(redis_layer, RedisChannelLayer)
    app = AsUser(URLRouter(websocket_urlpatterns), body_secretary)
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
