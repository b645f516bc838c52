"""Keeping the indexes in step with the content: after each commit, on rebuild, and on catch-up.

After each commit the keys of what changed are sent to a background task (``search.tasks.refresh_index``):
the editor's request never waits on an index. The database index is always written (it is the default
backend and the fallback). When Elasticsearch is configured it is written too; an update it cannot take,
or a task that fails or cannot be queued, goes to the outbox (``SearchOutbox``), which
``search_index --sync`` (or the next rebuild) replays into both indexes, so nothing is lost. ``--sync`` first
compares the keys in each index with the keys the database says should be there, so a lost or partial index
is repaired too. A document Elasticsearch refuses stays in the outbox as "rejected" and blocks nothing else.
"""

import logging
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

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
    # public(): no view restriction (login, password, groups) on the page or any of its ancestors.
    return Page.objects.live().public().type(*models)


def expected_keys() -> set[str]:
    """The keys a rebuild would index, read from the source tables without building the documents."""
    keys: set[str] = set()
    organisations = _organisations()
    if organisations is not None:
        keys.update(adapters.org_key(pk) for pk in
                    organisations.filter(status=adapters.PUBLISHED).values_list("pk", flat=True))
    services = _services()
    if services is not None:
        keys.update(adapters.service_key(pk) for pk in services.filter(
            status=adapters.PUBLISHED, organisation__status=adapters.PUBLISHED).values_list("pk", flat=True))
    keys.update(adapters.article_key(pk) for pk in _pages().values_list("pk", flat=True))
    return keys


def expected_count() -> int:
    """How many documents a rebuild would index (three count queries): what /healthz compares with."""
    total = 0
    organisations = _organisations()
    if organisations is not None:
        total += organisations.filter(status=adapters.PUBLISHED).count()
    services = _services()
    if services is not None:
        total += services.filter(status=adapters.PUBLISHED, organisation__status=adapters.PUBLISHED).count()
    return total + _pages().count()


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
    for page in _pages().specific():
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


def _chunks(items: Iterable, size: int = 500) -> Iterator[list]:
    batch: list = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _documents(keys: list[str]) -> tuple[list[SearchDoc], list[str]]:
    docs, gone = [], []
    for key in keys:
        doc = document_for_key(key)
        (docs.append(doc) if doc else gone.append(key))
    return docs, gone


def refresh_keys(keys) -> None:
    """Recompute the documents of these keys and write them (or remove them) in every index; then clear
    their outbox entries, except those Elasticsearch could not take (queued again, or rejected)."""
    for batch in _chunks(dict.fromkeys(keys)):
        docs, gone = _documents(batch)
        database = database_backend()
        database.index(docs)
        database.delete(gone)
        left = _write_secondary(docs, gone)
        SearchOutbox.objects.filter(key__in=[k for k in batch if k not in left]).delete()


def _write_secondary(docs: list[SearchDoc], gone: list[str]) -> set[str]:
    """Write to Elasticsearch; returns the keys left in the outbox (unreachable: pending; refused: rejected)."""
    backend = elasticsearch_backend()
    if backend is None:
        return set()
    try:
        rejected = backend.index(docs)
        backend.delete(gone)
    except BackendUnavailable as exc:
        logger.warning("search: Elasticsearch unreachable, %d update(s) queued in the outbox: %s",
                       len(docs) + len(gone), exc)
        for doc in docs:
            _queue(doc.key, SearchOutbox.Action.INDEX, str(exc))
        for key in gone:
            _queue(key, SearchOutbox.Action.DELETE, str(exc))
        return {d.key for d in docs} | set(gone)
    for key, reason in rejected.items():
        _reject(key, reason)
    return set(rejected)


def _queue(key: str, action: str, error: str, state: str = SearchOutbox.State.PENDING) -> None:
    entry, created = SearchOutbox.objects.get_or_create(key=key, defaults={
        "action": action, "state": state, "last_error": error[:2000]})
    if not created:
        entry.action = action
        entry.state = state
        entry.attempts += 1
        entry.last_error = error[:2000]
        entry.save(update_fields=["action", "state", "attempts", "last_error", "updated_at"])


