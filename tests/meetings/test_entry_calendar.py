"""The .ics of a session as calendar clients read it: every REQUEST and CANCEL names each invitee as ATTENDEE
and the body's secretary (or the configured mailbox) as ORGANIZER, the attachment header is well formed, and
convening a session in the past asks first.

Each file is parsed by ``icalendar``, by ``vobject`` (an independent parser, a dev dependency) and checked by
``strict_rfc5545`` below, a reading written from RFC 5545 (content lines, folding, parameters, escaping,
component structure, VTIMEZONE for each TZID) and RFC 5546 (what REQUEST, CANCEL and PUBLISH require).
"""

import email
import re
from datetime import timedelta

import pytest
import vobject
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from guardian.shortcuts import assign_perm
from icalendar import Calendar

from meetings import convocations, ics
from meetings.models import Invitation, Meeting

# --- A strict reader of RFC 5545 / RFC 5546 --------------------------------------------------------

NAME = re.compile(r"^(?:X-[A-Za-z0-9-]+|[A-Za-z0-9-]+)$")
QSAFE = r'"[^"\x00-\x08\x0a-\x1f\x7f]*"'
SAFE = r"[^\";:,\x00-\x08\x0a-\x1f\x7f]*"
PARAM = re.compile(rf"^([A-Za-z0-9-]+)=((?:{QSAFE}|{SAFE})(?:,(?:{QSAFE}|{SAFE}))*)")
TEXT_PROPS = {"SUMMARY", "LOCATION", "DESCRIPTION", "X-WR-CALNAME"}
ONCE_IN_EVENT = {"UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY", "LOCATION", "DESCRIPTION", "ORGANIZER",
                 "SEQUENCE", "STATUS", "URL", "LAST-MODIFIED", "CLASS", "CREATED", "TRANSP"}
UTC_STAMP = re.compile(r"^\d{8}T\d{6}Z$")
LOCAL_STAMP = re.compile(r"^\d{8}T\d{6}$")
ENUMS = {"ROLE": {"CHAIR", "REQ-PARTICIPANT", "OPT-PARTICIPANT", "NON-PARTICIPANT"},
         "PARTSTAT": {"NEEDS-ACTION", "ACCEPTED", "DECLINED", "TENTATIVE", "DELEGATED"},
         "RSVP": {"TRUE", "FALSE"}, "CUTYPE": {"INDIVIDUAL", "GROUP", "RESOURCE", "ROOM", "UNKNOWN"}}
# RFC 5546 §3.2: what each method needs in its VEVENT (property: minimum count).
METHOD_NEEDS = {"REQUEST": {"ATTENDEE": 1, "DTSTAMP": 1, "DTSTART": 1, "ORGANIZER": 1, "SUMMARY": 1, "UID": 1},
                "CANCEL": {"ATTENDEE": 1, "DTSTAMP": 1, "ORGANIZER": 1, "SEQUENCE": 1, "UID": 1},
                "PUBLISH": {"DTSTAMP": 1, "DTSTART": 1, "ORGANIZER": 1, "UID": 1}}
METHOD_FORBIDS = {"PUBLISH": {"ATTENDEE"}}


def _split_params(text: str) -> tuple[dict, str]:
    params = {}
    while text.startswith(";"):
        match = PARAM.match(text[1:])
        assert match, f"malformed parameter in {text!r}"
        params.setdefault(match.group(1).upper(), []).append(match.group(2))
        text = text[1 + match.end():]
    assert text.startswith(":"), f"no ':' before the value: {text!r}"
    return params, text[1:]


def _content_lines(data: bytes):
    assert data.endswith(b"\r\n"), "the object must end with CRLF"
    physical = data[:-2].split(b"\r\n")
    for raw in physical:
        assert b"\n" not in raw and b"\r" not in raw, f"bare LF or CR in {raw!r}"
        assert len(raw) <= 75, f"line of {len(raw)} octets (max 75): {raw!r}"
    text = data.decode("utf-8")
    logical = []
    for line in text[:-2].split("\r\n"):
        if line[:1] in (" ", "\t"):
            assert logical, "a continuation line cannot come first"
            logical[-1] += line[1:]
        else:
            logical.append(line)
    for line in logical:
        assert not re.search(r"[\x00-\x08\x0a-\x1f\x7f]", line), f"control character in {line!r}"
        match = re.match(r"^([A-Za-z0-9-]+)", line)
        assert match and NAME.match(match.group(1)), f"bad property name in {line!r}"
        params, value = _split_params(line[match.end():])
        yield match.group(1).upper(), params, value


