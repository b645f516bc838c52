"""Background tasks of the directory (django-tasks): a visitor's error report is stored by the request and
mailed to the record's editors by the worker, so the public page never waits on the SMTP server.

Imports stay a management command (``import_directory``): the admin has no import view to take them off."""

from django_tasks import task


@task()
def notify_error_report(report_id: int) -> int:
    """Mail the report to its organisation's editors and the département admins; how many messages left."""
    from directory.models import ErrorReport
    from directory.notifications import notify_error_report as notify

    report = ErrorReport.objects.select_related("organisation").filter(pk=report_id).first()
    if report is None:  # erased in between: nothing to say
        return 0
    return notify(report)


REFERENCES_CHUNK = 1000


@task()
def index_references(model_label: str, pks: list[int]) -> int:
    """Feed Wagtail's reference index for records an import wrote in bulk (``bulk_create`` sends no save signal,
    and indexing each record inside the import cost 40 % of its time): the admin's usage counts of territories
    and organisations then count them. How many records were indexed."""
    from django.apps import apps
    from wagtail.models import ReferenceIndex

    model, indexed = apps.get_model(model_label), 0
    for start in range(0, len(pks), REFERENCES_CHUNK):
        for record in model.objects.filter(pk__in=pks[start:start + REFERENCES_CHUNK]).order_by("pk"):
            ReferenceIndex.create_or_update_for_object(record)
            indexed += 1
    return indexed
