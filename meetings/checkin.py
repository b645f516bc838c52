"""Self check-in tokens: the QR code in the room changes every 30 seconds.

A token is the session id signed with a timestamp (``TimestampSigner``), so it is bound to one session,
cannot be forged, and is refused once older than ``TOKEN_MAX_AGE``: a photo of the code sent to someone
outside the room stops working within a couple of minutes. A closed or cancelled session refuses every
token, however fresh.
"""

import base64
import io

import segno
from django.core import signing
from django.utils.translation import gettext as _

from meetings.models import Meeting

SALT = "meetings.checkin"
ROTATION_SECONDS = 30
# A QR code lives 30 s on screen; the person then has time to pick their name and submit.
TOKEN_MAX_AGE = 180


class CheckinRefused(Exception):
    """The message tells the person what happened and what to do."""


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
    if meeting.status == Meeting.Status.CANCELLED:
        raise CheckinRefused(_("Cette séance est annulée : le pointage est fermé."))
    if meeting.closed_at is not None:
        raise CheckinRefused(_("L'émargement de cette séance est clos : adressez-vous au secrétariat."))
    if not meeting.is_frozen:
        raise CheckinRefused(_("Le pointage de cette séance n'est pas encore ouvert."))
    return meeting


def qr_svg(url: str) -> str:
    """The QR code as inline SVG (no image request, sharp on a projector)."""
    qr = segno.make(url, error="m")
    out = io.BytesIO()
    qr.save(out, kind="svg", scale=6, border=2, xmldecl=False, svgns=True, title=_("QR code de pointage"),
            nl=False)
    return out.getvalue().decode()


def qr_data_uri(url: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(qr_svg(url).encode()).decode()
