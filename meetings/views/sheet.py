"""The attendance sheet: plain POST forms (its JavaScript posts the same forms and asks for JSON).

Each change is saved and announced to the session's other open sheets through meetings.services; the
answer says when live updates are paused (the change is saved all the same).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from meetings import queries, services
from meetings.forms import ReopenForm, StatusForm, WalkInForm, WalkInTimesForm, YouthSeatForm
from meetings.models import Attendance, DrawnSignature, HalfDay
from meetings.services import KEEP, Change, MeetingRuleError, TimeNeeded
from meetings.views.common import managed_meeting, wants_json
from relais.filters import object_id


@login_required
def sheet(request, pk):
    meeting = managed_meeting(request, pk)
    if not meeting.is_frozen:
        messages.info(request, _("Envoyez d'abord les convocations : la feuille reprend la liste arrêtée."))
        return redirect(meeting)
    if meeting.body.is_training:
        try:
            services.training_half_days(meeting)
        except MeetingRuleError as exc:
            messages.error(request, str(exc))
    context = queries.sheet_data(meeting)
    context["walk_in_form"] = WalkInForm()
    context["directory_organisations"] = queries.directory_organisation_names()
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


def _refuse(request, meeting, message, status=400, **extra):
    if wants_json(request):
        return JsonResponse({"ok": False, "message": message, **extra}, status=status)
    messages.error(request, message)
    return redirect("meetings:sheet", meeting.pk)


def _first_error(form) -> str:
    return next(iter(form.errors.values()))[0]


@login_required
@require_POST
def set_status(request, pk):
    """A status tap (its time asked for outside the session's hours), or the correction of a row's times."""
    meeting = managed_meeting(request, pk)
    form = StatusForm(request.POST)
    if not form.is_valid():
        return _refuse(request, meeting, _first_error(form))
    data = form.cleaned_data
    invitation = meeting.invitations.filter(pk=data["invitation"]).select_related("attendance").first()
    if invitation is None:
        return _refuse(request, meeting, _("Cette personne n'est pas attendue à cette séance."), status=404)
    invitation.meeting = meeting
    current = getattr(invitation, "attendance", None) if hasattr(invitation, "attendance") else None
    arrived = services.session_time(meeting, data["arrived"]) if data["arrived"] else None
    if data["change"] == "times":
        if current is None or not current.is_present:
            return _refuse(request, meeting, _("Pointez d'abord la présence de cette personne."))
        status, left = current.status, services.session_time(meeting, data["left"]) if data["left"] else None
        representation = {"represented_by": current.represented_by,
                          "represented_by_organisation": current.represented_by_organisation}
    else:
        status, left = data["status"], KEEP
        # A tap keeps the recorded arrival; the row's time field counts for a first presence only.
        if current is not None and current.is_present and current.arrived_at:
            arrived = None
        representation = {"represented_by": data["represented_by"],
                          "represented_by_organisation": data["represented_by_organisation"]}
    try:
        change = services.set_attendance(invitation, status, by=request.user, arrived_at=arrived, left_at=left,
                                         **representation)
    except TimeNeeded as exc:
        return _refuse(request, meeting, str(exc), needs_time=True, suggested=exc.suggested,
                       invitation=invitation.pk)
    except MeetingRuleError as exc:
        return _refuse(request, meeting, str(exc))
    return _answer(request, meeting, change, invitation)


@login_required
@require_POST
def walk_in(request, pk):
    """Add someone who came without a convocation, or (``attendance`` given) correct a walk-in's times."""
    meeting = managed_meeting(request, pk)
    if request.POST.get("attendance"):
        return _walk_in_times(request, meeting)
    form = WalkInForm(request.POST)
    if not form.is_valid():
        return _refuse(request, meeting, _("Indiquez le nom de la personne.") if "name" in form.errors
                       else _first_error(form))
    organisation, typed = form.organisation_choice()
    arrived = services.session_time(meeting, form.cleaned_data["arrived"]) if form.cleaned_data["arrived"] else None
    if arrived is None and not services.during_session(meeting, timezone.now()):
        exc = TimeNeeded(meeting)
        return _refuse(request, meeting, str(exc), needs_time=True, suggested=exc.suggested)
    try:
        _attendance, created = services.add_walk_in(meeting, form.cleaned_data["name"], organisation=organisation,
                                                    organisation_name=typed, by=request.user, arrived_at=arrived)
    except MeetingRuleError as exc:
        return _refuse(request, meeting, str(exc))
    message = _("Personne ajoutée comme présente.") if created else _("Cette personne était déjà enregistrée.")
    return _answer(request, meeting, services.announce_change(meeting, reload=True), message=message)


def _walk_in_times(request, meeting):
    form = WalkInTimesForm(request.POST)
    if not form.is_valid():
        return _refuse(request, meeting, _first_error(form))
    attendance = Attendance.objects.filter(meeting=meeting, invitation=None, pk=form.cleaned_data["attendance"]).first()
    if attendance is None:
        return _refuse(request, meeting, _("Personne inconnue sur cette feuille."), status=404)
    data = form.cleaned_data
    try:
        services.correct_walk_in_times(
            attendance, by=request.user,
            arrived_at=services.session_time(meeting, data["arrived"]) if data["arrived"] else None,
            left_at=services.session_time(meeting, data["left"]) if data["left"] else None)
    except MeetingRuleError as exc:
        return _refuse(request, meeting, str(exc))
    return _answer(request, meeting, services.announce_change(meeting, reload=True),
                   message=_("Heures enregistrées."))


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
    try:
        services.name_youth_seat(invitation, form.cleaned_data["label"], holder=form.cleaned_data["holder"],
                                 by=request.user)
    except MeetingRuleError as exc:
        return _refuse(request, meeting, str(exc))
    return _answer(request, meeting, services.announce_change(meeting, invitation, reload=True), invitation)


@login_required
@require_POST
def close(request, pk):
    meeting = managed_meeting(request, pk)
    if request.POST.get("reopen"):
        form = ReopenForm(request.POST)
        try:
            if not form.is_valid():
                raise MeetingRuleError(_("Indiquez le motif de la réouverture de l'émargement."))
            services.reopen_sheet(meeting, reason=form.cleaned_data["reason"], by=request.user)
        except MeetingRuleError as exc:
            return _refuse(request, meeting, str(exc))
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
        try:
            services.sign_as_trainer(half_day, signed=request.POST.get("signed") != "0", by=request.user)
        except MeetingRuleError as exc:
            return _refuse(request, meeting, str(exc))
        return _answer(request, meeting, services.announce_change(meeting, reload=True))
    invitation = meeting.invitations.filter(pk=object_id(request.POST.get("invitation")) or 0).first()
    if half_day is None or invitation is None:
        return _refuse(request, meeting, _("Demi-journée ou personne inconnue."))
    half_day.meeting = invitation.meeting = meeting
    try:
        if request.POST.get("signed") == "0":
            services.unsign_half_day(half_day, invitation, by=request.user)
        else:
            services.sign_half_day(half_day, invitation, by=request.user)
    except MeetingRuleError as exc:
        return _refuse(request, meeting, str(exc))
    return _answer(request, meeting, services.announce_change(meeting, invitation, reload=True), invitation)


@login_required
@require_POST
def draw_sign(request, pk):
    """A person signs on the sheet (strokes drawn on the canvas, or "je certifie ma présence"), the trainer
    signs a half-day (``trainer``), or the secretary voids a signature with a reason (``void``): a signature is
    never edited."""
    meeting = managed_meeting(request, pk)
    try:
        if request.POST.get("void"):
            signatures = DrawnSignature.objects.filter(meeting=meeting)
            signature = signatures.filter(pk=object_id(request.POST.get("void")) or 0).first()
            if signature is None:
                return _refuse(request, meeting, _("Signature inconnue."), status=404)
            services.void_signature(signature, reason=request.POST.get("reason", ""), by=request.user)
            invitation, message = signature.invitation, _("Signature annulée.")
        elif request.POST.get("trainer"):
            half_day = HalfDay.objects.filter(meeting=meeting, pk=object_id(request.POST.get("half_day")) or 0).first()
            if half_day is None:
                return _refuse(request, meeting, _("Demi-journée inconnue."), status=404)
            half_day.meeting = meeting
            services.draw_trainer_signature(half_day, strokes=request.POST.get("strokes", ""),
                                            certified=request.POST.get("certify") == "1", by=request.user)
            invitation, message = None, _("Signature enregistrée.")
        else:
            invitation = meeting.invitations.filter(pk=object_id(request.POST.get("invitation")) or 0).first()
            if invitation is None:
                return _refuse(request, meeting, _("Cette personne n'est pas attendue à cette séance."), status=404)
            half_day = None
            if request.POST.get("half_day"):
                half_day = HalfDay.objects.filter(meeting=meeting, pk=object_id(request.POST["half_day"]) or 0).first()
            invitation.meeting = meeting
            services.draw_signature(meeting, invitation, strokes=request.POST.get("strokes", ""),
                                    certified=request.POST.get("certify") == "1", half_day=half_day, by=request.user)
            message = _("Signature enregistrée.")
    except MeetingRuleError as exc:
        return _refuse(request, meeting, str(exc))
    return _answer(request, meeting, services.announce_change(meeting, invitation, reload=True), invitation,
                   message=message)
