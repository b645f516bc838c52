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

from django.db import transaction

from search import registry
from search.backends import BackendUnavailable, database_backend, elasticsearch_backend
from search.documents import SearchDoc
from search.models import SearchOutbox

logger = logging.getLogger(__name__)


def _public_ids(document_type: registry.DocumentType):
    return document_type.queryset().prefetch_related(None).order_by().values_list("pk", flat=True)


def expected_keys() -> set[str]:
    """The keys a rebuild would index, read from the source tables without building the documents."""
    return {document_type.key(pk) for document_type in registry.document_types()
            for pk in _public_ids(document_type)}


def expected_count() -> int:
    """How many documents a rebuild would index (one count query per document type): what /healthz compares
    with."""
    return sum(document_type.queryset().prefetch_related(None).order_by().count()
               for document_type in registry.document_types())


def all_documents() -> Iterator[SearchDoc]:
    """Every public document, from the source tables (what a rebuild indexes)."""
    for document_type in registry.document_types():
        for row in document_type.queryset().iterator(chunk_size=500):
            doc = document_type.build(row)
            if doc:
                yield doc


def document_for_key(key: str) -> SearchDoc | None:
    """The current document of a key, or None when its source is gone or no longer public."""
    kind, _, raw_id = key.partition(":")
    document_type = registry.document_type(kind)
    if document_type is None or not raw_id.isdigit():
        return None
    row = document_type.queryset().filter(pk=int(raw_id)).first()
    return document_type.build(row) if row is not None else None


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


def refresh_after_commit(keys) -> None:
    """The documents a bulk write changed without save signals (the directory import's ``bulk_create``): queued
    once after the commit, or collected by the enclosing ``deferred_updates()`` block into its outbox."""
    _after_commit(keys)


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


def _document_type(kind: str) -> registry.DocumentType | None:
    document_type = registry.document_type(kind)
    if document_type is None:  # unregistered since its handlers were connected (a test swapping types)
        logger.debug("search: no document type %r any more", kind)
    return document_type


def _handlers(kind: str) -> dict[str, Callable]:
    """The signal handlers of one document type; each looks its type up when called, so registering the
    kind again (a test, a reload) takes effect without connecting twice."""

    def on_save(sender, instance, raw=False, **kwargs):
        document_type = _document_type(kind)
        if document_type is not None and not raw:
            _after_commit(document_type.keys_for(instance))

    def on_delete(sender, instance, **kwargs):
        document_type = _document_type(kind)
        if document_type is not None:
            _after_commit(document_type.removed_keys(instance))

    def on_m2m(sender, instance, action, **kwargs):
        document_type = _document_type(kind)
        if (document_type is not None and action in ("post_add", "post_remove", "post_clear")
                and isinstance(instance, document_type.models)):
            _after_commit(document_type.keys_for(instance))

    return {"save": on_save, "delete": on_delete, "m2m": on_m2m}


_connected: dict[str, dict[str, Callable]] = {}


def connect_document_type(document_type: registry.DocumentType) -> None:
    """Connect the signal handlers of a registered type, per model: a save (or, for Wagtail pages, a
    publication or unpublication), a deletion, and a change of its declared many-to-many fields."""
    from django.db.models.signals import m2m_changed, post_delete, post_save
    from wagtail.signals import page_published, page_unpublished

    handlers = _connected.setdefault(document_type.kind, _handlers(document_type.kind))
    for model in document_type.models:
        uid = f"search.{document_type.kind}.{model._meta.label_lower}"
        if document_type.pages:  # a draft saved is not public: pages change on (un)publication
            page_published.connect(handlers["save"], sender=model, dispatch_uid=f"{uid}.publish")
            page_unpublished.connect(handlers["save"], sender=model, dispatch_uid=f"{uid}.unpublish")
        else:
            post_save.connect(handlers["save"], sender=model, dispatch_uid=f"{uid}.save")
        post_delete.connect(handlers["delete"], sender=model, dispatch_uid=f"{uid}.delete")
        for name in document_type.m2m:
            through = model._meta.get_field(name).remote_field.through
            m2m_changed.connect(handlers["m2m"], sender=through, dispatch_uid=f"{uid}.{name}")


def _indexed_page_type(page) -> registry.DocumentType | None:
    model = page.specific_class
    return next((t for t in registry.document_types() if t.pages and model in t.models), None)


def on_view_restriction(sender, instance, **kwargs):
    """A view restriction added to or removed from a page: that page, every indexed page under it, and the
    indexed page above it (a theme page lists its public articles) are recomputed; restricted pages leave
    the public index."""
    from wagtail.models import Page

    page = Page.objects.filter(pk=instance.page_id).first()
    if page is None:
        return
    keys = []
    below = Page.objects.descendant_of(page, inclusive=True)
    for document_type in registry.document_types():
        if document_type.pages:
            keys += [document_type.key(pk) for pk in below.type(*document_type.models).values_list("pk", flat=True)]
    parent = page.get_parent()
    parent_type = _indexed_page_type(parent) if parent is not None else None
    if parent_type is not None:
        keys.append(parent_type.key(parent.pk))
    _after_commit(keys)


def connect_signals() -> None:
    """What every page type shares: view restrictions (each document type connects its own handlers when
    it is registered, see ``connect_document_type``)."""
    from django.db.models.signals import post_delete, post_save
    from wagtail.models import PageViewRestriction

    post_save.connect(on_view_restriction, sender=PageViewRestriction, dispatch_uid="search.on_restriction_save")
    post_delete.connect(on_view_restriction, sender=PageViewRestriction,
                        dispatch_uid="search.on_restriction_delete")
