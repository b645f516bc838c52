"""Self check-in: the room's rotating QR code, the personal codes of the convocations, one phone's share.

A room token is the session id signed with a timestamp (``TimestampSigner``), so it is bound to one session,
cannot be forged, and is refused once older than ``TOKEN_MAX_AGE``: a photo of the code sent to someone
outside the room stops working within a couple of minutes. A closed or cancelled session refuses every
token, however fresh, and so does a session outside its window (from ``WINDOW_BEFORE`` before its start to
its end): a token of next week's session checks nobody in today.

A personal code (``Invitation.checkin_code``, in the convocation as a QR code and as ABCD-EFGH) records its
invitee only, in the same window. A phone keeps, in a signed cookie, whom it checked in for each session:
``Meeting.checkin_people_per_phone`` people at most (1 unless the secretary allows more).
"""

import base64
import io
from datetime import timedelta

import segno
from django.core import signing
from django.utils import timezone
from django.utils.translation import gettext as _

from meetings.models import CHECKIN_CODE_ALPHABET, CHECKIN_CODE_LENGTH, Invitation, Meeting

SALT = "meetings.checkin"
ROTATION_SECONDS = 30
# A QR code lives 30 s on screen; the person then has time to pick their name and submit.
TOKEN_MAX_AGE = 180
# After checking someone in, the phone may sign for them from the same page for this long (its cookie
# names the person: see phone_people).
SIGN_MAX_AGE = 1800


WINDOW_BEFORE = timedelta(hours=1)
PHONE_COOKIE = "relais_pointage_{pk}"
PHONE_SALT = "meetings.checkin.phone"


class CheckinRefused(Exception):
    """The message tells the person what happened and what to do."""


def check_window(meeting: Meeting, now=None) -> None:
    """Self check-in is open from one hour before the start to the end of the session, and only then."""
    now = now or timezone.now()
    if meeting.status == Meeting.Status.CANCELLED:
        raise CheckinRefused(_("Cette séance est annulée : le pointage est fermé."))
    if meeting.closed_at is not None:
        raise CheckinRefused(_("L'émargement de cette séance est clos : adressez-vous au secrétariat."))
    if not meeting.is_frozen:
        raise CheckinRefused(_("Le pointage de cette séance n'est pas encore ouvert."))
    opens = meeting.starts_at - WINDOW_BEFORE
    if now < opens:
        when = timezone.localtime(opens)
        raise CheckinRefused(_("Le pointage de cette séance ouvrira le %(date)s à %(time)s, une heure avant "
                               "son début.") % {"date": when.strftime("%d/%m/%Y"), "time": when.strftime("%H:%M")})
    if now > meeting.ends_at:
        raise CheckinRefused(_("Cette séance est terminée : le pointage est fermé. Adressez-vous au secrétariat."))


def make_token(meeting: Meeting) -> str:
    return signing.TimestampSigner(salt=SALT).sign(str(meeting.pk))


def meeting_for_token(token: str, *, max_age: int | None = None) -> Meeting:
    signer = signing.TimestampSigner(salt=SALT)
    max_age = TOKEN_MAX_AGE if max_age is None else max_age
    try:
        meeting_id = signer.unsign(token, max_age=max_age)
    except signing.SignatureExpired:
        raise CheckinRefused(_("Ce QR code a expiré. Scannez le code affiché en ce moment dans la salle."))
    except signing.BadSignature:
        raise CheckinRefused(_("Ce lien de pointage n'est pas valide. Scannez le code affiché dans la salle."))
    meeting = Meeting.objects.select_related("body").filter(pk=meeting_id).first()
    if meeting is None:
        raise CheckinRefused(_("Ce lien de pointage n'est pas valide. Scannez le code affiché dans la salle."))
    check_window(meeting)
    return meeting


def normalise_code(text: str) -> str:
    """What a person typed (spaces, dash, lower case) → the stored form, or "" if it cannot be one."""
    code = "".join(ch for ch in (text or "").upper() if ch.isalnum())
    if len(code) != CHECKIN_CODE_LENGTH or any(ch not in CHECKIN_CODE_ALPHABET for ch in code):
        return ""
    return code


def display_code(code: str) -> str:
    return f"{code[:4]}-{code[4:]}" if code else ""


def invitation_for_code(code: str, *, meeting: Meeting | None = None) -> Invitation | None:
    """The invitation a personal code names (within ``meeting`` when given), or None."""
    code = normalise_code(code)
    if not code:
        return None
    invitations = Invitation.objects.select_related("meeting__body", "organisation")
    if meeting is not None:
        invitations = invitations.filter(meeting=meeting)
    return invitations.filter(checkin_code=code).first()


# --- One phone, one person per session (unless the secretary allows more) -------------------------------

def phone_people(request, meeting: Meeting) -> list[str]:
    """The person keys this phone already checked in for the session (from its signed cookie)."""
    raw = request.COOKIES.get(PHONE_COOKIE.format(pk=meeting.pk), "")
    try:
        people = signing.loads(raw, salt=PHONE_SALT) if raw else []
    except signing.BadSignature:
        people = []
    return [str(key) for key in people][:50] if isinstance(people, list) else []


def phone_may_check_in(request, meeting: Meeting, person_key: str | None) -> bool:
    """True when this phone may check ``person_key`` in (already its own, or within the allowance)."""
    people = phone_people(request, meeting)
    if person_key is not None and person_key in people:
        return True
    return len(people) < max(1, meeting.checkin_people_per_phone)


def remember_on_phone(request, response, meeting: Meeting, person_key: str) -> None:
    people = phone_people(request, meeting)
    if person_key not in people:
        people.append(person_key)
    response.set_cookie(PHONE_COOKIE.format(pk=meeting.pk), signing.dumps(people, salt=PHONE_SALT),
                        max_age=int((meeting.ends_at - timezone.now()).total_seconds()) + 86_400,
                        httponly=True, samesite="Lax", secure=request.is_secure())


def qr_svg(url: str) -> str:
    """The QR code as inline SVG (no image request, sharp on a projector)."""
    qr = segno.make(url, error="m")
    out = io.BytesIO()
    qr.save(out, kind="svg", scale=6, border=2, xmldecl=False, svgns=True, title=_("QR code de pointage"),
            nl=False)
    return out.getvalue().decode()


def qr_data_uri(url: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(qr_svg(url).encode()).decode()
