"""What the whole-guide PDF holds: tagged for screen readers, absolute links, a table of contents with page
numbers, the territory prompt once; and what a request for it costs (no build, a bounded number of builds)."""

import datetime
import re
import zlib

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from guide import printing, tasks
from guide.models import ArticlePage, GuideDocument
from relais import pdf
from relais.links import absolute_url
from tests.guide.conftest import directory_block

PDF = "/guide/imprimer/pdf/"


def pdf_objects(data: bytes) -> bytes:
    """The PDF's bytes with every compressed stream (object streams included) inflated, to read its catalog
    and link annotations without a PDF library."""
    chunks = [data]
    for match in re.finditer(rb"stream\r?\n", data):
        try:
            chunks.append(zlib.decompressobj().decompress(data[match.end():]))
        except zlib.error:
            continue
    return b"\n".join(chunks)


@pytest.fixture
def second_article(guide_tree):
    """Two more "Qui peut t'aider ?" blocks: without a territory each used to repeat the prompt."""
    article = ArticlePage(title="Payer son loyer", slug="payer-son-loyer", summary="Les aides au loyer.",
                          age_min=16, age_max=25, updated_on=datetime.date(2026, 3, 2),
                          body=[{"type": "text", "value": "<p>L'APL aide à payer le loyer.</p>"},
                                directory_block(title="Pour le loyer"), directory_block(title="Pour la caution")])
    guide_tree["theme"].add_child(instance=article)
    article.save_revision().publish()
    return article


@pytest.fixture
def rendered(monkeypatch):
    """The HTML handed to the one renderer, and the variant asked for (the real PDF is still made)."""
    seen = []
    real = pdf.render_pdf

    def spy(html, **options):
        seen.append((html, options))
        return real(html, **options)

    monkeypatch.setattr(pdf, "render_pdf", spy)
    return seen


def test_the_pdf_is_tagged_has_absolute_links_a_paged_contents_and_one_territory_prompt(
        guide_tree, second_article, partners, glossary, private_cache, rendered):
    data = printing.render_pdf("", "")
    [(html, options)] = rendered

    # Tagged (PDF/UA-1): a structure tree and marked content, in French, for screen readers.
    assert options == {"variant": "pdf/ua-1"}
    objects = pdf_objects(data)
    assert re.search(rb"/MarkInfo\s*<<\s*/Marked true", objects)
    assert b"/StructTreeRoot" in objects and b"/Lang (fr)" in objects

    # Links name the site: the directory is https://…/annuaire/…, never a bare /annuaire/….
    uris = re.findall(rb"/URI \(([^)]*)\)", objects)
    assert absolute_url("/annuaire/?theme=logement-hebergement").encode() in uris
    assert absolute_url(guide_tree["article"].url).encode() in uris  # the path's link to an article
    assert not [uri for uri in uris if uri.startswith(b"/")]
    assert 'href="/' not in html

    # A table of contents linking each theme and article, with the page WeasyPrint counts for each.
    toc = re.search(r'<nav class="print-toc".*?</nav>', html, re.S).group(0)
    assert '<a href="#theme-logement">Logement</a>' in toc
    for article in (guide_tree["article"], second_article):
        assert f'<a href="#article-{article.pk}">{article.title}</a>' in toc
        assert f'id="article-{article.pk}"' in html
    assert '<a href="#parcours">Mon parcours</a>' in toc
    assert "target-counter(attr(href), page)" in html
    assert re.findall(rb"/Dest", objects)  # the contents' entries are links inside the document

    # Three directory blocks and the path's step, all for the whole département: the prompt is said once,
    # on the cover, with the site's address.
    assert html.count("Choisis ton territoire") == 1
    assert f'<a href="{absolute_url("/guide/territoire/")}">' in html


def test_with_a_territory_the_pdf_links_its_partners_absolutely_and_does_not_ask_for_one(
        guide_tree, territories, partners, private_cache, rendered):
    data = printing.render_pdf("logement", territories["arras"].code)
    [(html, _options)] = rendered
    uris = re.findall(rb"/URI \(([^)]*)\)", pdf_objects(data))
    assert absolute_url(f"/annuaire/{partners['fjt_arras'].slug}/").encode() in uris
    assert b"tel:0199001001" in uris  # the partner's phone can be tapped in the PDF too
    assert not [uri for uri in uris if uri.startswith(b"/")]
    assert "Choisis ton territoire" not in html
    assert "Partenaires montrés : près de" in html