def strict_rfc5545(data: bytes) -> dict:
    """Check ``data`` against RFC 5545/5546; return {"method", "events": [ {name: [(params, value)]} ]}."""
    stack, events, calendar, tzids_used, tzids_defined = [], [], {}, set(), set()
    current = None
    for name, params, value in _content_lines(data):
        if name == "BEGIN":
            stack.append(value.upper())
            if value.upper() == "VEVENT":
                current = {}
            continue
        if name == "END":
            assert stack and stack[-1] == value.upper(), f"END:{value} closes {stack[-1:]}"
            stack.pop()
            if value.upper() == "VEVENT":
                events.append(current)
                current = None
            continue
        assert stack, f"{name} outside any component"
        if stack == ["VCALENDAR"]:
            calendar.setdefault(name, []).append((params, value))
        elif stack[-1] == "VEVENT":
            current.setdefault(name, []).append((params, value))
        if name == "TZID" and stack[-1] == "VTIMEZONE":
            tzids_defined.add(value)
        for tzid in params.get("TZID", []):
            tzids_used.add(tzid.strip('"'))
        if name in TEXT_PROPS:
            assert not re.search(r"(?<!\\)[,;]", value.replace("\\\\", "")), f"unescaped , or ; in {name}"
            assert not re.search(r"\\[^\\;,nN]", value.replace("\\\\", "")), f"bad escape in {name}: {value!r}"
        if name in ("DTSTAMP", "LAST-MODIFIED", "CREATED"):
            assert UTC_STAMP.match(value), f"{name} must be UTC date-time: {value}"
        if name in ("DTSTART", "DTEND"):
            assert UTC_STAMP.match(value) or ("TZID" in params and LOCAL_STAMP.match(value)), f"{name}={value}"
        if name in ("ATTENDEE", "ORGANIZER"):
            assert re.match(r"^mailto:[^@\s]+@[^@\s]+$", value, re.I), f"{name} is not a mailto URI: {value}"
            for param, allowed in ENUMS.items():
                for given in params.get(param, []):
                    assert given.strip('"').upper() in allowed, f"{param}={given}"
        if name == "SEQUENCE":
            assert value.isdigit()
    assert not stack, f"unclosed components: {stack}"
    assert [v for _p, v in calendar.get("VERSION", [])] == ["2.0"], "VERSION:2.0 exactly once"
    assert len(calendar.get("PRODID", [])) == 1, "PRODID exactly once"
    assert len(calendar.get("METHOD", [])) <= 1
    assert tzids_used <= tzids_defined, f"TZID without VTIMEZONE: {tzids_used - tzids_defined}"
    method = calendar["METHOD"][0][1] if "METHOD" in calendar else None
    for event in events:
        for prop in ONCE_IN_EVENT:
            assert len(event.get(prop, [])) <= 1, f"{prop} more than once"
        assert "DTEND" not in event or "DURATION" not in event
        for prop, count in METHOD_NEEDS.get(method, {}).items():
            assert len(event.get(prop, [])) >= count, f"METHOD:{method} needs {prop}"
        for prop in METHOD_FORBIDS.get(method, set()):
            assert prop not in event, f"METHOD:{method} must not carry {prop}"
        addresses = [v.lower() for _p, v in event.get("ATTENDEE", [])]
        assert len(addresses) == len(set(addresses)), "an attendee listed twice"
    return {"method": method, "events": events}


def _param(params, name):
    return params.get(name, [""])[0].strip('"')


# --- The checker itself refuses what it should (it must be able to fail) ---------------------------