def _reject(key: str, reason: str) -> None:
    """A document Elasticsearch refused: logged, kept with its reason, not retried until its source changes."""
    logger.error("search: Elasticsearch refused %s: %s", key, reason)
    _queue(key, SearchOutbox.Action.INDEX, reason, SearchOutbox.State.REJECTED)


@dataclass
class SyncReport:
    """What ``search_index --sync`` did, per index: keys re-indexed (missing) and removed (not public)."""

    missing: dict[str, int] = field(default_factory=dict)
    extra: dict[str, int] = field(default_factory=dict)
    replayed: int = 0
    pending: int = 0
    unavailable: str = ""
    rejected: list[tuple[str, str]] = field(default_factory=list)


def _repair(backend, expected: set[str], name: str, report: SyncReport) -> None:
    """Index the expected keys the backend lacks and delete the keys it should not have. Keys already
    rejected are not sent again (they would be refused again): saving their source retries them."""
    present = backend.keys()
    missing, extra = expected - present, sorted(present - expected)
    if name != "database":
        missing -= set(SearchOutbox.objects.filter(state=SearchOutbox.State.REJECTED).values_list("key", flat=True))
    missing = sorted(missing)
    report.missing[name], report.extra[name] = len(missing), len(extra)
    if missing or extra:
        logger.warning("search: %s index was missing %d document(s) and had %d too many: repaired",
                       name, len(missing), len(extra))
    for batch in _chunks(missing):
        docs, gone = _documents(batch)
        rejected = backend.index(docs)
        backend.delete(gone)
        for key, reason in rejected.items():
            _reject(key, reason)
    for batch in _chunks(extra):
        backend.delete(batch)


def sync(*, batch: int = 500) -> SyncReport:
    """Repair each index against the database (missing keys indexed, extra keys removed), then replay the
    pending outbox entries into both indexes."""
    report = SyncReport()
    backend = elasticsearch_backend(batch=True)
    database = database_backend()
    expected = expected_keys()
    _repair(database, expected, "database", report)
    if backend is not None:
        try:
            _repair(backend, expected, "elasticsearch", report)
        except BackendUnavailable as exc:
            report.unavailable = str(exc)
    if not report.unavailable:
        report.replayed, report.unavailable = _replay(backend, database, batch)
    report.pending = SearchOutbox.objects.filter(state=SearchOutbox.State.PENDING).count()
    report.rejected = list(SearchOutbox.objects.filter(state=SearchOutbox.State.REJECTED)
                           .order_by("key").values_list("key", "last_error"))
    return report


def _replay(backend, database, batch: int) -> tuple[int, str]:
    """Replay the pending outbox entries: (replayed, Elasticsearch's error if it stopped answering)."""
    done = 0
    pending = SearchOutbox.objects.filter(state=SearchOutbox.State.PENDING)
    last_id = 0
    while True:
        entries = list(pending.filter(id__gt=last_id).order_by("id")[:batch])
        if not entries:
            return done, ""
        last_id = entries[-1].id
        docs, gone = _documents([entry.key for entry in entries])
        # A failed task may have missed the database index too: writing it again costs little.
        database.index(docs)
        database.delete(gone)
        rejected: dict[str, str] = {}
        if backend is not None:
            try:
                rejected = backend.index(docs)
                backend.delete(gone)
            except BackendUnavailable as exc:
                pending.filter(pk__in=[e.pk for e in entries]).update(last_error=str(exc)[:2000])
                logger.warning("search: Elasticsearch unreachable during --sync: %s", exc)
                return done, str(exc)
        for key, reason in rejected.items():
            _reject(key, reason)
        SearchOutbox.objects.filter(pk__in=[e.pk for e in entries if e.key not in rejected]).delete()
        done += len(entries) - len(rejected)


