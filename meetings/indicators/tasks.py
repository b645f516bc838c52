"""Background tasks of the indicators (django-tasks): the operators' reminders are sent by the worker, so the
scheduled command never waits on the SMTP server."""

from django_tasks import task


@task()
def send_operator_reminder(operator_id: int, month: str, stage: str) -> int:
    """E-mail the accounts of one operator that its table of ``month`` (YYYY-MM-DD) is awaited; messages sent."""
    import datetime as dt

    from django.conf import settings
    from django.core.mail import send_mail

    from meetings.indicators import operator_table
    from meetings.indicators.models import OperatorTable, ReportingOperator

    operator = ReportingOperator.objects.select_related("organisation").filter(pk=operator_id).first()
    month_start = dt.date.fromisoformat(month)
    if operator is None or OperatorTable.objects.filter(operator=operator, month=month_start,
                                                        status=OperatorTable.Status.SUBMITTED).exists():
        return 0  # gone, or submitted in between: nothing to remind
    recipients = sorted({user.email for user in operator_table.users_of(operator) if user.email})
    if not recipients:
        return 0
    subject, body = operator_table.reminder_message(operator, month_start, stage)
    return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
