"""The site shell: home, legal pages, health endpoint, error pages, ASGI routing."""

import json

import pytest
from channels.testing import HttpCommunicator, WebsocketCommunicator
from django.db import connection
from django.urls import path

pytestmark = pytest.mark.django_db


def test_home_page_has_the_three_entries_and_the_rgaa_status(client, site_pages):
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="fr" dir="ltr">' in html
    assert 'href="#contenu"' in html  # skip link
    assert 'href="/guide/"' in html and 'href="/annuaire/"' in html
    assert "partiellement conforme" in html
    assert 'href="/accessibilite/"' in html


def test_instances_entry_only_for_professionals(client, client_as, site_pages, professional):
    assert 'href="/instances/"' not in client.get("/").content.decode()
    html = client_as(professional).get("/").content.decode()
    assert 'href="/instances/"' in html
    # French is the source language: no other app's catalogue may rename our words ("Occurrences").
    assert ">Instances</a>" in html


@pytest.mark.parametrize("slug", ["mentions-legales", "accessibilite", "donnees-personnelles"])
def test_legal_pages_are_wagtail_pages_reachable_from_the_footer(client, site_pages, slug):
    home = client.get("/").content.decode()
    assert f'href="/{slug}/"' in home
    response = client.get(f"/{slug}/")
    assert response.status_code == 200
    assert response.context["page"].specific_class.__name__ == "StandardPage"


def test_accessibility_page_states_the_compliance_status(client, site_pages, settings):
    assert "partiellement conforme" in client.get("/accessibilite/").content.decode()


def test_sitemap_lists_the_pages(client, site_pages):
    html = client.get("/plan-du-site/").content.decode()
    assert "Mentions légales" in html and "Accessibilité" in html


def test_unknown_page_is_a_french_404(client, site_pages):
    response = client.get("/cette-page-n-existe-pas/")
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()


def _boom(request):
    raise RuntimeError("boom")


urlpatterns = [path("boom/", _boom)]


def test_server_error_is_a_french_page_without_trace(client, settings):
    settings.ROOT_URLCONF = __name__
    settings.DEBUG = False
    client.raise_request_exception = False
    response = client.get("/boom/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "une erreur est survenue" in html
    assert "Traceback" not in html and "RuntimeError" not in html


handler500 = "relais.views.server_error"


def test_healthz_reports_every_dependency(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["database"] == "ok"
    assert body["channel_layer"] == "ok"
    assert body["search"] in ("ok", "degraded")
    assert body["status"] in ("ok", "degraded")


def test_healthz_is_503_when_the_database_is_down(client, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise connection.Database.OperationalError("server closed the connection")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503
    body = json.loads(response.content)
    assert body["database"] == "down" and body["status"] == "down"


def test_healthz_reports_a_broken_channel_layer_as_down(client, settings):
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels_redis.core.RedisChannelLayer",
                                           "CONFIG": {"hosts": ["redis://127.0.0.1:1/0"]}}}
    from channels.layers import channel_layers

    channel_layers.backends.clear()
    try:
        body = client.get("/healthz").json()
    finally:
        channel_layers.backends.clear()
    assert body["channel_layer"] == "down"
    assert body["status"] == "degraded"


@pytest.mark.django_db(transaction=True)
async def test_asgi_application_serves_http_and_refuses_unknown_websockets():
    from relais.asgi import application

    http = HttpCommunicator(application, "GET", "/healthz", headers=[(b"host", b"127.0.0.1")])
    response = await http.get_response()
    assert response["status"] in (200, 503)

    ws = WebsocketCommunicator(application, "/ws/nothing-here/", headers=[(b"origin", b"http://127.0.0.1"),
                                                                          (b"host", b"127.0.0.1")])
    with pytest.raises(ValueError):  # no route: the URL router refuses the connection
        await ws.connect()
