"""Convocations, updates, cancellations and reminders are sent by a background task, not by the request."""

import smtplib

from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from meetings import tasks
from meetings.models import Meeting


def test_convening_queues_the_emails_and_freezes_the_list_now(client_as, body_secretary, body, make_meeting,
                                                              dummy_tasks):
    meeting = make_meeting(body, convene=False, days=7)
    response = client_as(body_secretary).post(reverse("meetings:convene", args=[meeting.pk]), follow=True)
    assert "3 convocation(s) en cours d&#x27;envoi" in response.content.decode()
    assert mail.outbox == []  # nothing sent by the request itself
    [result] = dummy_tasks.queued(tasks.send_meeting_emails)
    assert list(result.args) == [meeting.pk, "convocation"]
    meeting.refresh_from_db()
    assert meeting.convened_at is not None  # the expected list is frozen at once
    # The worker then runs the task: the messages leave.
    assert result.task.call(*result.args, **result.kwargs) == 3
    assert len(mail.outbox) == 3 and mail.outbox[0].subject.startswith("Convocation :")


def test_cancelling_and_editing_queue_their_notices(client_as, body_secretary, body, make_meeting, dummy_tasks):
    meeting = make_meeting(body, days=5)
    client = client_as(body_secretary)
    client.post(reverse("meetings:cancel", args=[meeting.pk]))
    assert Meeting.objects.get(pk=meeting.pk).status == Meeting.Status.CANCELLED
    assert [list(r.args) for r in dummy_tasks.queued(tasks.send_meeting_emails)] == [[meeting.pk, "cancel"]]
    assert mail.outbox == []


def test_reminders_command_queues_one_task_per_session(body, make_meeting, dummy_tasks):
    soon = make_meeting(body, days=1)
    call_command("send_meeting_reminders", stdout=open("/dev/null", "w"))
    assert [list(r.args) for r in dummy_tasks.queued(tasks.send_meeting_emails)] == [[soon.pk, "reminder"]]
    call_command("send_meeting_reminders", stdout=open("/dev/null", "w"))
    assert len(dummy_tasks.queued(tasks.send_meeting_emails)) == 1  # claimed once, queued once


def test_a_failing_smtp_server_is_reported_and_breaks_nothing(client_as, body_secretary, body, make_meeting,
                                                             monkeypatch):
    """With the immediate backend (tests, `make run`) the task runs in the request: a refused SMTP connection
    becomes a French error message, the list stays frozen, and no page crashes."""
    from django.core.mail.backends.locmem import EmailBackend

    def refuse(self, messages):
        raise smtplib.SMTPConnectError(421, "service not available")

    monkeypatch.setattr(EmailBackend, "send_messages", refuse)
    meeting = make_meeting(body, convene=False, days=7)
    response = client_as(body_secretary).post(reverse("meetings:convene", args=[meeting.pk]), follow=True)
    assert response.status_code == 200
    assert "L&#x27;envoi des 3 courriel(s) a échoué" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.convened_at is not None
