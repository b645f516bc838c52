"""Keeping the indexes in step with the content: after each commit, on rebuild, and on catch-up.

After each commit the keys of what changed are sent to a background task (``search.tasks.refresh_index``):
the editor's request never waits on an index. The database index is always written (it is the default
backend and the fallback). When Elasticsearch is configured it is written too; an update it cannot take,
or a task that fails or cannot be queued, goes to the outbox (``SearchOutbox``), which
``search_index --sync`` (or the next rebuild) replays into both indexes, so nothing is lost.
"""

import logging
from collections.abc import Callable, Iterator

from django.apps import apps
from django.db import transaction

from search import adapters
from search.backends import BackendUnavailable, database_backend, elasticsearch_backend
from search.documents import KIND_ARTICLE, KIND_ORGANISATION, KIND_SERVICE, SearchDoc
from search.models import SearchOutbox

logger = logging.getLogger(__name__)


def _model(label: str):
    try:
        return apps.get_model(label)
    except LookupError:
        return None


def _organisations():
    Organisation = _model("directory.Organisation")
    if Organisation is None:
        return None
    return Organisation.objects.select_related("commune").prefetch_related("territories", "services")


def _services():
    Service = _model("directory.Service")
    if Service is None:
        return None
    return Service.objects.select_related("organisation__commune").prefetch_related("organisation__territories")


def _pages():
    from wagtail.models import Page

    models = [m for m in (_model("guide.ArticlePage"), _model("guide.ThemePage")) if m is not None]
    if not models:
        return Page.objects.none()
    return Page.objects.live().type(*models).specific()


def all_documents() -> Iterator[SearchDoc]:
    """Every public document, from the source tables (what a rebuild indexes)."""
    organisations = _organisations()
    if organisations is not None:
        for organisation in organisations.filter(status=adapters.PUBLISHED).iterator(chunk_size=500):
            doc = adapters.organisation_document(organisation)
            if doc:
                yield doc
    services = _services()
    if services is not None:
        published = services.filter(status=adapters.PUBLISHED, organisation__status=adapters.PUBLISHED)
        for service in published.iterator(chunk_size=500):
            doc = adapters.service_document(service)
            if doc:
                yield doc
    for page in _pages():
        doc = adapters.page_document(page)
        if doc:
            yield doc


def document_for_key(key: str) -> SearchDoc | None:
    """The current document of a key, or None when its source is gone or no longer public."""
    kind, _, raw_id = key.partition(":")
    if not raw_id.isdigit():
        return None
    if kind == KIND_ORGANISATION:
        source = _organisations()
        instance = source.filter(pk=raw_id).first() if source is not None else None
        return adapters.organisation_document(instance) if instance else None
    if kind == KIND_SERVICE:
        source = _services()
        instance = source.filter(pk=raw_id).first() if source is not None else None
        return adapters.service_document(instance) if instance else None
    if kind == KIND_ARTICLE:
        from wagtail.models import Page

        page = Page.objects.filter(pk=raw_id).first()
        return adapters.page_document(page) if page and adapters.is_indexed_page(page) else None
    return None


def refresh_keys(keys) -> None:
    """Recompute the documents of these keys and write them (or remove them) in every index."""
    keys = list(dict.fromkeys(keys))
    docs, gone = [], []
    for key in keys:
        doc = document_for_key(key)
        (docs.append(doc) if doc else gone.append(key))
    database = database_backend()
    database.index(docs)
    database.delete(gone)
    _write_secondary(docs, gone)


def _write_secondary(docs: list[SearchDoc], gone: list[str]) -> None:
    backend = elasticsearch_backend()
    if backend is None:
        return
    try:
        backend.index(docs)
        backend.delete(gone)
    except BackendUnavailable as exc:
        logger.warning("search: Elasticsearch unreachable, %d update(s) queued in the outbox: %s",
                       len(docs) + len(gone), exc)
        for doc in docs:
            _queue(doc.key, SearchOutbox.Action.INDEX, str(exc))
        for key in gone:
            _queue(key, SearchOutbox.Action.DELETE, str(exc))


def _queue(key: str, action: str, error: str) -> None:
    entry, created = SearchOutbox.objects.get_or_create(key=key, defaults={"action": action,
                                                                           "last_error": error[:2000]})
    if not created:
        entry.action = action
        entry.attempts += 1
        entry.last_error = error[:2000]
        entry.save(update_fields=["action", "attempts", "last_error", "updated_at"])


