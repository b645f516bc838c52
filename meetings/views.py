"""Pages of the meetings module (/instances/). Thin views: rules live in services, access in access.py.

Every view answers for a logged-in professional only, and checks the body: members read, secretaries run.
The attendance sheet works with plain POST forms; its JavaScript only saves the reload and listens to
the session's websocket group.
"""

import re
from datetime import timedelta
from html import unescape
from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from directory.models import Organisation
from meetings import access, checkin, convocations, exports, ics, live, services
from meetings.forms import (
    ActionForm,
    ActionStatusForm,
    AgendaItemForm,
    CheckinForm,
    DecisionForm,
    MeetingForm,
    MinutesForm,
    StatusForm,
    WalkInForm,
    YouthSeatForm,
)
from meetings.models import Action, Attendance, Body, HalfDay, HalfDaySignature, Invitation, Meeting
from meetings.services import MeetingRuleError
from relais import ratelimit, tabular
from relais.filters import object_id
from relais.links import absolute_url

GENERATION_HORIZON_DAYS = 400


def _meeting_or_404(pk):
    return get_object_or_404(Meeting.objects.select_related("body", "body__territory"), pk=pk)


def _viewable_meeting(request, pk) -> Meeting:
    meeting = _meeting_or_404(pk)
    if not access.can_view(request.user, meeting.body):
        raise PermissionDenied
    return meeting


def _managed_meeting(request, pk) -> Meeting:
    meeting = _meeting_or_404(pk)
    if not access.can_manage(request.user, meeting.body):
        raise PermissionDenied
    return meeting


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


# --- Bodies ---------------------------------------------------------------------------------------

@login_required
def index(request):
    bodies = access.bodies_visible_to(request.user).select_related("territory").order_by("name")
    managed = set(access.bodies_managed_by(request.user).values_list("pk", flat=True))
    now = timezone.now()
    upcoming = (Meeting.objects.filter(body__in=bodies, starts_at__gte=now - timedelta(hours=12))
                .exclude(status=Meeting.Status.CANCELLED).select_related("body").order_by("starts_at")[:12])
    return render(request, "meetings/index.html", {"bodies": bodies, "managed": managed, "upcoming": upcoming})


@login_required
def body_detail(request, slug):
    body = get_object_or_404(Body.objects.select_related("territory"), slug=slug)
    if not access.can_view(request.user, body):
        raise PermissionDenied
    now = timezone.now()
    meetings = body.meetings.all()
    return render(request, "meetings/body.html", {
        "body": body,
        "can_manage": access.can_manage(request.user, body),
        "upcoming": meetings.filter(starts_at__gte=now).order_by("starts_at")[:20],
        "past": meetings.filter(starts_at__lt=now).order_by("-starts_at")[:30],
        "members": body.members.filter(is_active=True).select_related("organisation", "contact"),
        "feed_url": absolute_url(reverse("meetings:feed", args=[body.slug, body.feed_token])),
    })


@login_required
@require_POST
def generate(request, slug):
    body = get_object_or_404(Body, slug=slug)
    if not access.can_manage(request.user, body):
        raise PermissionDenied
    try:
        created = services.generate_sessions(body, timezone.now() + timedelta(days=GENERATION_HORIZON_DAYS))
    except MeetingRuleError as exc:
        messages.error(request, str(exc))
    else:
        if not body.recurrence or not body.series_start:
            messages.error(request, _("Cette instance n'a pas de récurrence : renseignez-la dans l'administration."))
        else:
            messages.success(request, _("%(n)d séance(s) créée(s) jusqu'à un an.") % {"n": len(created)})
    return redirect(body)


@login_required
def meeting_new(request, slug):
    """A session outside the series (an extra meeting, a training date): same form as editing one."""
    body = get_object_or_404(Body, slug=slug)
    if not access.can_manage(request.user, body):
        raise PermissionDenied
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


# --- Sessions -------------------------------------------------------------------------------------

