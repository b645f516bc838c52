"""Convocations, updates, cancellations and reminders: one e-mail per invited contact, with an .ics.

Requests and the reminders command queue the sending (``enqueue_emails`` → ``meetings.tasks``); the worker
runs ``send_to_invitations``.

The expected list is frozen before the first convocation (``services.freeze_invitations``); every later
message goes to that frozen list, and its .ics carries the same UID with the current SEQUENCE.
"""

import io
from dataclasses import dataclass
from datetime import timedelta
from email.mime.image import MIMEImage

import segno
from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from meetings import checkin, ics
from meetings.models import Invitation, Meeting
from meetings.services import freeze_invitations
from relais.links import absolute_url

REPLY_SALT = "meetings.reply"

SUBJECTS = {
    "convocation": "Convocation : %(title)s, le %(date)s",
    "update": "Modification : %(title)s, le %(date)s",
    "cancel": "Annulation : %(title)s du %(date)s",
    "reminder": "Rappel : %(title)s, le %(date)s",
}


def reply_token(invitation: Invitation) -> str:
    return signing.Signer(salt=REPLY_SALT).sign(str(invitation.pk))


def invitation_for_reply_token(token: str) -> Invitation | None:
    try:
        pk = signing.Signer(salt=REPLY_SALT).unsign(token)
    except signing.BadSignature:
        return None
    return Invitation.objects.select_related("meeting__body").filter(pk=pk).first()


CHECKIN_CID = "pointage-personnel@relais"


def _checkin_qr_png(url: str) -> MIMEImage:
    """The personal check-in QR code, attached inline (Content-ID) for the HTML body."""
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="png", scale=6, border=2)
    image = MIMEImage(out.getvalue(), "png")
    image.add_header("Content-ID", f"<{CHECKIN_CID}>")
    image.add_header("Content-Disposition", "inline", filename="code-pointage.png")
    return image


def _message(meeting: Meeting, invitation: Invitation, kind: str, ics_bytes: bytes, agenda: list[str]):
    local = timezone.localtime(meeting.starts_at)
    personal = kind != "cancel" and bool(invitation.checkin_code) and not invitation.is_youth_seat
    checkin_url = (absolute_url(reverse("meetings:checkin-code", args=[invitation.checkin_code]))
                   if personal else "")
    context = {
        "checkin_code": checkin.display_code(invitation.checkin_code) if personal else "",
        "checkin_url": checkin_url, "checkin_cid": CHECKIN_CID,
        "kind": kind, "meeting": meeting, "body": meeting.body, "invitation": invitation, "agenda": agenda,
        "starts": local, "ends": timezone.localtime(meeting.ends_at),
        "meeting_url": absolute_url(meeting.get_absolute_url()),
        "reply_yes_url": absolute_url(reverse("meetings:reply", args=[reply_token(invitation), "oui"])),
        "reply_no_url": absolute_url(reverse("meetings:reply", args=[reply_token(invitation), "non"])),
    }
    subject = _(SUBJECTS[kind]) % {"title": meeting.display_title, "date": local.strftime("%d/%m/%Y")}
    text = render_to_string("meetings/email/convocation.txt", context)
    html = render_to_string("meetings/email/convocation.html", context)
    message = EmailMultiAlternatives(subject=subject, body=text, to=[invitation.email])
    message.attach_alternative(html, "text/html")
    # The iTIP method only (RFC 6047 §2.4): Django adds the charset of a text attachment itself, so naming it
    # here wrote it twice in the header.
    method = "CANCEL" if kind == "cancel" else "REQUEST"
    message.attach("invitation.ics", ics_bytes, f"text/calendar; method={method}")
    if personal:
        message.attach(_checkin_qr_png(checkin_url))
    return message


def send_to_invitations(meeting: Meeting, kind: str, invitations=None) -> int:
    """E-mail every invitation that has an address; return how many messages left."""
    meeting = Meeting.objects.select_related("body").get(pk=meeting.pk)
    ics_bytes = ics.meeting_ics(meeting)
    agenda = [item.title for item in meeting.agenda_items.all()]
    if invitations is None:
        invitations = meeting.invitations.exclude(email="").select_related("organisation")
    messages = [_message(meeting, inv, kind, ics_bytes, agenda) for inv in invitations if inv.email]
    if not messages:
        return 0
    with get_connection() as connection:
        sent = connection.send_messages(messages) or 0
    if kind == "convocation":
        Invitation.objects.filter(pk__in=[inv.pk for inv in invitations]).update(convocation_sent_at=timezone.now())
    return sent


