"""The fingerprint printed at the foot of every page of an attendance sheet or certificate (PDF).

A PDF is a picture of the records at the moment it was made. Its footer carries the first 16 hexadecimal
characters of the SHA-256 of those records serialised in one canonical way (``canonical_json``): the session,
its half-days and their hours, each expected person and walk-in with their attendance, and every valid
signature with its strokes. An auditor holding a printed or downloaded PDF recomputes the fingerprint from
the database (``manage.py verify_emargement <session id> [--person KEY]``, docs/meetings.md): the same
figure means the records still say what the PDF says; another figure means something changed since (a
correction, a voided signature, a person's erasure), and the session's history says what and when.

The serialisation: a JSON object with sorted keys, no spaces (``,`` and ``:`` as separators), UTF-8 text
unescaped, instants in UTC ISO 8601 (``2026-03-05T13:02:11.123456+00:00``), clock times as ``HH:MM``, strokes
as lists of [x, y] rounded to 0.1 as stored; lists are sorted (people by their key, signatures by key,
half-day and time). ``FORMAT`` names this layout; a change of layout changes ``FORMAT``.
"""

import hashlib
import json
from datetime import UTC

from meetings.models import Attendance, DrawnSignature, HalfDaySignature, Meeting

FORMAT = "relais-emargement-1"
SHORT = 16


def _instant(value) -> str | None:
    return value.astimezone(UTC).isoformat() if value is not None else None


def _clock(value) -> str | None:
    return value.strftime("%H:%M") if value is not None else None


def canonical_record(meeting: Meeting, person_key: str | None = None) -> dict:
    """What a sheet (``person_key`` None) or one person's certificate shows, as plain data."""
    body = meeting.body
    half_days = list(meeting.half_days.all())
    labels = {hd.pk: f"{hd.date.isoformat()} {hd.period}" for hd in half_days}
    invitations = meeting.invitations.select_related("organisation", "attendance",
                                                     "attendance__represented_by_organisation")
    walk_ins = Attendance.objects.filter(meeting=meeting, invitation=None).select_related(
        "organisation", "represented_by_organisation")
    half_day_signatures = HalfDaySignature.objects.filter(half_day__meeting=meeting)
    signatures = DrawnSignature.objects.filter(meeting=meeting, voided_at__isnull=True)
    if person_key is not None:
        invitations = invitations.filter(person_key=person_key)
        walk_ins = walk_ins.filter(person_key=person_key)
        half_day_signatures = half_day_signatures.filter(person_key=person_key)
        signatures = signatures.filter(person_key=person_key)

    def attendance(att) -> dict | None:
        if att is None:
            return None
        return {"status": att.status, "represented_by": att.representation_label,
                "arrived_at": _instant(att.arrived_at), "left_at": _instant(att.left_at)}

    people = []
    for inv in invitations:
        att = getattr(inv, "attendance", None) if hasattr(inv, "attendance") else None
        people.append({"key": inv.person_key, "name": str(inv.display_name),
                       "organisation": inv.organisation.name if inv.organisation_id else "",
                       "seat": inv.seat, "voting": inv.voting, "youth_seat": inv.is_youth_seat,
                       "expected": True, "attendance": attendance(att)})
    for att in walk_ins:
        people.append({"key": att.person_key, "name": att.person_name, "organisation": att.organisation_label,
                       "seat": "", "voting": False, "youth_seat": False, "expected": False,
                       "attendance": attendance(att)})
    return {
        "format": FORMAT,
        "session": {
            "uid": str(meeting.uid), "body": body.name, "title": meeting.display_title,
            "training": body.is_training, "organiser": body.organiser.name if body.organiser_id else "",
            "trainer": meeting.trainer_name, "starts_at": _instant(meeting.starts_at),
            "ends_at": _instant(meeting.ends_at), "place": meeting.place, "status": meeting.status,
        },
        "half_days": [{"half_day": labels[hd.pk], "start": _clock(hd.start), "end": _clock(hd.end),
                       "trainer": hd.trainer_name or meeting.trainer_name,
                       "trainer_signed_at": _instant(hd.trainer_signed_at)} for hd in half_days],
        "people": sorted(people, key=lambda p: (p["key"], p["expected"])),
        "half_day_signatures": sorted(
            ({"key": s.person_key, "half_day": labels.get(s.half_day_id, ""), "signed_at": _instant(s.signed_at)}
             for s in half_day_signatures), key=lambda s: (s["key"], s["half_day"])),
        "signatures": sorted(
            ({"key": s.person_key, "half_day": labels.get(s.half_day_id) if s.half_day_id else None,
              "signed_at": _instant(s.signed_at), "certified": s.certified, "strokes": s.strokes}
             for s in signatures), key=lambda s: (s["key"], s["half_day"] or "", s["signed_at"])),
    }


def canonical_json(record: dict) -> bytes:
    return json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def fingerprint(meeting: Meeting, person_key: str | None = None) -> str:
    """The full SHA-256 (64 hexadecimal characters) of the canonical record."""
    return hashlib.sha256(canonical_json(canonical_record(meeting, person_key))).hexdigest()


def short(digest: str) -> str:
    """The part printed on each page."""
    return digest[:SHORT]