@login_required
def meeting_detail(request, pk):
    meeting = _viewable_meeting(request, pk)
    can_manage = access.can_manage(request.user, meeting.body)
    minutes = list(meeting.minutes_versions.select_related("created_by"))
    organisations = _member_organisations(meeting)
    context = {
        "meeting": meeting, "body": meeting.body, "can_manage": can_manage,
        "agenda": meeting.agenda_items.select_related("action"),
        "minutes": minutes[0] if minutes else None, "minutes_versions": minutes,
        "decisions": meeting.decisions.all(),
        "actions": meeting.actions.select_related("owner_organisation"),
        "open_actions": Action.objects.filter(body=meeting.body, status__in=Action.OPEN_STATUSES)
        .exclude(meeting=meeting).select_related("owner_organisation", "meeting"),
        "counts": services.sheet_counts(meeting) if meeting.is_frozen else None,
    }
    if can_manage:
        context.update({
            "invitations": meeting.invitations.select_related("organisation"),
            "agenda_form": AgendaItemForm(), "decision_form": DecisionForm(),
            "action_form": ActionForm(organisations=organisations),
            "action_status_form": ActionStatusForm(),
        })
    return render(request, "meetings/meeting.html", context)


def _member_organisations(meeting):
    ids = set(meeting.body.members.values_list("organisation_id", flat=True))
    ids |= set(meeting.invitations.exclude(organisation=None).values_list("organisation_id", flat=True))
    return Organisation.objects.filter(pk__in=ids).order_by("name")


@login_required
def meeting_edit(request, pk):
    meeting = _managed_meeting(request, pk)
    form = MeetingForm(request.POST or None, instance=meeting)
    if request.method == "POST" and form.is_valid():
        form.save()
        if meeting.is_frozen and meeting.status != Meeting.Status.CANCELLED and request.POST.get("notify"):
            sending = convocations.enqueue_emails(meeting, "update")
            _report_sending(request, sending,
                            _("Séance modifiée ; %(n)d invitation(s) mise(s) à jour envoyée(s)."),
                            _("Séance modifiée ; %(n)d invitation(s) mise(s) à jour en cours d'envoi."))
        else:
            messages.success(request, _("Séance modifiée."))
        return redirect(meeting)
    return render(request, "meetings/meeting_edit.html", {"meeting": meeting, "form": form})


@login_required
@require_POST
def agenda_add(request, pk):
    meeting = _managed_meeting(request, pk)
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
    meeting = _managed_meeting(request, pk)
    try:
        sending = convocations.convene(meeting)
    except MeetingRuleError as exc:
        messages.error(request, str(exc))
    else:
        _report_sending(request, sending,
                        _("Liste des personnes attendues arrêtée ; %(n)d convocation(s) envoyée(s)."),
                        _("Liste des personnes attendues arrêtée ; %(n)d convocation(s) en cours d'envoi."))
    return redirect(meeting)


def _report_sending(request, sending, sent_text: str, queued_text: str) -> None:
    """Tell the secretary what became of the e-mails: sent, on their way (worker), or failed."""
    if sending.failed:
        messages.error(request, _("L'envoi des %(n)d courriel(s) a échoué : le serveur de messagerie n'a pas "
                                  "répondu. Réessayez plus tard.") % {"n": sending.count})
    elif sending.done:
        messages.success(request, sent_text % {"n": sending.sent})
    else:
        messages.success(request, queued_text % {"n": sending.count})


@login_required
@require_POST
def cancel(request, pk):
    meeting = _managed_meeting(request, pk)
    try:
        services.cancel_meeting(meeting)
    except MeetingRuleError as exc:
        messages.error(request, str(exc))
    else:
        sending = convocations.send_cancellation(meeting)
        live.announce_change(meeting, reload=True)
        _report_sending(request, sending, _("Séance annulée ; %(n)d avis d'annulation envoyé(s)."),
                        _("Séance annulée ; %(n)d avis d'annulation en cours d'envoi."))
    return redirect(meeting)


