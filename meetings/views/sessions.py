"""One session: its page, editing it, the agenda, convening, cancelling, its .ics, the convocation reply."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from meetings import convocations, ics, queries, services
from meetings.forms import ActionForm, ActionStatusForm, AgendaItemForm, DecisionForm, MeetingForm
from meetings.models import Invitation, Meeting
from meetings.permissions import can_manage_body
from meetings.services import MeetingRuleError
from meetings.views.common import managed_meeting, report_sending, viewable_meeting


@login_required
def meeting_detail(request, pk):
    meeting = viewable_meeting(request, pk)
    can_manage = can_manage_body(request.user, meeting.body)
    minutes = list(meeting.minutes_versions.select_related("created_by"))
    context = {
        "meeting": meeting, "body": meeting.body, "can_manage": can_manage,
        "agenda": meeting.agenda_items.select_related("action"),
        "minutes": minutes[0] if minutes else None, "minutes_versions": minutes,
        "decisions": meeting.decisions.all(),
        "actions": meeting.actions.select_related("owner_organisation"),
        "open_actions": queries.open_actions_elsewhere(meeting),
        "counts": queries.sheet_counts(meeting) if meeting.is_frozen else None,
    }
    if can_manage:
        context.update({
            "invitations": meeting.invitations.select_related("organisation"),
            "agenda_form": AgendaItemForm(), "decision_form": DecisionForm(),
            "action_form": ActionForm(organisations=queries.member_organisations(meeting)),
            "action_status_form": ActionStatusForm(),
            "history": queries.sheet_history(meeting),
        })
    return render(request, "meetings/meeting.html", context)


@login_required
def meeting_edit(request, pk):
    meeting = managed_meeting(request, pk)
    form = MeetingForm(request.POST or None, instance=meeting)
    form.for_user = request.user  # named in the history when the training's half-days follow new dates
    if request.method == "POST" and form.is_valid():
        form.save()
        if meeting.is_frozen and meeting.status != Meeting.Status.CANCELLED and request.POST.get("notify"):
            sending = convocations.enqueue_emails(meeting, "update")
            report_sending(request, sending,
                           _("Séance modifiée ; %(n)d invitation(s) mise(s) à jour envoyée(s)."),
                           _("Séance modifiée ; %(n)d invitation(s) mise(s) à jour en cours d'envoi."))
        else:
            messages.success(request, _("Séance modifiée."))
        return redirect(meeting)
    return render(request, "meetings/meeting_edit.html", {"meeting": meeting, "form": form})


@login_required
@require_POST
def agenda_add(request, pk):
    meeting = managed_meeting(request, pk)
    form = AgendaItemForm(request.POST)
    if form.is_valid():
        item = form.save(commit=False)
        item.meeting = meeting
        item.sort_order = meeting.agenda_items.count() + 1
        item.save()
        messages.success(request, _("Point ajouté à l'ordre du jour."))
    else:
        messages.error(request, _("Indiquez l'intitulé du point."))
    return redirect(meeting)


@login_required
@require_POST
def convene(request, pk):
    meeting = managed_meeting(request, pk)
    if meeting.starts_at < timezone.now() and not meeting.is_frozen and not request.POST.get("confirm_past"):
        # A session in the past is convened only on purpose (recording a meeting held without the tool).
        return render(request, "meetings/convene_confirm.html", {"meeting": meeting})
    try:
        sending = convocations.convene(meeting)
    except MeetingRuleError as exc:
        messages.error(request, str(exc))
    else:
        report_sending(request, sending,
                       _("Liste des personnes attendues arrêtée ; %(n)d convocation(s) envoyée(s)."),
                       _("Liste des personnes attendues arrêtée ; %(n)d convocation(s) en cours d'envoi."))
    return redirect(meeting)


@login_required
@require_POST
def cancel(request, pk):
    meeting = managed_meeting(request, pk)
    try:
        services.cancel_meeting(meeting)
    except MeetingRuleError as exc:
        messages.error(request, str(exc))
    else:
        sending = convocations.send_cancellation(meeting)
        services.announce_change(meeting, reload=True)
        report_sending(request, sending, _("Séance annulée ; %(n)d avis d'annulation envoyé(s)."),
                       _("Séance annulée ; %(n)d avis d'annulation en cours d'envoi."))
    return redirect(meeting)


@login_required
@require_GET
def meeting_ics(request, pk):
    meeting = viewable_meeting(request, pk)
    response = HttpResponse(ics.meeting_ics(meeting),
                            content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="seance-{meeting.pk}.ics"'
    return response


def reply(request, token, answer):
    """Reply to a convocation from the e-mail link; a GET only shows the confirmation (link scanners)."""
    invitation = convocations.invitation_for_reply_token(token)
    if invitation is None or answer not in ("oui", "non"):
        raise Http404
    value = Invitation.Reply.YES if answer == "oui" else Invitation.Reply.NO
    done = False
    if request.method == "POST":
        services.record_reply(invitation, value)
        done = True
    return render(request, "meetings/reply.html", {"invitation": invitation, "meeting": invitation.meeting,
                                                   "answer": answer, "done": done})
