"""What the meetings views share: the session a user may read or run, and how an answer is shaped."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from meetings.models import Body, Meeting
from meetings.permissions import can_manage_body, can_view_body


def _meeting_or_404(pk) -> Meeting:
    return get_object_or_404(Meeting.objects.select_related("body", "body__territory"), pk=pk)


def viewable_meeting(request, pk) -> Meeting:
    meeting = _meeting_or_404(pk)
    if not can_view_body(request.user, meeting.body):
        raise PermissionDenied
    return meeting


def managed_meeting(request, pk) -> Meeting:
    meeting = _meeting_or_404(pk)
    if not can_manage_body(request.user, meeting.body):
        raise PermissionDenied
    return meeting


def managed_body(request, slug) -> Body:
    body = get_object_or_404(Body, slug=slug)
    if not can_manage_body(request.user, body):
        raise PermissionDenied
    return body


def wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def report_sending(request, sending, sent_text: str, queued_text: str) -> None:
    """Tell the secretary what became of the e-mails: sent, on their way (worker), or failed."""
    if sending.failed:
        messages.error(request, _("L'envoi des %(n)d courriel(s) a échoué : le serveur de messagerie n'a pas "
                                  "répondu. Réessayez plus tard.") % {"n": sending.count})
    elif sending.done:
        messages.success(request, sent_text % {"n": sending.sent})
    else:
        messages.success(request, queued_text % {"n": sending.count})
