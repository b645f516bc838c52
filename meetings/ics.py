"""iCalendar (RFC 5545) for sessions: one stable UID per session, SEQUENCE bumped on every change.

Calendar clients match an update to the event they already hold by UID and keep the highest SEQUENCE;
a cancellation is the same UID with METHOD:CANCEL and STATUS:CANCELLED. A REQUEST or CANCEL (RFC 5546)
names every invitee with an address as ATTENDEE and the body's secretary as ORGANIZER (the configured
mailbox ``RELAIS_MEETINGS_ORGANIZER_EMAIL`` when no secretary has an address, never the no-reply sender
unless nothing else is known); the PUBLISH feed carries no attendee.
"""

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from meetings.models import Body, Invitation, Meeting, Seat
from relais.links import absolute_url

PRODID = "-//Relais//Instances//FR"


def meeting_uid(meeting: Meeting) -> str:
    return f"{meeting.uid}@relais"


def _calendar(method: str | None = None) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if method:
        cal.add("method", method)
    return cal


def _location(meeting: Meeting) -> str:
    parts = [p for p in (meeting.place, meeting.video_link) if p]
    return " – ".join(parts)


def organizer(body: Body) -> tuple[str, str]:
    """(address, name) of the body's organiser: its first secretary with an address, else the mailbox."""
    from guardian.shortcuts import get_users_with_perms

    secretaries = (get_users_with_perms(body, only_with_perms_in=["manage_body"], with_group_users=False)
                   .filter(is_active=True).exclude(email="").order_by("last_name", "first_name", "pk"))
    secretary = secretaries.first()
    if secretary is not None:
        return secretary.email, secretary.get_full_name() or body.name
    mailbox = getattr(settings, "RELAIS_MEETINGS_ORGANIZER_EMAIL", "") or _from_address()
    return mailbox, body.name


PARTSTAT = {Invitation.Reply.YES: "ACCEPTED", Invitation.Reply.NO: "DECLINED"}


def _attendee(invitation: Invitation, method: str) -> vCalAddress:
    address = vCalAddress(f"mailto:{invitation.email}")
    address.params["cn"] = vText(str(invitation.display_name) or invitation.email)
    address.params["cutype"] = vText("INDIVIDUAL")
    required = invitation.voting and invitation.seat == Seat.TITULAIRE
    address.params["role"] = vText("REQ-PARTICIPANT" if required else "OPT-PARTICIPANT")
    address.params["partstat"] = vText(PARTSTAT.get(invitation.reply, "NEEDS-ACTION"))
    address.params["rsvp"] = vText("TRUE" if method == "REQUEST" else "FALSE")
    return address


def meeting_event(meeting: Meeting, *, agenda: list[str] | None = None, method: str | None = None,
                  organiser: tuple[str, str] | None = None) -> Event:
    event = Event()
    event.add("uid", meeting_uid(meeting))
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", meeting.starts_at)
    event.add("dtend", meeting.ends_at)
    event.add("summary", meeting.display_title)
    event.add("last-modified", meeting.updated_at or timezone.now())
    if _location(meeting):
        event.add("location", vText(_location(meeting)))
    description = []
    if agenda:
        description.append("Ordre du jour :")
        description.extend(f"- {item}" for item in agenda)
    url = absolute_url(meeting.get_absolute_url())
    event.add("url", url)
    description.append(url)
    event.add("description", "\n".join(description))
    cancelled = meeting.status == Meeting.Status.CANCELLED
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    address, name = organiser or organizer(meeting.body)
    who = vCalAddress(f"mailto:{address}")
    who.params["cn"] = vText(name)
    event["organizer"] = who
    if method in ("REQUEST", "CANCEL"):
        invitations = meeting.invitations.exclude(email="").select_related("organisation").order_by("position", "pk")
        for invitation in invitations:
            event.add("attendee", _attendee(invitation, method), encode=0)
    return event


def _from_address() -> str:
    address = settings.DEFAULT_FROM_EMAIL
    if "<" in address:
        address = address.split("<", 1)[1].rstrip(">")
    return address


def meeting_ics(meeting: Meeting) -> bytes:
    """The invitation attached to a convocation: METHOD:REQUEST, or METHOD:CANCEL once cancelled."""
    method = "CANCEL" if meeting.status == Meeting.Status.CANCELLED else "REQUEST"
    cal = _calendar(method)
    agenda = [item.title for item in meeting.agenda_items.all()]
    cal.add_component(meeting_event(meeting, agenda=agenda, method=method))
    return cal.to_ical()


def body_feed(body, meetings) -> bytes:
    """A subscribable feed of every session of a body (METHOD:PUBLISH)."""
    cal = _calendar("PUBLISH")
    cal.add("x-wr-calname", body.name)
    organiser = organizer(body)
    for meeting in meetings:
        cal.add_component(meeting_event(meeting, organiser=organiser))
    return cal.to_ical()
