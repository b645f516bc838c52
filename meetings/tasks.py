"""Background tasks of the meetings (django-tasks): convocations, updates, cancellations and reminders are
sent by the worker, so a secretary's click never waits on the SMTP server."""

from django_tasks import task


@task()
def send_meeting_emails(meeting_id: int, kind: str, invitation_ids: list[int] | None = None) -> int:
    """E-mail the session's invitations (or only ``invitation_ids``); returns how many messages left."""
    from meetings import convocations
    from meetings.models import Invitation, Meeting

    meeting = Meeting.objects.filter(pk=meeting_id).first()
    if meeting is None:
        return 0
    invitations = None
    if invitation_ids is not None:
        invitations = list(Invitation.objects.filter(meeting=meeting, pk__in=invitation_ids)
                           .exclude(email="").select_related("organisation"))
    return convocations.send_to_invitations(meeting, kind, invitations)
