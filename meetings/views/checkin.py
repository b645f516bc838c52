"""The QR code shown in the room and the self check-in page a phone opens from it (no account needed)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from meetings import checkin, queries, services
from meetings.forms import CheckinForm
from meetings.services import MeetingRuleError
from meetings.views.common import managed_meeting
from relais import ratelimit
from relais.links import absolute_url

CHECKIN_MAX_PER_MINUTE = 10


def _checkin_url(meeting):
    return absolute_url(reverse("meetings:checkin", args=[checkin.make_token(meeting)]))


@login_required
def qr(request, pk):
    meeting = managed_meeting(request, pk)
    url = _checkin_url(meeting)
    if request.GET.get("svg"):
        return HttpResponse(checkin.qr_svg(url), content_type="image/svg+xml")
    return render(request, "meetings/qr.html", {"meeting": meeting, "svg": checkin.qr_svg(url), "url": url,
                                                "rotation": checkin.ROTATION_SECONDS,
                                                "counts": queries.sheet_counts(meeting)})


def _rate_exceeded(request, meeting) -> bool:
    """A phone checks one person in, maybe a colleague or two; dozens a minute is a script."""
    return not ratelimit.hit(request, f"meetings:checkin:{meeting.pk}", CHECKIN_MAX_PER_MINUTE, 60)


def checkin_view(request, token):
    """The page a member's phone opens from the QR code: no account needed, the fresh token is the key."""
    try:
        meeting = checkin.meeting_for_token(token)
    except checkin.CheckinRefused as exc:
        return render(request, "meetings/checkin.html", {"refused": str(exc)}, status=403)
    invitations = queries.checkin_candidates(meeting)  # as the phone saw the list before this check-in
    form = CheckinForm(request.POST or None)
    done = None
    if request.method == "POST" and _rate_exceeded(request, meeting):
        form.add_error(None, _("Trop de pointages depuis ce téléphone : adressez-vous au secrétariat."))
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            done = services.check_in(meeting, invitation=data["invitation"], youth_label=data["youth_label"],
                                     name=data["name"])
        except MeetingRuleError as exc:
            form.add_error(None, str(exc))
    return render(request, "meetings/checkin.html", {
        "meeting": meeting, "form": form, "done": done,
        "invitations": invitations,
        "has_youth": meeting.invitations.filter(is_youth_seat=True).exists(),
    }, status=400 if (request.method == "POST" and done is None) else 200)