def sync(*, batch: int = 500) -> tuple[int, int]:
    """Replay the outbox into the database index and Elasticsearch: (done, still pending)."""
    backend = elasticsearch_backend(batch=True)
    database = database_backend()
    done = 0
    while True:
        entries = list(SearchOutbox.objects.order_by("id")[:batch])
        if not entries:
            break
        docs, gone = [], []
        for entry in entries:
            doc = document_for_key(entry.key)
            (docs.append(doc) if doc else gone.append(entry.key))
        # A failed task may have missed the database index too: writing it again costs little.
        database.index(docs)
        database.delete(gone)
        if backend is None:
            SearchOutbox.objects.filter(pk__in=[e.pk for e in entries]).delete()
            done += len(entries)
            continue
        try:
            backend.index(docs)
            backend.delete(gone)
        except BackendUnavailable as exc:
            SearchOutbox.objects.filter(pk__in=[e.pk for e in entries]).update(last_error=str(exc)[:2000])
            return done, SearchOutbox.objects.count()
        SearchOutbox.objects.filter(pk__in=[e.pk for e in entries]).delete()
        done += len(entries)
    return done, 0


def rebuild(*, progress: Callable[[str, int], None] | None = None) -> dict[str, int]:
    """Rebuild the database index, then (if configured) Elasticsearch into new indices swapped by alias."""
    docs = list(all_documents())
    counts = {"database": database_backend().rebuild(
        docs, progress=(lambda n: progress("database", n)) if progress else None)}
    backend = elasticsearch_backend(batch=True)
    if backend is not None:
        counts["elasticsearch"] = backend.rebuild(
            docs, progress=(lambda n: progress("elasticsearch", n)) if progress else None)
        SearchOutbox.objects.all().delete()  # a full rebuild supersedes every pending update
    return counts


# --- signals ---------------------------------------------------------------------------------------------
def _after_commit(keys) -> None:
    keys = list(dict.fromkeys(keys))
    if keys:
        transaction.on_commit(lambda: enqueue_refresh(keys))


def enqueue_refresh(keys: list[str]) -> None:
    """Hand the keys to the background task; if it cannot even be queued, to the outbox."""
    from search import tasks

    try:
        tasks.refresh_index.enqueue(list(keys))
    except Exception:  # a failing queue must never break the editor's save either
        logger.exception("search: could not queue the index update of %s", keys)
        _queue_all(keys, "index update not queued")


def _safe_refresh(keys) -> None:
    try:
        refresh_keys(keys)
    except Exception:  # a failing index update must never break the editor's save
        logger.exception("search: index update failed for %s", keys)
        _queue_all(keys, "index update failed")


def _queue_all(keys, error: str) -> None:
    for key in keys:
        try:
            _queue(key, SearchOutbox.Action.INDEX, error)
        except Exception:
            logger.exception("search: could not queue %s", key)


def keys_for_instance(instance) -> list[str]:
    """Which documents a saved or deleted object affects."""
    label = instance._meta.label
    if label == "directory.Organisation":
        keys = [adapters.org_key(instance.pk)]
        if instance.pk:
            keys += [adapters.service_key(pk) for pk in instance.services.values_list("pk", flat=True)]
        return keys
    if label == "directory.Service":
        return [adapters.service_key(instance.pk), adapters.org_key(instance.organisation_id)]
    return []


def on_save(sender, instance, raw=False, **kwargs):
    if raw:
        return
    label = sender._meta.label
    if label in ("directory.Organisation", "directory.Service"):
        _after_commit(keys_for_instance(instance))


def on_delete(sender, instance, **kwargs):
    label = sender._meta.label
    if label == "directory.Organisation":
        _after_commit([adapters.org_key(instance.pk)])
    elif label == "directory.Service":
        _after_commit([adapters.service_key(instance.pk), adapters.org_key(instance.organisation_id)])
    elif label in ("guide.ArticlePage", "guide.ThemePage"):
        _after_commit([adapters.article_key(instance.pk)])


def on_m2m(sender, instance, action, **kwargs):
    if action in ("post_add", "post_remove", "post_clear") and instance._meta.label == "directory.Organisation":
        _after_commit(keys_for_instance(instance))


def on_page_change(sender, instance, **kwargs):
    """page_published / page_unpublished: the page, and its theme page (which lists its articles)."""
    if not adapters.is_indexed_page(instance):
        return
    keys = [adapters.article_key(instance.pk)]
    parent = instance.get_parent()
    if parent is not None and adapters.is_indexed_page(parent):
        keys.append(adapters.article_key(parent.pk))
    _after_commit(keys)


def connect_signals() -> None:
    from django.db.models.signals import m2m_changed, post_delete, post_save
    from wagtail.signals import page_published, page_unpublished

    post_save.connect(on_save, dispatch_uid="search.on_save")
    post_delete.connect(on_delete, dispatch_uid="search.on_delete")
    Organisation = _model("directory.Organisation")
    if Organisation is not None:
        m2m_changed.connect(on_m2m, sender=Organisation.territories.through, dispatch_uid="search.on_m2m")
    page_published.connect(on_page_change, dispatch_uid="search.on_publish")
    page_unpublished.connect(on_page_change, dispatch_uid="search.on_unpublish")