@pytest.mark.parametrize("bad", [
    b"BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:x\nEND:VCALENDAR\n",  # LF only
    b"BEGIN:VCALENDAR\r\nPRODID:x\r\nEND:VCALENDAR\r\n",  # no VERSION
    b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:1\r\nEND:VCALENDAR\r\n",  # unbalanced
    b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:" + b"x" * 80 + b"\r\nEND:VCALENDAR\r\n",  # long line
    b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\nUID:1\r\n"
    b"DTSTAMP:20270101T100000Z\r\nDTSTART:20270101T100000Z\r\nSUMMARY:a\r\nORGANIZER:mailto:a@b.fr\r\n"
    b"END:VEVENT\r\nEND:VCALENDAR\r\n",  # REQUEST without ATTENDEE (the bug of issue 14)
    b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:1\r\nSUMMARY:a, b\r\n"
    b"END:VEVENT\r\nEND:VCALENDAR\r\n",  # unescaped comma
    b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:1\r\nDTSTART;TZID=Europe/Paris:"
    b"20270101T100000\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",  # TZID without VTIMEZONE
    b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nATTENDEE;CN=A:B:mailto:a@b.fr\r\n"
    b"END:VEVENT\r\nEND:VCALENDAR\r\n",  # unquoted ':' in a parameter
])
def test_the_strict_checker_refuses_broken_files(bad):
    with pytest.raises(AssertionError):
        strict_rfc5545(bad)


# --- What Relais sends ------------------------------------------------------------------------------

@pytest.fixture
def named_secretary(body_secretary):
    body_secretary.first_name, body_secretary.last_name = "Camille", "Secrétaire"
    body_secretary.email = "camille.secretariat@exemple.invalid"
    body_secretary.save()
    return body_secretary


@pytest.fixture
def convened(body, make_meeting):
    """A session whose names need escaping and quoting: a colon and a semicolon in a name."""
    meeting = make_meeting(body, days=5, convene=False, title="Comité : bilan; suite, fin")
    inv_contact = body.members.first().contact
    inv_contact.name = "Dominique Lefèvre: MDS; Arras"
    inv_contact.save()
    convocations.convene(meeting)
    return Meeting.objects.get(pk=meeting.pk)


def _from_mail(part) -> bytes:
    """The .ics as the calendar client receives it: a text part travels with CRLF line ends (RFC 2046 §4.1.1),
    Python's parser gives LF back."""
    return part.get_payload(decode=True).replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def _both(data: bytes):
    """Parsed by icalendar, by vobject and by the strict checker; all must accept it, and vobject must read the
    same method, organiser and attendees as the strict checker."""
    cal = Calendar.from_ical(data)
    checked = strict_rfc5545(data)
    other = vobject.readOne(data.decode("utf-8"), validate=True)
    assert other.method.value == checked["method"]
    for event, read in zip(getattr(other, "vevent_list", []), checked["events"], strict=True):
        attendees = sorted(a.value.lower() for a in getattr(event, "attendee_list", []))
        assert attendees == sorted(value.lower() for _params, value in read.get("ATTENDEE", []))
        if hasattr(event, "organizer"):
            assert event.organizer.value.lower().startswith("mailto:")
    return cal, checked


def test_request_names_every_invitee_and_the_secretary(named_secretary, convened):
    cal, checked = _both(ics.meeting_ics(convened))
    assert checked["method"] == "REQUEST"
    event = checked["events"][0]
    expected = {inv.email.lower() for inv in convened.invitations.exclude(email="")}
    assert len(expected) == 3
    assert {v.lower().removeprefix("mailto:") for _p, v in event["ATTENDEE"]} == expected
    for params, _value in event["ATTENDEE"]:
        assert _param(params, "CN") and _param(params, "PARTSTAT") == "NEEDS-ACTION"
        assert _param(params, "ROLE") in ("REQ-PARTICIPANT", "OPT-PARTICIPANT") and _param(params, "RSVP") == "TRUE"
    quoted = [p for p, _v in event["ATTENDEE"] if "Lefèvre" in _param(p, "CN")]
    assert quoted and quoted[0]["CN"][0].startswith('"')
    params, organizer = event["ORGANIZER"][0]
    assert organizer == "mailto:camille.secretariat@exemple.invalid" and _param(params, "CN") == "Camille Secrétaire"
    assert "ne-pas-repondre" not in ics.meeting_ics(convened).decode()
    assert len(cal.walk("VEVENT")[0].get("ATTENDEE")) == 3


def test_replies_show_as_partstat(named_secretary, convened):
    invitation = convened.invitations.exclude(email="").first()
    Invitation.objects.filter(pk=invitation.pk).update(reply=Invitation.Reply.NO)
    _cal, checked = _both(ics.meeting_ics(convened))
    statuses = {v.lower().removeprefix("mailto:"): _param(p, "PARTSTAT") for p, v in checked["events"][0]["ATTENDEE"]}
    assert statuses[invitation.email.lower()] == "DECLINED"


