"""The guide in the pocket, server side (guide/offline.py): the manifest, the worker's headers and rules, the
offline page, the list "Garder hors connexion" saves and its weight, and private answers never stored.
The browser side is tests/e2e/test_offline_browser.py."""

import json
import re

import pytest
from django.contrib.staticfiles import finders
from PIL import Image

from guide import offline
from guide.offline import may_keep
from guide.territory import COOKIE_NAME

pytestmark = pytest.mark.django_db


def test_manifest_has_what_a_phone_needs_to_install_the_guide(client):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    data = json.loads(response.content)
    assert data["name"] == "Relais – guide" and data["short_name"] == "Relais"
    assert (data["start_url"], data["scope"], data["display"]) == ("/guide/", "/", "standalone")
    assert (data["lang"], data["dir"]) == ("fr", "ltr")
    assert re.fullmatch(r"#[0-9a-f]{6}", data["theme_color"])
    sizes = {(icon["sizes"], icon["purpose"]) for icon in data["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes
    for icon in data["icons"]:  # each file exists at the size it claims
        name = icon["src"].removeprefix("/static/")
        with Image.open(finders.find(name)) as image:
            assert f"{image.width}x{image.height}" == icon["sizes"]


def test_every_page_links_the_manifest_the_icons_and_the_registration_script(client):
    html = client.get("/urgence/").content.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest">' in html
    assert re.search(r'<link rel="apple-touch-icon" href="/static/guide/icons/apple-touch-icon[^"]*\.png">', html)
    assert re.search(r'<script src="/static/guide/js/pocket[^"]*\.js" defer data-worker="/sw.js"', html)


def test_worker_is_served_for_the_whole_site_and_never_kept_long(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert response["Cache-Control"] == "no-cache"
    source = response.content.decode()
    config = json.loads(re.search(r"^const CONFIG = (\{.*\});$", source, re.M)[1])
    assert config["version"] == response["X-Relais-Worker-Version"]
    assert {"/hors-connexion/", "/urgence/", "/guide/"} <= set(config["precache"])
    assert any(url.endswith(".css") for url in config["precache"])
    assert not any(url.endswith((".png", ".svg", ".jpg")) for url in config["precache"])  # text only
    assert config["timeout"] == 3000


def test_worker_is_hand_written_and_short():
    lines = offline.WORKER_SOURCE.read_text().splitlines()
    assert len(lines) < 150


def test_a_new_worker_version_when_a_precached_file_changes(client, monkeypatch):
    before = client.get("/sw.js")["X-Relais-Worker-Version"]
    real = offline._static_bytes
    monkeypatch.setattr(offline, "_static_bytes",
                        lambda name: real(name) + (b"/* changed */" if name.endswith("guide.css") else b""))
    offline._worker.cache_clear()
    try:
        after = client.get("/sw.js")["X-Relais-Worker-Version"]
    finally:
        offline._worker.cache_clear()
    assert after != before


@pytest.mark.parametrize("path", ["/", "/guide/", "/guide/logement/trouver-un-logement/", "/guide/glossaire/",
                                  "/urgence/", "/annuaire/", "/annuaire/mission-locale-arras/", "/hors-connexion/"])
def test_worker_may_keep_public_pages(path):
    assert may_keep(path)


@pytest.mark.parametrize("path", [
    "/admin/", "/admin/pages/3/", "/espace-pro/", "/espace-pro/connexion/", "/instances/", "/instances/comite/",
    "/indicateurs/", "/api/recherche", "/recherche/", "/documents/1/x.pdf", "/media/images/x.png", "/sw.js",
    "/guide/avis/", "/guide/idee/", "/guide/territoire/", "/guide/imprimer/", "/guide/imprimer/pdf/",
    "/guide/hors-connexion.json", "/annuaire/export.csv", "/annuaire/export.json",
    "/annuaire/mission-locale-arras/signaler/", "/annuaire/mission-locale-arras/confirmer/", "/csp-report/",
    "/healthz", "/static/guide/icons/icon-192.png",
])
def test_worker_never_keeps_the_rest(path):
    assert not may_keep(path)


def test_offline_page_gives_the_emergency_numbers_to_tap(client):
    response = client.get("/hors-connexion/")
    assert response.status_code == 200
    html = response.content.decode()
    for number in ("15", "17", "112", "115", "119", "3114", "3919"):
        assert f'href="tel:{number}"' in html
    assert 'href="sms:114"' in html
    assert 'id="saved-pages"' in html


@pytest.mark.parametrize("prefix, lang, words", [
    ("/en", "en", ("No connection", "Pages kept on your phone", "these numbers are free")),
    ("/ar", "ar", ("لا يوجد اتصال", "الصفحات المحفوظة على هاتفك", "هذه الأرقام مجانية")),
])
def test_offline_page_speaks_the_readers_language(client, prefix, lang, words):
    html = client.get(f"{prefix}/hors-connexion/").content.decode()
    assert f'lang="{lang}"' in html
    for text in words:
        assert text in html
    assert "Pas de connexion" not in html


def test_a_readers_language_gets_its_own_worker_and_manifest(client):
    """An Arabic page registers /ar/sw.js (its {% url %}): the worker precaches the Arabic offline, emergency and
    guide pages and answers in Arabic when even the offline page is missing."""
    html = client.get("/ar/urgence/").content.decode()
    assert 'data-worker="/ar/sw.js"' in html and 'href="/ar/manifest.webmanifest"' in html
    source = client.get("/ar/sw.js").content.decode()
    config = json.loads(re.search(r"^const CONFIG = (\{.*\});$", source, re.M)[1])
    assert config["offline"] == "/ar/hors-connexion/"
    assert {"/ar/hors-connexion/", "/ar/urgence/", "/ar/guide/"} <= set(config["precache"])
    assert "لا يوجد اتصال" in config["offlineText"]
    manifest = client.get("/ar/manifest.webmanifest").json()
    assert (manifest["lang"], manifest["dir"], manifest["start_url"], manifest["id"]) == ("ar", "rtl", "/ar/guide/",
                                                                                       "/guide/")


# --- Nothing personal: what the server marks private -----------------------------------------------------------
def test_signed_in_answers_and_professional_pages_are_never_stored(client, client_as, professional):
    public = client.get("/urgence/")
    assert "no-store" not in public.get("Cache-Control", "")
    assert "no-store" in client.get("/espace-pro/connexion/")["Cache-Control"]  # a professional path, anyone
    signed_in = client_as(professional)
    for path in ("/urgence/", "/annuaire/", "/espace-pro/", "/hors-connexion/"):
        control = signed_in.get(path)["Cache-Control"]
        assert "private" in control and "no-store" in control, path


# --- "Garder hors connexion" ---------------------------------------------------------------------------------
def test_save_list_holds_the_guide_the_glossary_emergency_and_the_readers_partners(client, guide_tree, partners,
                                                                                   territories):
    client.cookies[COOKIE_NAME] = territories["arras"].code
    response = client.get("/guide/hors-connexion.json")
    assert response.status_code == 200
    assert "private" in response["Cache-Control"]
    data = response.json()
    urls = data["urls"]
    for page in ("index", "theme", "article", "path"):
        assert guide_tree[page].url in urls
    assert {"/guide/glossaire/", "/urgence/", "/hors-connexion/",
            f"/annuaire/?territoire={territories['arras'].code}"} <= set(urls)
    assert all(may_keep(url.split("?")[0]) or url.startswith("/static/") for url in urls)
    assert not any(url.endswith((".png", ".jpg", ".svg")) for url in urls)
    assert data["territory"] == territories["arras"].code and data["language"] == "fr"

    # The weight is what the pages really weigh when fetched with the reader's cookie (within 10 %).
    fetched = 0
    for url in urls:
        answer = client.get(url)
        assert answer.status_code == 200, url
        fetched += len(b"".join(answer.streaming_content) if answer.streaming else answer.content)
    assert abs(data["bytes"] - fetched) <= fetched * 0.10, (data["bytes"], fetched)
    assert re.fullmatch(r"environ \d+ Ko", data["label"])


def test_weight_label_in_french():
    assert offline.weight_label(634_000) == "environ 620 Ko"
    assert offline.weight_label(1_400_000) == "environ 1,3 Mo"


def test_unpublished_pages_are_not_saved(client, guide_tree):
    guide_tree["article"].unpublish()
    urls = client.get("/guide/hors-connexion.json").json()["urls"]
    assert guide_tree["article"].url not in urls and guide_tree["theme"].url in urls
