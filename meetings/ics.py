"""iCalendar (RFC 5545) for sessions: one stable UID per session, SEQUENCE bumped on every change.

Calendar clients match an update to the event they already hold by UID and keep the highest SEQUENCE;
a cancellation is the same UID with METHOD:CANCEL and STATUS:CANCELLED.
"""

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from meetings.models import Meeting
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


def meeting_event(meeting: Meeting, *, agenda: list[str] | None = None) -> Event:
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
    organizer = vCalAddress(f"mailto:{_from_address()}")
    organizer.params["cn"] = vText(meeting.body.name)
    event["organizer"] = organizer
    return event


def _from_address() -> str:
    address = settings.DEFAULT_FROM_EMAIL
    if "<" in address:
        address = address.split("<", 1)[1].rstrip(">")
    return address


def meeting_ics(meeting: Meeting) -> bytes:
    """The invitation attached to a convocation: METHOD:REQUEST, or METHOD:CANCEL once cancelled."""
    cancelled = meeting.status == Meeting.Status.CANCELLED
    cal = _calendar("CANCEL" if cancelled else "REQUEST")
    agenda = [item.title for item in meeting.agenda_items.all()]
    cal.add_component(meeting_event(meeting, agenda=agenda))
    return cal.to_ical()


def body_feed(body, meetings) -> bytes:
    """A subscribable feed of every session of a body (METHOD:PUBLISH)."""
    cal = _calendar("PUBLISH")
    cal.add("x-wr-calname", body.name)
    for meeting in meetings:
        cal.add_component(meeting_event(meeting))
    return cal.to_ical()
