"""Broadcasting sheet changes to every open sheet of a session (a Channels group per session).

The change is always saved before it is broadcast (services.announce_change waits for the commit). If the
channel layer is down (Redis unreachable), saving still succeeded: the caller is told so that the page can
say live updates are paused.
"""

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.utils import timezone

from meetings.models import Attendance, Invitation, Meeting
from meetings.queries import sheet_counts

log = logging.getLogger(__name__)


def group_name(meeting_id: int) -> str:
    return f"meeting-sheet-{meeting_id}"


def row_state(invitation: Invitation) -> dict:
    attendance = getattr(invitation, "attendance", None)
    return {
        "invitation": invitation.pk,
        "name": str(invitation.display_name),
        "status": attendance.status if attendance else "",
        "status_label": str(attendance.get_status_display()) if attendance else "",
        "represented_by": attendance.represented_by if attendance else "",
        "arrived_at": timezone.localtime(attendance.arrived_at).strftime("%H:%M")
        if attendance and attendance.arrived_at else "",
    }


def sheet_state(meeting: Meeting) -> dict:
    """The whole sheet as a reconnecting client needs it (3 queries)."""
    invitations = meeting.invitations.select_related("attendance").order_by("position", "pk")
    walk_ins = Attendance.objects.filter(meeting=meeting, invitation=None).order_by("pk")
    return {
        "type": "state",
        "rows": [row_state(inv) for inv in invitations],
        "walk_ins": [{"id": a.pk, "name": a.person_name, "status": a.status} for a in walk_ins],
        "counts": sheet_counts(meeting).as_dict(),
        "closed": meeting.closed_at is not None,
    }


def change_message(meeting: Meeting, invitation: Invitation | None = None, *, reload: bool = False) -> dict:
    message = {"type": "sheet.change", "counts": sheet_counts(meeting).as_dict(), "reload": reload,
               "closed": meeting.closed_at is not None}
    if invitation is not None:
        invitation = Invitation.objects.select_related("attendance").get(pk=invitation.pk)
        message["row"] = row_state(invitation)
    return message


def announce(meeting_id: int, message: dict) -> bool:
    """Send ``message`` to every open sheet of the session (the one sender; services.announce_change calls it
    once the change is committed). False when the channel layer cannot be reached."""
    layer = get_channel_layer()
    if layer is None:
        return False
    try:
        async_to_sync(layer.group_send)(group_name(meeting_id), message)
    except Exception:  # Redis down, timeout…: the change is saved, only the live update is lost
        log.warning("live sheet broadcast failed for meeting %s", meeting_id, exc_info=True)
        return False
    return True
