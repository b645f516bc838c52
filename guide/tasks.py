"""Background tasks of the guide (django-tasks): the whole-guide PDF is built by the worker, once per key."""

from django_tasks import task


@task()
def build_guide_pdf(document_id: int, requested_version: str, visitor_slot: str = "") -> bool:
    """Render one ``GuideDocument`` into storage (see guide.printing)."""
    from guide import printing

    return printing.build(document_id, requested_version, visitor_slot)