@dataclass
class Sending:
    """What a request handed to the worker: ``count`` messages to send; ``sent`` once they left (at once with
    the immediate backend, None while the worker has not run), ``failed`` if sending raised."""

    count: int
    sent: int | None = None
    failed: bool = False

    @property
    def done(self) -> bool:
        return self.sent is not None


def enqueue_emails(meeting: Meeting, kind: str) -> Sending:
    """Queue the e-mails of ``kind`` to every invitation with an address (the background task sends them)."""
    from django_tasks import TaskResultStatus

    from meetings import tasks

    count = meeting.invitations.exclude(email="").count()
    if not count:
        return Sending(0, 0)
    result = tasks.send_meeting_emails.enqueue(meeting.pk, kind)
    if result.status == TaskResultStatus.SUCCESSFUL:
        return Sending(count, result.return_value)
    return Sending(count, failed=result.status == TaskResultStatus.FAILED)


def convene(meeting: Meeting) -> Sending:
    """Freeze the expected list (once, now) and queue the convocations; a second call queues an update."""
    first = meeting.convened_at is None
    freeze_invitations(meeting)
    return enqueue_emails(meeting, "convocation" if first else "update")


def send_cancellation(meeting: Meeting) -> Sending:
    if not meeting.is_frozen:
        return Sending(0, 0)
    return enqueue_emails(meeting, "cancel")


def reminder_hours(meeting: Meeting) -> int:
    return meeting.body.reminder_hours or getattr(settings, "RELAIS_MEETING_REMINDER_HOURS", 48)


def send_due_reminders(now=None, *, hours: int | None = None) -> list[tuple[Meeting, int]]:
    """Remind every convened session starting within its body's reminder delay, once (idempotent).

    The session is claimed by a conditional UPDATE before sending, so two schedulers running at once
    never remind twice.
    """
    now = now or timezone.now()
    longest = hours or max(getattr(settings, "RELAIS_MEETING_REMINDER_HOURS", 48), 24 * 14)
    candidates = (Meeting.objects.select_related("body")
                  .filter(status=Meeting.Status.CONVENED, reminder_sent_at=None, starts_at__gt=now,
                          starts_at__lte=now + timedelta(hours=longest)))
    done = []
    for meeting in candidates:
        delay = hours or reminder_hours(meeting)
        if meeting.starts_at > now + timedelta(hours=delay):
            continue
        claimed = Meeting.objects.filter(pk=meeting.pk, reminder_sent_at=None).update(reminder_sent_at=now)
        if claimed:
            sending = enqueue_emails(meeting, "reminder")
            done.append((meeting, sending.sent if sending.done else sending.count))
    return done


def remind_unclosed_sessions(now=None) -> list[tuple[Meeting, int]]:
    """Tell each body's secretaries (the département's admins when it has none) about its past sessions whose
    sheet is still open, once per session (claimed by a conditional UPDATE, so two schedulers never send twice).
    The indicators report such sessions as "non clôturées" until the sheet is closed."""
    from django.contrib.auth import get_user_model
    from guardian.shortcuts import get_users_with_perms

    from meetings.queries import sessions_to_close
    from relais import roles

    now = now or timezone.now()
    admins = [user.email for user in get_user_model().objects.filter(groups__name=roles.DEPARTEMENT_ADMIN,
                                                                    is_active=True).exclude(email="")]
    done = []
    for meeting in sessions_to_close(now=now).filter(close_reminder_sent_at=None):
        if not Meeting.objects.filter(pk=meeting.pk, close_reminder_sent_at=None).update(close_reminder_sent_at=now):
            continue
        secretaries = [user.email for user in get_users_with_perms(
            meeting.body, only_with_perms_in=["manage_body"], with_group_users=False) if user.is_active and user.email]
        recipients = sorted(set(secretaries or admins))
        if recipients:
            local = timezone.localtime(meeting.starts_at)
            subject = _("À clôturer : %(title)s du %(date)s") % {"title": meeting.display_title,
                                                                 "date": local.strftime("%d/%m/%Y")}
            body = _("La séance « %(title)s » du %(date)s est passée mais sa feuille d'émargement est encore "
                     "ouverte. Tant qu'elle n'est pas close, les indicateurs de la convention la signalent « non "
                     "clôturée » et ne la comptent pas.\n\nClore la feuille : %(url)s\n") % {
                "title": meeting.display_title, "date": local.strftime("%d/%m/%Y"),
                "url": absolute_url(reverse("meetings:sheet", args=[meeting.pk]) if meeting.is_frozen
                                    else meeting.get_absolute_url())}
            EmailMultiAlternatives(subject, body, to=recipients).send()
        done.append((meeting, len(recipients)))
    return done
