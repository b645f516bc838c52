"""The QR code shown in the room and the self check-in pages a phone opens (no account needed): the room's
rotating code, and each invitee's personal code from the convocation.

Every check-in goes through services.check_in; the signature a person then draws on the same page (or
"je certifie ma présence") through services.sign_on_phone. Limits key on the real client address (relais.ratelimit over
relais.client.client_ip): a room's phones often share one address (the venue's Wi-Fi behind one NAT), so the
count per address and session is sized on the room (at least CHECKIN_MIN_PER_WINDOW per CHECKIN_WINDOW:
400 people in 5 minutes from one address all pass), and each phone checks in one person per session
(checkin.phone_may_check_in) unless the secretary allows more.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from meetings import checkin, queries, services
from meetings.forms import CheckinForm, CheckinSignatureForm
from meetings.models import Attendance
from meetings.services import MeetingRuleError
from meetings.views.common import managed_meeting
from relais import ratelimit
from relais.filters import object_id
from relais.links import absolute_url

CHECKIN_WINDOW = 300
CHECKIN_MIN_PER_WINDOW = 500
# Wrong personal codes from one address: a typo or two, not a search through the codes.
CODE_MISSES_PER_WINDOW = 30
CODE_MISS_WINDOW = 600


def _checkin_url(meeting):
    return absolute_url(reverse("meetings:checkin", args=[checkin.make_token(meeting)]))


@login_required
def qr(request, pk):
    meeting = managed_meeting(request, pk)
    url = _checkin_url(meeting)
    if request.GET.get("svg"):
        response = HttpResponse(checkin.qr_svg(url), content_type="image/svg+xml")
        response["Cache-Control"] = "no-store"
        return response
    return render(request, "meetings/qr.html", {"meeting": meeting, "svg": checkin.qr_svg(url), "url": url,
                                                "rotation": checkin.ROTATION_SECONDS,
                                                "counts": queries.sheet_counts(meeting)})


def _rate_exceeded(request, meeting) -> bool:
    """Scripts, not rooms: the allowance per address grows with the expected list (twice it, 500 at least)."""
    limit = max(CHECKIN_MIN_PER_WINDOW, 2 * meeting.invitations.count())
    return not ratelimit.hit(request, f"meetings:checkin:{meeting.pk}", limit, CHECKIN_WINDOW)


def _code_missed(request) -> bool:
    """Count a wrong personal code; True once this address has missed too often."""
    return not ratelimit.hit(request, "meetings:checkin-code-miss", CODE_MISSES_PER_WINDOW, CODE_MISS_WINDOW)


PHONE_USED = gettext_lazy("Ce téléphone a déjà servi à pointer une autre personne pour cette séance : chaque personne "
               "pointe avec son propre téléphone (ou son code personnel), sinon adressez-vous au secrétariat.")


def _person_key(meeting, data) -> tuple[str | None, dict]:
    """Who this check-in is for (the key the phone remembers) and the arguments of services.check_in."""
    if data.get("invitation"):
        invitation = meeting.invitations.filter(pk=data["invitation"], is_youth_seat=False).first()
        return (invitation.person_key if invitation else None), {"invitation": data["invitation"]}
    if data.get("youth_label"):
        return "youth:" + (slugify(data["youth_label"]) or "jeune"), {"youth_label": data["youth_label"]}
    if data.get("name"):
        return services.name_person_key(data["name"]), {"name": data["name"]}
    return None, {}


def _record(request, meeting, person_key, arguments, form):
    """Run the check-in through services.check_in; the message to show, or None (error added to ``form``)."""
    if not checkin.phone_may_check_in(request, meeting, person_key):
        form.add_error(None, str(PHONE_USED))
        return None
    try:
        return services.check_in(meeting, **arguments)
    except MeetingRuleError as exc:
        form.add_error(None, str(exc))
        return None


def _signer(meeting, invitation) -> dict:
    """The signature part of the page shown once ``invitation`` is checked in: the pad, or what they signed."""
    if invitation is None or invitation.is_youth_seat:
        return {}
    expected, signature = services.current_signature(meeting, invitation)
    present = Attendance.objects.filter(invitation=invitation, status__in=Attendance.PRESENT_STATUSES).exists()
    signed = ""
    if signature is not None:
        when = services.clock(meeting, signature.signed_at)
        signed = (_("Présence certifiée à %(t)s") if signature.certified else _("Signé à %(t)s")) % {"t": when}
    return {"signer": invitation, "signature": signature, "signed": signed,
            "can_sign": expected and present and signature is None,
            "sign_form": CheckinSignatureForm(initial={"invitation": invitation.pk})}


def _sign(request, meeting, invitation, template, extra):
    """A phone signs for the person it checked in (drawn strokes, or "je certifie ma présence")."""
    if invitation is None:
        return render(request, template, {"refused": _("Pointez-vous d'abord : ce téléphone ne peut signer que "
                                                       "pour la personne qu'il a pointée."), **extra}, status=403)
    form = CheckinSignatureForm(request.POST)
    saved = False
    if _rate_exceeded(request, meeting):
        form.add_error(None, _("Trop de pointages depuis cette connexion : adressez-vous au secrétariat."))
    elif form.is_valid():
        try:
            services.sign_on_phone(meeting, invitation, strokes=form.cleaned_data["strokes"],
                                   certified=form.cleaned_data["certify"])
            saved = True
        except MeetingRuleError as exc:
            form.add_error(None, str(exc))
    signer = _signer(meeting, invitation)
    if not saved and not signer.get("can_sign") and signer.get("signature") is None:
        # Nothing to sign now (marked absent since, or between two half-days): the reason alone.
        refused = " ".join(form.non_field_errors()) or _("Votre signature n'a pas pu être enregistrée.")
        return render(request, template, {"refused": refused, "meeting": meeting, **extra}, status=400)
    context = {"meeting": meeting, "invitation": invitation, **extra, **signer,
               "done": _("Merci, votre signature est enregistrée.") if saved else _("Votre présence est enregistrée.")}
    if not saved:
        context["sign_form"] = form
    return render(request, template, context, status=200 if saved else 400)


def checkin_view(request, token):
    """The page a phone opens from the room's QR code: the fresh token is the key, during the session only.
    Once checked in, the person signs on the same page (the phone's cookie says whom it checked in)."""
    signing = request.method == "POST" and "sign" in request.POST
    try:
        meeting = checkin.meeting_for_token(token, max_age=checkin.SIGN_MAX_AGE if signing else None)
    except checkin.CheckinRefused as exc:
        return render(request, "meetings/checkin.html", {"refused": str(exc)}, status=403)
    if signing:
        people = checkin.phone_people(request, meeting)
        invitation = meeting.invitations.filter(pk=object_id(request.POST.get("invitation")) or 0,
                                                person_key__in=people, is_youth_seat=False).first()
        return _sign(request, meeting, invitation, "meetings/checkin.html", {})
    invitations = queries.checkin_candidates(meeting)  # as the phone saw the list before this check-in
    form = CheckinForm(request.POST or None)
    done = person_key = signer = None
    if request.method == "POST" and _rate_exceeded(request, meeting):
        form.add_error(None, _("Trop de pointages depuis cette connexion : adressez-vous au secrétariat."))
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if data.get("code"):
            invitation = checkin.invitation_for_code(data["code"], meeting=meeting)
            if invitation is None or invitation.is_youth_seat:
                if _code_missed(request):
                    form.add_error(None, _("Trop de codes erronés : adressez-vous au secrétariat."))
                else:
                    form.add_error("code", _("Ce code ne correspond à aucune personne convoquée à cette séance. "
                                             "Vérifiez-le sur votre convocation."))
            else:
                person_key, signer = invitation.person_key, invitation
                done = _record(request, meeting, person_key, {"invitation": invitation.pk}, form)
        else:
            person_key, arguments = _person_key(meeting, data)
            done = _record(request, meeting, person_key, arguments, form)
            if arguments.get("invitation"):
                signer = meeting.invitations.filter(pk=arguments["invitation"]).first()
    response = render(request, "meetings/checkin.html", {
        "meeting": meeting, "form": form, "done": done,
        "invitations": invitations,
        "has_youth": meeting.invitations.filter(is_youth_seat=True).exists(),
        **(_signer(meeting, signer) if done is not None else {}),
    }, status=400 if (request.method == "POST" and done is None) else 200)
    if done is not None and person_key:
        checkin.remember_on_phone(request, response, meeting, person_key)
    return response


def checkin_code(request, code):
    """The personal link of a convocation's QR code: it checks in its invitee only, during the session."""
    invitation = checkin.invitation_for_code(code)
    if invitation is None or invitation.is_youth_seat:
        refused = (_("Trop de codes erronés : adressez-vous au secrétariat.") if _code_missed(request) else
                   _("Ce code de pointage n'existe pas. Vérifiez-le sur votre convocation."))
        return render(request, "meetings/checkin_code.html", {"refused": refused}, status=404)
    meeting = invitation.meeting
    try:
        checkin.check_window(meeting)
    except checkin.CheckinRefused as exc:
        return render(request, "meetings/checkin_code.html", {"refused": str(exc), "meeting": meeting}, status=403)
    if request.method == "POST" and "sign" in request.POST:
        return _sign(request, meeting, invitation, "meetings/checkin_code.html", {})
    form = CheckinForm(request.POST if request.method == "POST" else None)
    done = None
    if request.method == "POST" and form.is_valid():
        if _rate_exceeded(request, meeting):
            form.add_error(None, _("Trop de pointages depuis cette connexion : adressez-vous au secrétariat."))
        else:
            done = _record(request, meeting, invitation.person_key, {"invitation": invitation.pk}, form)
    response = render(request, "meetings/checkin_code.html", {
        "meeting": meeting, "invitation": invitation, "form": form, "done": done,
        **(_signer(meeting, invitation) if done is not None else {}),
    }, status=400 if (request.method == "POST" and done is None) else 200)
    if done is not None:
        checkin.remember_on_phone(request, response, meeting, invitation.person_key)
    return response
