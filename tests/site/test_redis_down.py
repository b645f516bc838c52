"""A stopped Redis slows nothing a reader needs: pages, search and self check-in answer, /healthz says what is
degraded. A private redis-server is started and stopped mid-test (never the shared one)."""

import shutil
import socket
import subprocess
import time

import pytest
from django.urls import reverse

from tests.guide.conftest import _guide_tree_once, guide_tree, make_org, partners, territories  # noqa: F401
from tests.meetings.conftest import body as body  # noqa: F401
from tests.meetings.conftest import make_body, make_meeting, meeting  # noqa: F401

pytestmark = [pytest.mark.services, pytest.mark.django_db]


@pytest.fixture
def territory(territories):  # noqa: F811 - the meetings builders take the guide's territory world
    return territories["62-ARR"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def private_redis(tmp_path):
    server = shutil.which("redis-server")
    assert server, "redis-server is needed by the services pass"
    port = _free_port()
    proc = subprocess.Popen([server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                             "--dir", str(tmp_path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            break
        except OSError:
            time.sleep(0.05)
    yield {"url": f"redis://127.0.0.1:{port}", "proc": proc}
    proc.terminate()
    proc.wait(5)


@pytest.fixture
def on_private_redis(private_redis, settings):
    from channels.layers import channel_layers

    settings.CACHES = {"default": {"BACKEND": "relais.cache.ResilientRedisCache",
                                   "LOCATION": f"{private_redis['url']}/1"}}
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels_redis.core.RedisChannelLayer",
                                           "CONFIG": {"hosts": [f"{private_redis['url']}/0"]}}}
    channel_layers.backends.clear()
    yield private_redis
    channel_layers.backends.clear()


def test_pages_search_and_checkin_answer_with_redis_stopped(client, on_private_redis, guide_tree, partners,  # noqa: F811
                                                            meeting):  # noqa: F811
    from meetings import checkin
    from meetings.models import Attendance

    article = guide_tree["article"].url
    reader_paths = ["/", "/guide/", article, "/guide/imprimer/", "/plan-du-site/", "/annuaire/",
                    "/annuaire/?territoire=Arras&thematique=logement-hebergement", "/recherche/?q=logement",
                    "/api/recherche?q=logement"]
    for path in reader_paths:  # with Redis: warm the caches
        assert client.get(path).status_code == 200, path
    assert client.get("/healthz").json()["cache"] == "ok"

    on_private_redis["proc"].terminate()
    on_private_redis["proc"].wait(5)

    for path in reader_paths:
        response = client.get(path)
        assert response.status_code == 200, path
    health = client.get("/healthz")
    assert health.status_code == 200
    body = health.json()
    assert body["database"] == "ok"
    assert body["cache"] == "degraded"
    assert body["channel_layer"] == "down"
    assert body["status"] == "degraded"

    url = reverse("meetings:checkin", args=[checkin.make_token(meeting)])
    response = client.post(url, {"name": "Camille Exemple"})
    assert response.status_code in (200, 302)
    assert Attendance.objects.filter(invitation=None, meeting=meeting).count() == 1
