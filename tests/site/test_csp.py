"""Content-Security-Policy headers, the violation report endpoint, and who serves uploaded media.

The browser side (0 violations on every page type, features working under the policy) is
tests/e2e/test_csp_browser.py.
"""

import importlib
import json
import logging
import re
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.http import HttpResponse
from django.template import engines
from django.test import RequestFactory
from django.urls import clear_url_caches

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def _directives(header: str) -> dict[str, list[str]]:
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


@pytest.mark.parametrize("url", ["/", "/annuaire/", "/recherche/?q=logement", "/espace-pro/connexion/",
                                 "/page-qui-n-existe-pas/"])
def test_public_pages_carry_the_strict_policy(client, site_pages, url):
    response = client.get(url)
    policy = _directives(response["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"]
    assert "'unsafe-inline'" not in policy["script-src"] and "'unsafe-eval'" not in policy["script-src"]
    assert "'unsafe-inline'" not in policy["style-src"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"] and policy["form-action"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "data:", "https://tile.openstreetmap.org"]
    assert policy["report-uri"] == ["/csp-report/"]


def test_admin_allows_inline_styles_but_never_inline_scripts(client_as, superuser):
    response = client_as(superuser).get("/admin/")
    assert response.status_code == 200
    policy = _directives(response["Content-Security-Policy"])
    assert "'unsafe-inline'" in policy["style-src"]
    assert "'unsafe-inline'" not in policy["script-src"] and "'unsafe-eval'" not in policy["script-src"]
    assert policy["frame-ancestors"] == ["'self'"]  # the editor's live preview is a same-origin iframe


def test_a_template_that_asks_for_a_nonce_gets_a_new_one_in_each_response():
    """No Relais page needs an inline script today; one that does uses {{ request.csp_nonce }}."""
    from relais.csp import RelaisCSPMiddleware

    template = engines["django"].from_string('<script nonce="{{ request.csp_nonce }}">go()</script>')

    def view(request):
        return HttpResponse(template.render({}, request))

    middleware = RelaisCSPMiddleware(view)
    nonces = []
    for _ in range(2):
        response = middleware(RequestFactory().get("/"))
        nonce = re.search(r'nonce="([^"]+)"', response.content.decode()).group(1)
        assert f"'nonce-{nonce}'" in _directives(response["Content-Security-Policy"])["script-src"]
        nonces.append(nonce)
    assert nonces[0] != nonces[1]


def _project_templates():
    for folder in ("site", "directory", "guide", "meetings", "search"):
        for path in (ROOT / folder).rglob("templates/**/*.html"):
            relative = path.relative_to(ROOT).as_posix()
            # E-mails and the HTML that WeasyPrint turns into PDFs never reach a browser as a page.
            if "/email/" in relative or relative.endswith("_pdf.html"):
                continue
            yield relative, path.read_text()


def test_no_project_template_has_inline_scripts_styles_or_handlers():
    found = []
    for name, text in _project_templates():
        for pattern in (r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>",
                        r"<style\b", r"\sstyle=\"", r"\son[a-z]+=\"", r"javascript:"):
            found += [f"{name}: {match.group(0)}" for match in re.finditer(pattern, text)]
    assert found == []


def test_violation_reports_are_logged_and_answered_204(client, caplog):
    report = {"csp-report": {"document-uri": "https://relais.example/guide/", "violated-directive": "script-src",
                             "blocked-uri": "inline", "script-sample": "alert(1)"}}
    with caplog.at_level(logging.WARNING, logger="relais.csp"):
        response = client.post("/csp-report/", json.dumps(report), content_type="application/csp-report")
        api = [{"type": "csp-violation", "body": {"documentURL": "https://relais.example/", "blockedURL": "eval",
                                                  "effectiveDirective": "script-src-elem"}}]
        client.post("/csp-report/", json.dumps(api), content_type="application/reports+json")
        client.post("/csp-report/", "not json", content_type="application/csp-report")
    assert response.status_code == 204
    messages = [record.getMessage() for record in caplog.records if record.name == "relais.csp"]
    assert len(messages) == 2
    assert "violated-directive='script-src'" in messages[0] and "script-sample='alert(1)'" in messages[0]
    assert "effective-directive='script-src-elem'" in messages[1] and "blocked-uri='eval'" in messages[1]
    assert client.get("/csp-report/").status_code == 405


def test_violation_reports_are_rate_limited_per_client(client, caplog):
    from relais.csp import CSP_REPORT_LIMIT

    report = json.dumps({"csp-report": {"violated-directive": "img-src", "blocked-uri": "https://x.invalid/"}})
    with caplog.at_level(logging.WARNING, logger="relais.csp"):
        for _ in range(CSP_REPORT_LIMIT + 5):
            assert client.post("/csp-report/", report, content_type="application/csp-report").status_code == 204
    assert len([record for record in caplog.records if record.name == "relais.csp"]) == CSP_REPORT_LIMIT


# --- Media --------------------------------------------------------------------------------------------
@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\nfake")
    return tmp_path


def _reload_urls():
    import relais.urls

    importlib.reload(relais.urls)
    clear_url_caches()


@pytest.fixture
def production_media(settings):
    """The URL map as production builds it: RELAIS_SERVE_MEDIA off."""
    settings.RELAIS_SERVE_MEDIA = False
    _reload_urls()
    yield
    settings.RELAIS_SERVE_MEDIA = True
    _reload_urls()


@pytest.fixture
def documents(media_root):
    from wagtail.documents.models import Document
    from wagtail.models import Collection, CollectionViewRestriction

    root = Collection.get_first_root_node()
    private = root.add_child(name="Documents des professionnels")
    CollectionViewRestriction.objects.create(collection=private, restriction_type=CollectionViewRestriction.LOGIN)
    public = Document.objects.create(title="Guide public", file=ContentFile(b"public pdf", name="guide.pdf"))
    secret = Document.objects.create(title="Compte rendu", collection=private,
                                     file=ContentFile(b"secret minutes", name="compte-rendu.pdf"))
    return public, secret


def test_embedded_mode_serves_images_but_never_original_documents(client, site_pages, documents):
    public, secret = documents
    response = client.get("/media/images/logo.png")
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    for document in documents:
        assert client.get(f"/media/{document.file.name}").status_code == 404
        assert client.get(f"/media/images/../{document.file.name}").status_code == 404


def test_production_leaves_media_to_the_proxy(client, site_pages, documents, production_media):
    public, secret = documents
    assert client.get("/media/images/logo.png").status_code == 404
    assert client.get(f"/media/{public.file.name}").status_code == 404
    # Documents still come through Wagtail's view, which checks the collection's privacy.
    response = client.get(public.url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"public pdf"


def test_a_login_only_document_is_not_downloadable_anonymously(client, client_as, professional, documents):
    public, secret = documents
    response = client.get(secret.url)
    assert response.status_code == 302 and "secret minutes" not in response.content.decode()
    response = client_as(professional).get(secret.url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"secret minutes"


def test_a_video_file_plays_in_place_only_from_a_host_the_policy_allows(settings):
    from guide.blocks import VideoBlock

    block = VideoBlock()
    value = block.to_python({"title": "Visite", "url": "https://videos.example.org/fjt.mp4", "transcript": "<p>x</p>"})
    assert "<video" not in block.render(value)
    assert 'href="https://videos.example.org/fjt.mp4"' in block.render(value)
    settings.RELAIS_CSP_MEDIA_HOSTS = ["https://videos.example.org"]
    assert '<video controls preload="none" src="https://videos.example.org/fjt.mp4">' in block.render(value)
    local = block.to_python({"title": "Visite", "url": "/media/videos/fjt.mp4", "transcript": "<p>x</p>"})
    assert "<video" in block.render(local)