def test_the_request_queues_the_build_and_answers_at_once_with_the_printable_page(
        client, guide_tree, private_cache, dummy_tasks, monkeypatch):
    def must_not_render(*args):
        raise AssertionError("a request rendered the PDF")

    monkeypatch.setattr(printing, "render_pdf", must_not_render)
    with CaptureQueriesContext(connection) as first:
        response = client.get(PDF, REMOTE_ADDR="203.0.113.20")
    assert response.status_code == 202 and response["Retry-After"] == "60"
    html = response.content.decode()
    assert "Ton guide en PDF est en préparation" in html
    assert 'href="/guide/imprimer/"' in html and "Reviens dans quelques instants" in html
    assert len(dummy_tasks.queued(tasks.build_guide_pdf)) == 1

    # Every later reader of the same key: the same page, no build queued, and a fixed, small cost.
    for n in range(5):
        with CaptureQueriesContext(connection) as later:
            assert client.get(PDF, REMOTE_ADDR=f"203.0.113.{30 + n}").status_code == 202
        assert len(later) <= len(first)
    assert len(dummy_tasks.queued(tasks.build_guide_pdf)) == 1


def test_an_unknown_territory_is_the_departement_key(client, guide_tree, territories, private_cache, dummy_tasks):
    client.cookies["relais_territoire"] = "99999"  # no such place: no key of its own, no build of its own
    assert client.get(PDF).status_code == 202
    assert list(GuideDocument.objects.values_list("key", flat=True)) == ["-:-"]


def test_a_visitor_cannot_queue_builds_without_end(client, guide_tree, territories, private_cache, dummy_tasks,
                                                   monkeypatch):
    monkeypatch.setattr(printing, "render_pdf", lambda theme, code: b"%PDF-1.7 fake")
    address = "203.0.113.40"
    for n in range(printing.BUILDS_PER_HOUR):
        client.cookies["relais_territoire"] = territories["arras" if n % 2 else "calais"].code
        assert client.get(PDF, {"theme": "logement"} if n % 3 else {}, REMOTE_ADDR=address).status_code == 202
        for result in dummy_tasks.queued(tasks.build_guide_pdf):  # the worker is quick: the slot is freed
            result.task.call(*result.args, **result.kwargs)
        dummy_tasks.clear()
        GuideDocument.objects.update(version="")  # and the directory keeps changing: every key is stale
    limited = client.get(PDF, REMOTE_ADDR=address)
    assert limited.status_code == 429
    assert "Tu as demandé beaucoup de guides en PDF" in limited.content.decode()
    assert 'href="/guide/imprimer/"' in limited.content.decode()
    assert dummy_tasks.queued(tasks.build_guide_pdf) == []


def test_territory_builds_queued_site_wide_are_bounded(client, guide_tree, territories, private_cache, dummy_tasks,
                                                       monkeypatch):
    monkeypatch.setattr(printing, "TERRITORY_BUILDS_IN_FLIGHT", 2)
    codes = [territories[name].code for name in ("arras", "calais", "62-ARR")]
    for n, code in enumerate(codes[:2]):
        client.cookies["relais_territoire"] = code
        assert client.get(PDF, REMOTE_ADDR=f"203.0.113.{50 + n}").status_code == 202
    client.cookies["relais_territoire"] = codes[2]
    full = client.get(PDF, REMOTE_ADDR="203.0.113.60")
    assert full.status_code == 503
    assert "Beaucoup de guides sont en préparation" in full.content.decode()
    assert 'href="/guide/imprimer/"' in full.content.decode()
    # The département-wide guide, which most readers share, is still queued.
    del client.cookies["relais_territoire"]
    assert client.get(PDF, REMOTE_ADDR="203.0.113.61").status_code == 202
    assert len(dummy_tasks.queued(tasks.build_guide_pdf)) == 3
