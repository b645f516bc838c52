"""The whole-guide PDF is built by a background task, once per key, and served from storage."""

import re

import pytest
from django.core.files.storage import default_storage

from guide import printing, tasks
from guide.models import GuideDocument

PDF = "/guide/imprimer/pdf/"


@pytest.fixture
def fake_render(monkeypatch):
    """WeasyPrint's minutes of CPU are not what these tests are about: count the renders instead."""
    calls = []

    def render(theme_slug, territory_code):
        calls.append((theme_slug, territory_code))
        return b"%PDF-1.7 guide " + f"{theme_slug}/{territory_code}/{len(calls)}".encode()

    monkeypatch.setattr(printing, "render_pdf", render)
    return calls


def run_queued(dummy_tasks):
    """What the worker does: run every queued build once."""
    for result in dummy_tasks.queued(tasks.build_guide_pdf):
        result.task.call(*result.args, **result.kwargs)
    dummy_tasks.clear()


def test_a_missing_pdf_is_queued_once_and_the_reader_gets_a_french_waiting_page(
        client, guide_tree, private_cache, dummy_tasks, fake_render):
    response = client.get(PDF, {"theme": "logement"}, REMOTE_ADDR="203.0.113.1")
    assert response.status_code == 202
    html = response.content.decode()
    assert "Ton guide en PDF est en préparation" in html
    assert 'href="/guide/imprimer/?theme=logement"' in html  # the printable page meanwhile
    assert 'href="/guide/imprimer/pdf/?theme=logement"' in html  # and the way back
    assert 'http-equiv="refresh"' not in html and not re.search(r"<script(?![^>]*\bsrc=)", html)
    [result] = dummy_tasks.queued(tasks.build_guide_pdf)
    document = GuideDocument.objects.get(key="logement:-")
    assert result.args[0] == document.pk and result.args[1] == printing.source_version()
    assert fake_render == []  # the request rendered nothing

    # A second reader while it is queued: the same page, no second build.
    again = client.get(PDF, {"theme": "logement"}, REMOTE_ADDR="203.0.113.2")
    assert again.status_code == 202
    assert len(dummy_tasks.queued(tasks.build_guide_pdf)) == 1

    run_queued(dummy_tasks)
    ready = client.get(PDF, {"theme": "logement"}, REMOTE_ADDR="203.0.113.2")
    assert ready.status_code == 200 and ready["Content-Type"] == "application/pdf"
    assert ready["Content-Disposition"] == 'attachment; filename="guide-relais-logement.pdf"'
    assert ready.content == b"%PDF-1.7 guide logement//1"
    assert client.get(PDF, {"theme": "logement"}).content == ready.content  # from storage, not rebuilt
    assert len(fake_render) == 1 and dummy_tasks.queued(tasks.build_guide_pdf) == []


def test_a_visitor_starts_one_build_at_a_time(client, guide_tree, private_cache, dummy_tasks, fake_render):
    assert client.get(PDF, {"theme": "logement"}, REMOTE_ADDR="203.0.113.7").status_code == 202
    busy = client.get(PDF, REMOTE_ADDR="203.0.113.7")  # the whole guide, while theirs is still queued
    assert busy.status_code == 429
    assert "Un guide est déjà en préparation pour toi" in busy.content.decode()
    assert len(dummy_tasks.queued(tasks.build_guide_pdf)) == 1
    # Someone else may ask for it; and once the first build is done, the visitor may too.
    assert client.get(PDF, REMOTE_ADDR="203.0.113.8").status_code == 202
    assert len(dummy_tasks.queued(tasks.build_guide_pdf)) == 2
    run_queued(dummy_tasks)
    assert client.get(PDF, {"theme": "logement"}, REMOTE_ADDR="203.0.113.7").status_code == 200


def test_stored_pdf_is_rebuilt_after_a_publication_or_a_directory_change(
        client, guide_tree, partners, private_cache, dummy_tasks, fake_render):
    client.get(PDF)
    run_queued(dummy_tasks)
    first = client.get(PDF)
    assert first.status_code == 200
    old_file = GuideDocument.objects.get(key="-:-").file.name

    guide_tree["article"].save_revision().publish()
    assert client.get(PDF).status_code == 202  # stale: queued again, the old file is not served as new
    run_queued(dummy_tasks)
    second = client.get(PDF)
    assert second.status_code == 200 and second.content != first.content
    assert not default_storage.exists(old_file)  # the replaced file is gone

    partner = partners["fjt_arras"]
    partner.phone = "03 21 00 00 99"
    partner.save()
    assert client.get(PDF).status_code == 202
    run_queued(dummy_tasks)
    assert client.get(PDF).status_code == 200 and len(fake_render) == 3


def test_a_reader_territory_is_its_own_key(client, guide_tree, territories, private_cache, dummy_tasks, fake_render):
    client.cookies["relais_territoire"] = territories["arras"].code
    assert client.get(PDF).status_code == 202
    [result] = dummy_tasks.queued(tasks.build_guide_pdf)
    assert GuideDocument.objects.get(pk=result.args[0]).key == f"-:{territories['arras'].code}"
    run_queued(dummy_tasks)
    assert fake_render == [("", territories["arras"].code)]
    assert client.get(PDF).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_without_a_worker_the_build_runs_in_a_thread_and_the_reader_does_not_wait(
        client, guide_tree, private_cache, settings, monkeypatch):
    """The embedded mode (immediate tasks): the request answers "being prepared" before any rendering."""
    import threading

    settings.RELAIS_GUIDE_PDF_THREAD = True
    started, finish = threading.Event(), threading.Event()

    def slow_render(theme_slug, territory_code):
        started.set()
        assert finish.wait(10)
        return b"%PDF-1.7 built in a thread"

    monkeypatch.setattr(printing, "render_pdf", slow_render)
    response = client.get(PDF, {"theme": "logement"}, REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 202  # answered while the build is still running
    assert started.wait(10)
    [thread] = [t for t in threading.enumerate() if t.name.startswith("guide-pdf-")]
    finish.set()
    thread.join(10)
    ready = client.get(PDF, {"theme": "logement"}, REMOTE_ADDR="203.0.113.9")
    assert ready.status_code == 200 and ready.content == b"%PDF-1.7 built in a thread"
