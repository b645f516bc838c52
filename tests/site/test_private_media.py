"""Private stays private: documents and images of restricted collections or only on restricted pages.

Documents go through Wagtail's /documents/ view; image files under /media/original_images/ and /media/images/
through relais.media.serve_media, in production too (the proxy hands those folders to Django).
"""

import re

import pytest
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.test import Client
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Collection, CollectionViewRestriction, PageViewRestriction

from guide.models import HomePage, StandardPage
from tests.site.test_csp import production_media  # noqa: F401  (fixture: the URL map of production)


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


def _page(slug, body, restriction=None, groups=()):
    home = HomePage.objects.get()
    page = home.add_child(instance=StandardPage(title=slug.capitalize(), slug=slug, body=body))
    if restriction:
        rule = PageViewRestriction.objects.create(page=page, restriction_type=restriction)
        rule.groups.set(groups)
    return page


def _doc_link(document):
    return f'<p><a linktype="document" id="{document.pk}">{document.title}</a></p>'


def _image_embed(image):
    return f'<embed embedtype="image" id="{image.pk}" format="fullwidth" alt="{image.title}"/>'


def _document(title, content):
    return Document.objects.create(title=title, file=ContentFile(content, name=f"{title.lower()}.pdf"))


def _body(response):
    return b"".join(response.streaming_content)


def test_a_document_only_on_a_login_only_page_is_refused_to_anonymous_visitors(
        client, client_as, professional, site_pages, media_root):
    minutes = _document("Compte-rendu", b"secret minutes")
    _page("reserve", _doc_link(minutes), PageViewRestriction.LOGIN)
    response = client.get(minutes.url)
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert "secret minutes" not in response.content.decode()
    response = client_as(professional).get(minutes.url)
    assert response.status_code == 200 and _body(response) == b"secret minutes"


def test_a_document_also_on_a_public_page_or_on_no_page_stays_public(client, site_pages, media_root):
    leaflet = _document("Depliant", b"leaflet")
    unused = _document("Affiche", b"poster")
    _page("reserve", _doc_link(leaflet), PageViewRestriction.LOGIN)
    _page("publique", _doc_link(leaflet))
    assert _body(client.get(leaflet.url)) == b"leaflet"
    assert _body(client.get(unused.url)) == b"poster"


def test_a_document_of_a_group_page_is_refused_to_other_members_but_not_to_its_managers(
        client_as, professional, dept_admin, site_pages, media_root):
    board = Group.objects.create(name="Bureau")
    notes = _document("Notes", b"board notes")
    _page("bureau", _doc_link(notes), PageViewRestriction.GROUPS, groups=[board])
    assert client_as(professional).get(notes.url).status_code == 403
    professional.groups.add(board)
    assert _body(client_as(professional).get(notes.url)) == b"board notes"
    # The pilot manages documents in the admin (choosers, usage): always reaches it.
    assert _body(client_as(dept_admin).get(notes.url)) == b"board notes"


def test_a_document_of_a_password_page_needs_the_page_password(client, site_pages, media_root):
    notes = _document("Code", b"door code")
    page = _page("code", _doc_link(notes))
    rule = PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.PASSWORD,
                                              password="ouvre-toi")
    assert client.get(notes.url).status_code == 403
    client.post(f"/_util/authenticate_with_password/{rule.pk}/{page.pk}/",
                {"password": "ouvre-toi", "return_url": page.url})
    assert _body(client.get(notes.url)) == b"door code"


def _image(title="Plan", **extra):
    return Image.objects.create(title=title, file=get_test_image_file(filename=f"{title.lower()}.png"), **extra)


def _image_sources(html):
    return re.findall(r'<img[^>]* src="([^"]+)"', html)


@pytest.mark.parametrize("mode", ["embedded", "production"])
def test_an_image_only_on_a_private_page_is_refused_to_anonymous_visitors(
        request, mode, client, client_as, professional, site_pages, media_root):
    if mode == "production":
        request.getfixturevalue("production_media")
    plan = _image()
    page = _page("plan", _image_embed(plan), PageViewRestriction.LOGIN)
    reader = client_as(professional)
    sources = _image_sources(reader.get(page.url).content.decode())
    assert len(sources) == 1 and sources[0].startswith("/media/images/")
    for url in (*sources, plan.file.url):
        response = Client().get(url)
        assert response.status_code == 302 and "/login/" in response["Location"]
        response = reader.get(url)
        assert response.status_code == 200 and _body(response).startswith(b"\x89PNG")
        assert "private" in response["Cache-Control"]


@pytest.mark.parametrize("mode", ["embedded", "production"])
def test_an_image_also_on_a_public_page_stays_public(request, mode, client, site_pages, media_root):
    if mode == "production":
        request.getfixturevalue("production_media")
    plan = _image()
    _page("plan", _image_embed(plan), PageViewRestriction.LOGIN)
    public = _page("acces", _image_embed(plan))
    [source] = _image_sources(client.get(public.url).content.decode())
    for url in (source, plan.file.url):
        response = client.get(url)
        assert response.status_code == 200 and _body(response).startswith(b"\x89PNG")
        assert response["Content-Security-Policy"] == "default-src 'none'; style-src 'unsafe-inline'; sandbox"


@pytest.mark.usefixtures("production_media")
def test_an_image_of_a_login_only_collection_is_refused_to_anonymous_visitors(client_as, professional, media_root):
    private = Collection.get_first_root_node().add_child(name="Photos des professionnels")
    CollectionViewRestriction.objects.create(collection=private, restriction_type=CollectionViewRestriction.LOGIN)
    photo = _image("Reunion", collection=private)
    rendition = photo.get_rendition("fill-10x10")
    for url in (photo.file.url, rendition.url):
        assert Client().get(url).status_code == 302
        assert _body(client_as(professional).get(url)).startswith(b"\x89PNG")


@pytest.mark.usefixtures("production_media")
def test_production_serves_only_checked_image_files(client, site_pages, media_root):
    """What reaches Django under /media/ in production: library images after their check, nothing else."""
    minutes = _document("Compte-rendu", b"secret minutes")
    _page("reserve", _doc_link(minutes), PageViewRestriction.LOGIN)
    (media_root / "images").mkdir(exist_ok=True)
    (media_root / "images" / "orphan.png").write_bytes(b"\x89PNG\r\n\x1a\nfake")
    (media_root / "generated").mkdir()
    (media_root / "generated" / "guide.pdf").write_bytes(b"guide")
    for path in (minutes.file.name, f"images/../{minutes.file.name}", "images/orphan.png", "generated/guide.pdf",
                 "original_images/absent.png"):
        assert client.get(f"/media/{path}").status_code == 404, path
    plan = _image()
    _page("plan", _image_embed(plan), PageViewRestriction.LOGIN)
    assert client.get(f"/media/images/../{plan.file.name}").status_code == 302


def test_the_documented_proxy_hands_image_folders_to_django():
    """README's nginx block: documents never from disk, image folders to gunicorn, the rest of /media/ served."""
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    block = readme[readme.index("```nginx"):]
    block = block[:block.index("```", 8)]
    assert "location ^~ /media/documents/ { return 404; }" in block
    lines = block.splitlines()
    images = next(i for i, line in enumerate(lines)
                  if line.startswith("location ~ ^/media/(original_images|images)/ {"))
    assert lines[images + 1].strip() == "proxy_pass http://relais_http;"
    # Regex locations win over the plain /media/ prefix; ^~ keeps documents/ out of every other rule.
    assert images < next(i for i, line in enumerate(lines) if line.startswith("location /media/ {"))
