"""Index updates leave the request as a task, and a hung Elasticsearch never holds a visitor's search."""

import socket
import threading
import time
from types import SimpleNamespace

import pytest

from directory.models import Organisation
from search import api, tasks
from search.models import SearchDocument, SearchOutbox


def test_a_save_queues_one_index_task_after_commit(corpus, dummy_tasks, django_capture_on_commit_callbacks):
    org = corpus["ml_lens"]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        org.description = "Nouvelles permanences le samedi."
        org.save()
        assert dummy_tasks.queued(tasks.refresh_index) == []  # nothing before the commit
    for callback in callbacks:
        callback()
    [result] = dummy_tasks.queued(tasks.refresh_index)
    assert result.task.func is tasks.refresh_index.func
    [keys] = result.args
    assert f"organisation:{org.pk}" in keys
    # Queued, not run: the request did not touch the index.
    assert not SearchDocument.objects.filter(key=f"organisation:{org.pk}").exists()


def test_with_the_immediate_backend_the_index_follows_at_once(corpus, settings, django_capture_on_commit_callbacks):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.RELAIS_SEARCH = {"BACKEND": "database", "ELASTICSEARCH_URL": "", "INDEX_PREFIX": "test"}
    with django_capture_on_commit_callbacks(execute=True):
        Organisation.objects.create(name="Garage solidaire de Lens", status="published",
                                    commune=corpus["places"]["lens"])
    assert [h.title for h in api.search("garage solidaire").hits] == ["Garage solidaire de Lens"]


def test_a_task_that_cannot_be_queued_leaves_the_keys_in_the_outbox(corpus, monkeypatch,
                                                                    django_capture_on_commit_callbacks):
    def refuse(*args, **kwargs):
        raise RuntimeError("task table unreachable")

    monkeypatch.setattr(tasks, "refresh_index", SimpleNamespace(enqueue=refuse))
    org = corpus["ml_lens"]
    with django_capture_on_commit_callbacks(execute=True):
        org.description = "Fermé en août."
        org.save()
    assert Organisation.objects.get(pk=org.pk).description == "Fermé en août."
    assert SearchOutbox.objects.filter(key=f"organisation:{org.pk}").exists()


def test_sync_replays_the_outbox_into_the_database_index(corpus, settings):
    """Without Elasticsearch, a failed task's keys are still written by `search_index --sync`."""
    from django.core.management import call_command

    settings.RELAIS_SEARCH = {"BACKEND": "database", "ELASTICSEARCH_URL": "", "INDEX_PREFIX": "test"}
    org = corpus["ml_lens"]
    SearchOutbox.objects.create(key=f"organisation:{org.pk}", action="index")
    assert not SearchDocument.objects.filter(key=f"organisation:{org.pk}").exists()
    call_command("search_index", "--sync", stdout=open("/dev/null", "w"))
    assert SearchDocument.objects.filter(key=f"organisation:{org.pk}").exists()
    assert not SearchOutbox.objects.exists()


class SilentServer:
    """Accepts TCP connections on loopback and never answers: a hung Elasticsearch."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.accepted = []
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}"

    def _serve(self):
        while not self.stopping.is_set():
            try:
                conn, _addr = self.sock.accept()
            except (TimeoutError, OSError):
                continue
            self.accepted.append(conn)  # kept open, never read nor answered

    def close(self):
        self.stopping.set()
        self.thread.join(5)
        for conn in self.accepted:
            conn.close()
        self.sock.close()


@pytest.fixture
def hung_elasticsearch(db_indexed, settings):
    from search.backends import _elasticsearch_backend

    server = SilentServer()
    settings.RELAIS_SEARCH = {"BACKEND": "elasticsearch", "ELASTICSEARCH_URL": server.url, "INDEX_PREFIX": "test",
                              "TIMEOUT": 1, "RETRY_AFTER": 30}
    _elasticsearch_backend.cache_clear()
    yield server
    _elasticsearch_backend.cache_clear()
    server.close()


def test_a_hung_elasticsearch_costs_one_timeout_then_the_database_answers(hung_elasticsearch, client):
    started = time.monotonic()
    page = client.get("/recherche/", {"q": "ml arras"})
    first = time.monotonic() - started
    assert page.status_code == 200
    assert "Mission locale de l&#x27;Arrageois" in page.content.decode()  # the database answered
    assert hung_elasticsearch.accepted  # Elasticsearch was asked, and held the connection
    # Without the timeout the client would wait for ever on this server: the page came back after about
    # one timeout (1 s), far from the old defaults (several seconds per query, two queries per page).
    assert first < 5
    asked = len(hung_elasticsearch.accepted)
    response = client.get("/api/recherche", {"q": "ml arras"})
    assert response.status_code == 200
    assert len(hung_elasticsearch.accepted) == asked  # the next searches go straight to the database