@login_required
@require_GET
def meeting_ics(request, pk):
    meeting = _viewable_meeting(request, pk)
    response = HttpResponse(ics.meeting_ics(meeting),
                            content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="seance-{meeting.pk}.ics"'
    return response


# --- Attendance sheet -----------------------------------------------------------------------------

def sheet_context(meeting: Meeting) -> dict:
    """Everything the sheet shows, in a constant number of queries whatever the number of members."""
    invitations = list(meeting.invitations.select_related("organisation", "attendance")
                       .order_by("is_youth_seat", "organisation__name", "position", "pk"))
    members = [inv for inv in invitations if not inv.is_youth_seat]
    groups = [(org, list(rows)) for org, rows in groupby(members, key=lambda inv: inv.organisation)]
    walk_ins = list(Attendance.objects.filter(meeting=meeting, invitation=None).select_related("organisation"))
    half_days = []
    signed = set()
    if meeting.body.is_training:
        half_days = list(meeting.half_days.all())
        signed = set(HalfDaySignature.objects.filter(half_day__meeting=meeting)
                     .values_list("half_day_id", "person_key"))
    return {
        "meeting": meeting, "body": meeting.body, "groups": groups,
        "youth": [inv for inv in invitations if inv.is_youth_seat],
        "walk_ins": walk_ins, "counts": services.sheet_counts(meeting),
        "statuses": Attendance.Status.choices, "half_days": half_days, "signed": signed,
        "organisations": sorted({inv.organisation for inv in members if inv.organisation}, key=lambda o: o.name),
    }


@login_required
def sheet(request, pk):
    meeting = _managed_meeting(request, pk)
    if not meeting.is_frozen:
        messages.info(request, _("Envoyez d'abord les convocations : la feuille reprend la liste arrêtée."))
        return redirect(meeting)
    if meeting.body.is_training and not meeting.half_days.exists():
        services.ensure_half_days(meeting)
    context = sheet_context(meeting)
    context["walk_in_form"] = WalkInForm()
    context["ws_path"] = f"/ws/instances/seances/{meeting.pk}/"
    template = "meetings/_sheet.html" if request.GET.get("fragment") else "meetings/sheet.html"
    return render(request, template, context)


def _after_change(request, meeting, invitation=None, *, reload=False, message=""):
    live_ok = live.announce_change(meeting, invitation, reload=reload)
    if _wants_json(request):
        payload = live.change_message(meeting, invitation, reload=reload)
        payload.update({"ok": True, "live": live_ok, "message": message})
        return JsonResponse(payload)
    if message:
        messages.success(request, message)
    if not live_ok:
        messages.warning(request, _("Enregistré. Les mises à jour en direct sont en pause : "
                                    "les autres écrans verront ce changement en rechargeant la page."))
    anchor = f"#inv-{invitation.pk}" if invitation is not None else ""
    return redirect(reverse("meetings:sheet", args=[meeting.pk]) + anchor)


def _refuse(request, meeting, message, status=400):
    if _wants_json(request):
        return JsonResponse({"ok": False, "message": message}, status=status)
    messages.error(request, message)
    return redirect("meetings:sheet", meeting.pk)


@login_required
@require_POST
def set_status(request, pk):
    meeting = _managed_meeting(request, pk)
    form = StatusForm(request.POST)
    if not form.is_valid():
        return _refuse(request, meeting, _("Statut de présence inconnu."))
    invitation = meeting.invitations.filter(pk=form.cleaned_data["invitation"]).first()
    if invitation is None:
        return _refuse(request, meeting, _("Cette personne n'est pas attendue à cette séance."), status=404)
    invitation.meeting = meeting
    try:
        if form.cleaned_data["status"]:
            services.record_attendance(invitation, form.cleaned_data["status"], by=request.user,
                                       represented_by=form.cleaned_data["represented_by"])
        else:
            services.clear_attendance(invitation)
    except MeetingRuleError as exc:
        return _refuse(request, meeting, str(exc))
    return _after_change(request, meeting, invitation)


@login_required
@require_POST
def walk_in(request, pk):
    meeting = _managed_meeting(request, pk)
    form = WalkInForm(request.POST, organisations=_member_organisations(meeting))
    if not form.is_valid():
        return _refuse(request, meeting, _("Indiquez le nom de la personne (et une organisation de la liste)."))
    try:
        _attendance, created = services.add_walk_in(meeting, form.cleaned_data["name"],
                                                    organisation=form.cleaned_data["organisation"], by=request.user)
    except MeetingRuleError as exc:
        return _refuse(request, meeting, str(exc))
    message = _("Personne ajoutée comme présente.") if created else _("Cette personne était déjà enregistrée.")
    return _after_change(request, meeting, reload=True, message=message)


@login_required
@require_POST
def youth_seat(request, pk):
    meeting = _managed_meeting(request, pk)
    form = YouthSeatForm(request.POST)
    invitation = None
    if form.is_valid():
        invitation = meeting.invitations.filter(pk=form.cleaned_data["invitation"], is_youth_seat=True).first()
    if invitation is None:
        return _refuse(request, meeting, _("Indiquez un prénom et une initiale, ou un pseudonyme."))
    services.name_youth_seat(invitation, form.cleaned_data["label"])
    return _after_change(request, meeting, invitation, reload=True)


@login_required
@require_POST
def close(request, pk):
    meeting = _managed_meeting(request, pk)
    if request.POST.get("reopen"):
        services.reopen_sheet(meeting)
        return _after_change(request, meeting, reload=True, message=_("Émargement rouvert."))
    try:
        services.close_sheet(meeting, by=request.user)
    except MeetingRuleError as exc:
        return _refuse(request, meeting, str(exc))
    return _after_change(request, meeting, reload=True,
                         message=_("Émargement clos : les personnes non pointées sont notées absentes."))


@login_required
@require_POST
def sign(request, pk):
    meeting = _managed_meeting(request, pk)
    half_day = HalfDay.objects.filter(meeting=meeting, pk=object_id(request.POST.get("half_day")) or 0).first()
    if half_day is not None and request.POST.get("trainer"):
        half_day.trainer_signed_at = None if request.POST.get("signed") == "0" else timezone.now()
        half_day.save(update_fields=["trainer_signed_at"])
        return _after_change(request, meeting, reload=True)
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
    return _after_change(request, meeting, invitation, reload=True)


# --- QR code and self check-in --------------------------------------------------------------------

def _checkin_url(meeting):
    return absolute_url(reverse("meetings:checkin", args=[checkin.make_token(meeting)]))


@login_required
def qr(request, pk):
    meeting = _managed_meeting(request, pk)
    url = _checkin_url(meeting)
    if request.GET.get("svg"):
        return HttpResponse(checkin.qr_svg(url), content_type="image/svg+xml")
    return render(request, "meetings/qr.html", {"meeting": meeting, "svg": checkin.qr_svg(url), "url": url,
                                                "rotation": checkin.ROTATION_SECONDS,
                                                "counts": services.sheet_counts(meeting)})


def checkin_view(request, token):
    """The page a member's phone opens from the QR code: no account needed, the fresh token is the key."""
    try:
        meeting = checkin.meeting_for_token(token)
    except checkin.CheckinRefused as exc:
        return render(request, "meetings/checkin.html", {"refused": str(exc)}, status=403)
    invitations = list(meeting.invitations.filter(is_youth_seat=False).select_related("organisation", "attendance")
                       .order_by("person_name", "pk"))
    form = CheckinForm(request.POST or None)
    done = None
    if request.method == "POST" and _checkin_rate_exceeded(request, meeting):
        form.add_error(None, _("Trop de pointages depuis ce téléphone : adressez-vous au secrétariat."))
    elif request.method == "POST" and form.is_valid():
        try:
            done = _do_checkin(meeting, form.cleaned_data)
        except MeetingRuleError as exc:
            form.add_error(None, str(exc))
    return render(request, "meetings/checkin.html", {
        "meeting": meeting, "form": form, "done": done,
        "invitations": [inv for inv in invitations
                        if not (hasattr(inv, "attendance") and inv.attendance.status in Attendance.PRESENT_STATUSES)],
        "has_youth": meeting.invitations.filter(is_youth_seat=True).exists(),
    }, status=400 if (request.method == "POST" and done is None) else 200)


CHECKIN_MAX_PER_MINUTE = 10


def _checkin_rate_exceeded(request, meeting) -> bool:
    """A phone checks one person in, maybe a colleague or two; dozens a minute is a script."""
    return not ratelimit.hit(request, f"meetings:checkin:{meeting.pk}", CHECKIN_MAX_PER_MINUTE, 60)


def _do_checkin(meeting, data) -> str:
    via = Attendance.Via.SELF_CHECKIN
    invitation = None
    if data.get("invitation"):
        invitation = meeting.invitations.filter(pk=data["invitation"], is_youth_seat=False).first()
        if invitation is None:
            raise MeetingRuleError(_("Ce nom n'est pas sur la liste de cette séance."))
    elif data.get("youth_label"):
        label = " ".join(data["youth_label"].split())
        seats = meeting.invitations.filter(is_youth_seat=True)
        invitation = seats.filter(person_name__iexact=label).first() or seats.filter(person_name="").first()
        if invitation is None:
            raise MeetingRuleError(_("Tous les sièges jeunes sont déjà pris : adresse-toi au secrétariat."))
        if not invitation.person_name:
            services.name_youth_seat(invitation, label)
    elif data.get("name"):
        attendance, created = services.add_walk_in(meeting, data["name"], via=via)
        live.announce_change(meeting, reload=True)
        return _("Merci, votre présence est enregistrée.") if created else _("Vous étiez déjà enregistré·e.")
    else:
        raise MeetingRuleError(_("Choisissez votre nom dans la liste ou écrivez-le."))
    existing = getattr(invitation, "attendance", None) if hasattr(invitation, "attendance") else None
    already = existing is not None and existing.status in Attendance.PRESENT_STATUSES
    invitation.meeting = meeting
    if not already:
        services.record_attendance(invitation, Attendance.Status.PRESENT, via=via, allow_closed=False)
    if meeting.body.is_training:
        half_day = services.current_half_day(meeting)
        if half_day is not None:
            services.sign_half_day(half_day, invitation, via=via)
    live.announce_change(meeting, invitation, reload=invitation.is_youth_seat or meeting.body.is_training)
    if already:
        return _("Vous étiez déjà enregistré·e comme présent·e.")
    return _("Merci, votre présence est enregistrée.")


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


# --- Minutes, decisions, actions ------------------------------------------------------------------

@login_required
def minutes_edit(request, pk):
    meeting = _managed_meeting(request, pk)
    current = meeting.minutes_versions.first()
    form = MinutesForm(request.POST or None, initial={"text": minutes_as_text(current.text) if current else ""})
    if request.method == "POST" and form.is_valid():
        version = services.save_minutes(meeting, form.as_rich_text(), by=request.user)
        messages.success(request, _("Compte rendu enregistré (version %(v)d).") % {"v": version.version})
        return redirect(meeting)
    return render(request, "meetings/minutes_edit.html", {"meeting": meeting, "form": form, "current": current})


def minutes_as_text(html: str) -> str:
    """The stored minutes back as the plain paragraphs the form edits."""
    text = re.sub(r"<br\s*/?>", "\n", html)
    text = re.sub(r"</p>\s*", "\n\n", text)
    return unescape(strip_tags(text)).strip()


@login_required
@require_POST
def decision_add(request, pk):
    meeting = _managed_meeting(request, pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        meeting.decisions.create(text=form.cleaned_data["text"])
        messages.success(request, _("Décision ajoutée."))
    else:
        messages.error(request, _("Écrivez la décision."))
    return redirect(meeting)


@login_required
@require_POST
def action_add(request, pk):
    meeting = _managed_meeting(request, pk)
    form = ActionForm(request.POST, organisations=_member_organisations(meeting))
    if form.is_valid():
        action = form.save(commit=False)
        action.meeting, action.body = meeting, meeting.body
        action.save()
        messages.success(request, _("Action ajoutée."))
    else:
        messages.error(request, _("Action non ajoutée : vérifiez l'intitulé, l'organisation et l'échéance."))
    return redirect(meeting)


@login_required
@require_POST
def action_status(request, pk):
    action = get_object_or_404(Action.objects.select_related("meeting", "body"), pk=pk)
    if not access.can_manage(request.user, action.body):
        raise PermissionDenied
    form = ActionStatusForm(request.POST)
    if form.is_valid():
        action.status = form.cleaned_data["status"]
        action.save(update_fields=["status"])
        messages.success(request, _("État de l'action mis à jour."))
    else:
        messages.error(request, _("État inconnu."))
    back = request.POST.get("next")
    if back and back.startswith("/instances/"):
        return redirect(back)
    return redirect(action.meeting)


# --- Exports --------------------------------------------------------------------------------------

@login_required
def export(request, pk, fmt):
    meeting = _managed_meeting(request, pk)
    rows = exports.sheet_rows(meeting)
    name = f"emargement-{meeting.body.slug}-{timezone.localtime(meeting.starts_at):%Y-%m-%d}"
    if fmt == "csv":
        return tabular.download(exports.to_csv(rows, meeting), f"{name}.csv")
    if fmt == "xlsx":
        return tabular.download(exports.to_xlsx(meeting, rows), f"{name}.xlsx")
    if fmt != "pdf":
        raise Http404
    response = HttpResponse(exports.to_pdf(meeting, rows), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    return response

