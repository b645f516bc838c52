"""A professional's bodies, one body's page, generating its series, an extra session, its calendar feed."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from meetings import ics, queries, services
from meetings.forms import MAX_GENERATED_SESSIONS, MeetingForm, validate_recurrence
from meetings.models import Body, Meeting
from meetings.permissions import bodies_manageable_by, bodies_viewable_by, can_manage_body, can_view_body
from meetings.services import MeetingRuleError
from meetings.views.common import managed_body
from relais.links import absolute_url

GENERATION_HORIZON_DAYS = 400


@login_required
def index(request):
    bodies = bodies_viewable_by(request.user).select_related("territory").order_by("name")
    managed = set(bodies_manageable_by(request.user).values_list("pk", flat=True))
    upcoming = queries.upcoming_meetings(bodies, timezone.now())
    to_close = list(queries.sessions_to_close(sorted(managed))[:50]) if managed else []
    return render(request, "meetings/index.html", {"bodies": bodies, "managed": managed, "upcoming": upcoming,
                                                   "to_close": to_close})


@login_required
def body_detail(request, slug):
    body = get_object_or_404(Body.objects.select_related("territory"), slug=slug)
    if not can_view_body(request.user, body):
        raise PermissionDenied
    now = timezone.now()
    meetings = body.meetings.all()
    return render(request, "meetings/body.html", {
        "body": body,
        "can_manage": can_manage_body(request.user, body),
        "upcoming": meetings.filter(starts_at__gte=now).order_by("starts_at")[:20],
        "past": meetings.filter(starts_at__lt=now).order_by("-starts_at")[:30],
        "members": body.members.filter(is_active=True).select_related("organisation", "contact"),
        "feed_url": absolute_url(reverse("meetings:feed", args=[body.slug, body.feed_token])),
    })


def _capped_until(body, until):
    """The end of this generation: ``until``, or earlier so that at most MAX_GENERATED_SESSIONS are created
    (a rule saved before it was validated could otherwise create thousands in one request)."""
    validate_recurrence(body.recurrence)
    existing = set(body.meetings.exclude(occurrence=None).values_list("occurrence", flat=True))
    missing = [when for when in services.occurrences(body, until) if when not in existing]
    if len(missing) > MAX_GENERATED_SESSIONS:
        return missing[MAX_GENERATED_SESSIONS - 1], True
    return until, False


@login_required
@require_POST
def generate(request, slug):
    body = managed_body(request, slug)
    if not body.recurrence or not body.series_start:
        messages.error(request, _("Cette instance n'a pas de récurrence : renseignez-la dans l'administration."))
        return redirect(body)
    try:
        until, capped = _capped_until(body, timezone.now() + timedelta(days=GENERATION_HORIZON_DAYS))
        created = services.generate_sessions(body, until)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except MeetingRuleError as exc:
        messages.error(request, str(exc))
    else:
        if capped:
            messages.warning(request, _("%(n)d séance(s) créée(s) : une génération en crée %(cap)d au plus. "
                                        "Vérifiez la règle de récurrence avant de générer la suite.")
                             % {"n": len(created), "cap": MAX_GENERATED_SESSIONS})
        else:
            messages.success(request, _("%(n)d séance(s) créée(s) jusqu'à un an.") % {"n": len(created)})
    return redirect(body)


@login_required
def meeting_new(request, slug):
    """A session outside the series (an extra meeting, a training date): same form as editing one."""
    body = managed_body(request, slug)
    initial = {"place": body.default_place, "video_link": body.default_video_link}
    form = MeetingForm(request.POST or None, initial=initial, instance=Meeting(body=body))
    if request.method == "POST" and form.is_valid():
        meeting = form.save()
        messages.success(request, _("Séance créée. Ajoutez l'ordre du jour puis envoyez les convocations."))
        return redirect(meeting)
    return render(request, "meetings/meeting_edit.html", {"body": body, "form": form, "meeting": None})


@require_GET
def feed(request, slug, token):
    """Subscribable calendar of a body: the secret token in the URL is the only key (no session cookie)."""
    body = get_object_or_404(Body, slug=slug, feed_token=token)
    meetings = body.meetings.filter(starts_at__gte=timezone.now() - timedelta(days=365)).select_related("body")
    response = HttpResponse(ics.body_feed(body, meetings),
                            content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{body.slug}.ics"'
    return response