def rebuild(*, progress: Callable[[str, int], None] | None = None) -> dict[str, int]:
    """Rebuild the database index, then (if configured) Elasticsearch into new indices swapped by alias."""
    docs = list(all_documents())
    counts = {"database": database_backend().rebuild(
        docs, progress=(lambda n: progress("database", n)) if progress else None)}
    backend = elasticsearch_backend(batch=True)
    if backend is not None:
        rejected: dict[str, str] = {}
        counts["elasticsearch"] = backend.rebuild(
            docs, progress=(lambda n: progress("elasticsearch", n)) if progress else None, rejected=rejected)
        SearchOutbox.objects.all().delete()  # a full rebuild supersedes every pending update
        for key, reason in rejected.items():
            _reject(key, reason)
        counts["elasticsearch"] -= len(rejected)
    else:
        SearchOutbox.objects.all().delete()
    return counts


# --- signals ---------------------------------------------------------------------------------------------
_deferred = threading.local()


@contextmanager
def deferred_updates():
    """For bulk writes (the directory import), to be entered inside their transaction: the keys the saves
    affect are collected, recorded in the outbox in that same transaction, and handed to one task after the
    commit, which clears them once indexed. A process stopped between the commit and the indexing still
    owes them: ``search_index --sync`` indexes them."""
    if getattr(_deferred, "keys", None) is not None:  # nested: the outer block owns the keys
        yield
        return
    _deferred.keys = {}
    try:
        yield
        keys = list(_deferred.keys)
    finally:
        _deferred.keys = None
    if not keys or (transaction.get_connection().in_atomic_block and transaction.get_rollback()):
        return  # nothing saved, or a dry run that rolls back
    for batch in _chunks(keys):
        SearchOutbox.objects.bulk_create([SearchOutbox(key=key, action=SearchOutbox.Action.INDEX,
                                                       last_error="import") for key in batch],
                                         ignore_conflicts=True)
        SearchOutbox.objects.filter(key__in=batch).update(state=SearchOutbox.State.PENDING,
                                                          action=SearchOutbox.Action.INDEX)
    transaction.on_commit(lambda: enqueue_refresh(keys))


def _after_commit(keys) -> None:
    keys = list(dict.fromkeys(keys))
    if not keys:
        return
    collecting = getattr(_deferred, "keys", None)
    if collecting is not None:
        collecting.update(dict.fromkeys(keys))
        return
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


def on_view_restriction(sender, instance, **kwargs):
    """A view restriction added to or removed from a page: that page, every guide page under it, and its
    theme page (which lists its public articles) are recomputed; restricted pages leave the public index."""
    from wagtail.models import Page

    page = Page.objects.filter(pk=instance.page_id).first()
    if page is None:
        return
    models = [m for m in (_model("guide.ArticlePage"), _model("guide.ThemePage")) if m is not None]
    keys = [adapters.article_key(pk) for pk in
            Page.objects.descendant_of(page, inclusive=True).type(*models).values_list("pk", flat=True)]
    parent = page.get_parent()
    if parent is not None and adapters.is_indexed_page(parent):
        keys.append(adapters.article_key(parent.pk))
    _after_commit(keys)


def connect_signals() -> None:
    from django.db.models.signals import m2m_changed, post_delete, post_save
    from wagtail.models import PageViewRestriction
    from wagtail.signals import page_published, page_unpublished

    post_save.connect(on_view_restriction, sender=PageViewRestriction, dispatch_uid="search.on_restriction_save")
    post_delete.connect(on_view_restriction, sender=PageViewRestriction,
                        dispatch_uid="search.on_restriction_delete")

    post_save.connect(on_save, dispatch_uid="search.on_save")
    post_delete.connect(on_delete, dispatch_uid="search.on_delete")
    Organisation = _model("directory.Organisation")
    if Organisation is not None:
        m2m_changed.connect(on_m2m, sender=Organisation.territories.through, dispatch_uid="search.on_m2m")
    page_published.connect(on_page_change, dispatch_uid="search.on_publish")
    page_unpublished.connect(on_page_change, dispatch_uid="search.on_unpublish")
