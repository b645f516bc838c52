"""The attendance sheet: plain POST forms (its JavaScript posts the same forms and asks for JSON).

Each change is saved and announced to the session's other open sheets through meetings.services; the
answer says when live updates are paused (the change is saved all the same).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from meetings import queries, services
from meetings.forms import StatusForm, WalkInForm, YouthSeatForm
from meetings.models import HalfDay
from meetings.services import Change, MeetingRuleError
from meetings.views.common import managed_meeting, wants_json
from relais.filters import object_id


@login_required
def sheet(request, pk):
    meeting = managed_meeting(request, pk)
    if not meeting.is_frozen:
        messages.info(request, _("Envoyez d'abord les convocations : la feuille reprend la liste arrêtée."))
        return redirect(meeting)
    if meeting.body.is_training and not meeting.half_days.exists():
        services.ensure_half_days(meeting)
    context = queries.sheet_data(meeting)
    context["walk_in_form"] = WalkInForm()
    context["ws_path"] = f"/ws/instances/seances/{meeting.pk}/"
    template = "meetings/_sheet.html" if request.GET.get("fragment") else "meetings/sheet.html"
    return render(request, template, context)


def _answer(request, meeting, change: Change, invitation=None, *, message=""):
    """The saved change, in JSON for the sheet's script, else back to the sheet with a notice."""
    if wants_json(request):
        return JsonResponse({**change.message, "ok": True, "live": not change.paused, "message": message})
    if message:
        messages.success(request, message)
    if change.paused:
        messages.warning(request, _("Enregistré. Les mises à jour en direct sont en pause : "
                                    "les autres écrans verront ce changement en rechargeant la page."))
    anchor = f"#inv-{invitation.pk}" if invitation is not None else ""
    return redirect(reverse("meetings:sheet", args=[meeting.pk]) + anchor)


def _refuse(request, meeting, message, status=400):
    if wants_json(request):
        return JsonResponse({"ok": False, "message": message}, status=status)
    messages.error(request, message)
    return redirect("meetings:sheet", meeting.pk)


@login_required
@require_POST
def set_status(request, pk):
    meeting = managed_meeting(request, pk)
    form = StatusForm(request.POST)
    if not form.is_valid():
        return _refuse(request, meeting, _("Statut de présence inconnu."))
    invitation = meeting.invitations.filter(pk=form.cleaned_data["invitation"]).first()
    if invitation is None:
        return _refuse(request, meeting, _("Cette personne n'est pas attendue à cette séance."), status=404)
    invitation.meeting = meeting
    try:
        change = services.set_attendance(invitation, form.cleaned_data["status"], by=request.user,
                                         represented_by=form.cleaned_data["represented_by"])
    except MeetingRuleError as exc:
        return _refuse(request, meeting, str(exc))
    return _answer(request, meeting, change, invitation)


@login_required
@require_POST
def walk_in(request, pk):
    meeting = managed_meeting(request, pk)
    form = WalkInForm(request.POST, organisations=queries.member_organisations(meeting))
    if not form.is_valid():
        return _refuse(request, meeting, _("Indiquez le nom de la personne (et une organisation de la liste)."))
    try:
        _attendance, created = services.add_walk_in(meeting, form.cleaned_data["name"],
                                                    organisation=form.cleaned_data["organisation"], by=request.user)
    except MeetingRuleError as exc:
        return _refuse(request, meeting, str(exc))
    message = _("Personne ajoutée comme présente.") if created else _("Cette personne était déjà enregistrée.")
    return _answer(request, meeting, services.announce_change(meeting, reload=True), message=message)


@login_required
@require_POST
def youth_seat(request, pk):
    meeting = managed_meeting(request, pk)
    form = YouthSeatForm(request.POST)
    invitation = None
    if form.is_valid():
        invitation = meeting.invitations.filter(pk=form.cleaned_data["invitation"], is_youth_seat=True).first()
    if invitation is None:
        return _refuse(request, meeting, _("Indiquez un prénom et une initiale, ou un pseudonyme."))
    services.name_youth_seat(invitation, form.cleaned_data["label"])
    return _answer(request, meeting, services.announce_change(meeting, invitation, reload=True), invitation)


@login_required
@require_POST
def close(request, pk):
    meeting = managed_meeting(request, pk)
    if request.POST.get("reopen"):
        services.reopen_sheet(meeting)
        return _answer(request, meeting, services.announce_change(meeting, reload=True),
                       message=_("Émargement rouvert."))
    try:
        services.close_sheet(meeting, by=request.user)
    except MeetingRuleError as exc:
        return _refuse(request, meeting, str(exc))
    return _answer(request, meeting, services.announce_change(meeting, reload=True),
                   message=_("Émargement clos : les personnes non pointées sont notées absentes."))


@login_required
@require_POST
def sign(request, pk):
    meeting = managed_meeting(request, pk)
    half_day = HalfDay.objects.filter(meeting=meeting, pk=object_id(request.POST.get("half_day")) or 0).first()
    if half_day is not None and request.POST.get("trainer"):
        services.sign_as_trainer(half_day, signed=request.POST.get("signed") != "0")
        return _answer(request, meeting, services.announce_change(meeting, reload=True))
    invitation = meeting.invitations.filter(pk=object_id(request.POST.get("invitation")) or 0).first()
    if half_day is None or invitation is None:
        return _refuse(request, meeting, _("Demi-journée ou personne inconnue."))
    half_day.meeting = invitation.meeting = meeting
    try:
        if request.POST.get("signed") == "0":
            services.unsign_half_day(half_day, invitation)
        else:
            services.sign_half_day(half_day, invitation)
    except MeetingRuleError as exc:
        return _refuse(request, meeting, str(exc))
    return _answer(request, meeting, services.announce_change(meeting, invitation, reload=True), invitation)