def test_without_secretary_address_the_configured_mailbox_organises(settings, body, convened):
    settings.RELAIS_MEETINGS_ORGANIZER_EMAIL = "instances@departement.invalid"
    _cal, checked = _both(ics.meeting_ics(convened))
    assert checked["events"][0]["ORGANIZER"][0][1] == "mailto:instances@departement.invalid"


def test_cancel_names_the_invitees_too_and_the_mail_header_is_well_formed(client_as, named_secretary, convened):
    mail.outbox.clear()
    client_as(named_secretary).post(reverse("meetings:cancel", args=[convened.pk]))
    assert len(mail.outbox) == 3
    parsed = email.message_from_bytes(mail.outbox[0].message().as_bytes())
    parts = [p for p in parsed.walk() if p.get_content_type() == "text/calendar"]
    assert len(parts) == 1
    header = parts[0]["Content-Type"]
    assert header.lower().count("charset") == 1, header
    assert parts[0].get_param("method") == "CANCEL" and parts[0].get_content_charset() == "utf-8"
    assert parts[0].get_filename() == "invitation.ics"
    cal, checked = _both(_from_mail(parts[0]))
    assert checked["method"] == "CANCEL"
    event = checked["events"][0]
    assert len(event["ATTENDEE"]) == 3 and all(_param(p, "RSVP") == "FALSE" for p, _v in event["ATTENDEE"])
    assert event["STATUS"][0][1] == "CANCELLED"


def test_convocation_mail_carries_a_valid_request(client_as, named_secretary, body, make_meeting):
    meeting = make_meeting(body, days=3, convene=False)
    client_as(named_secretary).post(reverse("meetings:convene", args=[meeting.pk]))
    assert len(mail.outbox) == 3
    for message in mail.outbox:
        parsed = email.message_from_bytes(message.message().as_bytes())
        part = next(p for p in parsed.walk() if p.get_content_type() == "text/calendar")
        assert part["Content-Type"].lower().count("charset") == 1
        assert part.get_param("method") == "REQUEST"
        _cal, checked = _both(_from_mail(part))
        attendees = {v.lower() for _p, v in checked["events"][0]["ATTENDEE"]}
        assert f"mailto:{message.to[0].lower()}" in attendees


def test_feed_is_a_valid_publish_without_attendees(client, named_secretary, body, make_meeting):
    make_meeting(body, days=3)
    make_meeting(body, days=40, title="Séance; avec, ponctuation")
    response = client.get(reverse("meetings:feed", args=[body.slug, body.feed_token]))
    _cal, checked = _both(response.content)
    assert checked["method"] == "PUBLISH" and len(checked["events"]) == 2


def test_download_of_the_ics_is_valid(client_as, named_secretary, convened):
    response = client_as(named_secretary).get(reverse("meetings:meeting-ics", args=[convened.pk]))
    assert response.status_code == 200
    _both(response.content)


# --- Convening a session in the past ----------------------------------------------------------------

def test_convening_a_past_session_asks_first(client_as, named_secretary, body, make_meeting):
    meeting = make_meeting(body, days=-3, convene=False)
    client = client_as(named_secretary)
    response = client.post(reverse("meetings:convene", args=[meeting.pk]))
    html = response.content.decode()
    assert response.status_code == 200 and "Convoquer une séance passée ?" in html
    assert "Oui, convoquer quand même" in html and 'name="confirm_past"' in html
    meeting.refresh_from_db()
    assert not meeting.is_frozen and not mail.outbox
    client.post(reverse("meetings:convene", args=[meeting.pk]), {"confirm_past": "1"})
    meeting.refresh_from_db()
    assert meeting.is_frozen and len(mail.outbox) == 3


def test_a_future_session_is_convened_at_once(client_as, named_secretary, body, make_meeting):
    meeting = make_meeting(body, days=1, convene=False)
    response = client_as(named_secretary).post(reverse("meetings:convene", args=[meeting.pk]))
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.is_frozen and meeting.starts_at > timezone.now() - timedelta(minutes=1)


def test_a_global_right_does_not_make_an_organiser(named_secretary, body, convened, make_user):
    """Only a secretary named on this body organises: a département admin's global right does not count."""
    admin = make_user("pilote-org", None)
    assign_perm("meetings.manage_body", admin)  # global, not on this body
    _cal, checked = _both(ics.meeting_ics(convened))
    assert checked["events"][0]["ORGANIZER"][0][1] == "mailto:camille.secretariat@exemple.invalid"
