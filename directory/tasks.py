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
