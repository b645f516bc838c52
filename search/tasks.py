"""Background tasks of the search layer (django-tasks): index updates leave the editor's request."""

from django_tasks import task


@task()
def refresh_index(keys: list[str]) -> int:
    """Recompute these documents in every index. A failure leaves the keys in the outbox, which
    ``search_index --sync`` replays; the task itself then still ends normally (nothing to retry here)."""
    from search import indexing

    indexing._safe_refresh(keys)
    return len(keys)
