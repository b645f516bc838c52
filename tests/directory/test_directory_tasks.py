"""A visitor's error report is stored by the request; the e-mail to the record's keepers is a task."""

import pytest
from django.core import mail
from django.urls import reverse

from directory import tasks
from directory.models import ErrorReport
from directory.permissions import assign_editor


@pytest.fixture
def org(territories, make_org):
    return make_org("Mission locale de l'Arrageois", commune=territories["arras"], serving=[territories["62-ARR"]])


def test_error_report_email_is_queued_not_sent_by_the_request(client, org, partner_editor, dummy_tasks, settings):
    settings.RELAIS_BASE_URL = "https://relais.exemple.org"
    assign_editor(org, partner_editor)
    response = client.post(reverse("directory:report-error", args=[org.slug]),
                           {"message": "Le numéro de téléphone a changé.", "email": ""})
    assert response.status_code == 302
    report = ErrorReport.objects.get(organisation=org)
    assert mail.outbox == []
    [result] = dummy_tasks.queued(tasks.notify_error_report)
    assert list(result.args) == [report.pk]
    assert result.task.call(*result.args) == 1  # what the worker does
    assert mail.outbox[0].to == ["editeur@exemple.invalid"]
    assert f"https://relais.exemple.org{org.get_absolute_url()}" in mail.outbox[0].body
