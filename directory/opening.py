"""Opening hours (OpenStreetMap syntax) as a readable French week and a one-line status that tells the truth.

The one public entry points: ``status(text, now, closure=)`` / ``status_line(...)`` for a one-line status
(search results, cards), ``describe(text, now, closure=)`` for the week table of a page, and
``for_organisation`` / ``for_service`` which read the records' fields. The expression is read by
opening-hours-py; on top of it:

- appointment-only: an open or unknown rule whose comment says "rendez-vous" (``Mo-Fr 09:00-17:00 "sur
  rendez-vous"``, or the comment alone) never reads "Ouvert maintenant", but "Sur rendez-vous";
- a comment alone (``"téléphoner avant"``) is no schedule: the library reads it as open all week;
- a temporary closure of the organisation (``closed_from``/``closed_until``) and the expression's ``off`` rules
  (``PH off``, ``2026 Dec 24-2027 Jan 02 off``) are closed time: "ouvre …" looks past them;
- an empty or unreadable expression says so, or shows what was written, and never "ouvert".

All times are wall-clock times in Europe/Paris, whatever the time zone of ``now``.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import opening_hours
from django.utils import timezone
from django.utils.dates import WEEKDAYS  # Django's own catalogues name the days in every language
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

PARIS = ZoneInfo("Europe/Paris")
HORIZON = timedelta(days=400)  # how far "ouvre …" looks (a closure of a few months, a yearly off rule)
_APPOINTMENT = re.compile(r"rendez[\s-]*vous|\brdv\b|appointment", re.IGNORECASE)
_COMMENT_ONLY = re.compile(r'^\s*"([^"]*)"\s*;?\s*$')

OPEN, APPOINTMENT, CLOSED, CLOSURE, UNKNOWN, NONE = "open", "appointment", "closed", "closure", "unknown", "none"


@dataclass(frozen=True)
class Closure:
    """A temporary closure, both days included; an open end means "until further notice"."""

    starts_on: date | None = None
    ends_on: date | None = None
    note: str = ""

    def covers(self, day: date) -> bool:
        return (self.starts_on is None or self.starts_on <= day) and (self.ends_on is None or day <= self.ends_on)

    def bounds(self) -> tuple[datetime, datetime]:
        start = datetime.combine(self.starts_on, time.min) if self.starts_on else datetime.min
        end = datetime.combine(self.ends_on + timedelta(days=1), time.min) if self.ends_on else datetime.max
        return start, end


@dataclass(frozen=True)
class Status:
    """What a reader is told in one line: ``kind`` (one of the module's constants) drives the style."""

    kind: str
    text: str
    note: str = ""

    @property
    def is_open(self) -> bool:
        return self.kind == OPEN

    @property
    def tone(self) -> str:
        """Style suffix: "yes" (open), "no" (closed), "info" (appointment, unknown)."""
        return {OPEN: "yes", CLOSED: "no", CLOSURE: "no"}.get(self.kind, "info")

    def __str__(self) -> str:
        return self.text


@dataclass
class DayHours:
    name: str
    ranges: list[str]
    is_today: bool
    note: str = ""

    @property
    def text(self) -> str:
        if self.ranges:
            return _(" et ").join(self.ranges)
        return _("fermé (%s)") % self.note if self.note else _("fermé")


@dataclass
class Hours:
    """A page's hours: the week from this Monday (empty when there is no schedule) and the status."""

    week: list[DayHours]
    status: Status
    raw: str = ""
    appointment_only: bool = False
    closure: Closure | None = None
    closure_text: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def is_open(self) -> bool:
        return self.status.is_open

    @property
    def status_text(self) -> str:
        return self.status.text


@dataclass
class _Segment:
    start: datetime
    end: datetime
    kind: str  # OPEN, APPOINTMENT, CLOSED, CLOSURE or UNKNOWN
    comment: str = ""


def _hm(moment: datetime) -> str:
    """"13 h 45" in French (non-breaking spaces: it never splits across lines), "13:45" in other languages."""
    if (get_language() or "fr").split("-")[0] != "fr":
        return f"{moment.hour}:{moment.minute:02d}"
    return f"{moment.hour}\u00a0h" if moment.minute == 0 else f"{moment.hour}\u00a0h\u00a0{moment.minute:02d}"


def _midnight() -> str:
    """The end of a day's last range: "24 h" in French, "24:00" in other languages."""
    return "24\u00a0h" if (get_language() or "fr").split("-")[0] == "fr" else "24:00"


def _day(day: date) -> str:
    return date_format(day, "l j F")


def _when(moment: datetime, today: date) -> str:
    """"à 14 h", "demain à 9 h", "jeudi à 9 h" within the week, "le lundi 4 janvier à 9 h" beyond."""
    if moment.date() == today:
        return _("à %s") % _hm(moment)
    if moment.date() == today + timedelta(days=1):
        return _("demain à %s") % _hm(moment)
    if moment.date() < today + timedelta(days=7):
        return _("%(day)s à %(time)s") % {"day": WEEKDAYS[moment.weekday()], "time": _hm(moment)}
    return _("le %(day)s à %(time)s") % {"day": _day(moment.date()), "time": _hm(moment)}


def _until(moment: datetime, today: date) -> str:
    if moment.date() == today:
        return _hm(moment)
    if moment == datetime.combine(today + timedelta(days=1), time.min):
        return _("minuit")
    return _when(moment, today)


def _local(now: datetime | None) -> datetime:
    """Paris wall-clock time, naive, to the minute (the library reads naive times as local)."""
    now = now or timezone.now()
    if timezone.is_aware(now):
        now = now.astimezone(PARIS).replace(tzinfo=None)
    return now.replace(second=0, microsecond=0)


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


def is_appointment(comment: str) -> bool:
    return bool(comment and _APPOINTMENT.search(_fold(comment)))


def _parse(value: str):
    try:
        return opening_hours.OpeningHours(value, country="FR")
    except Exception:
        return None


def _segments(parsed, start: datetime, end: datetime, closure: Closure | None, enough=None):
    """Successive stretches of one kind, the closure laid over them, same kinds merged; reading stops early
    once ``enough(segments)`` says so (the library walks every interval up to ``end`` otherwise)."""
    out: list[_Segment] = []
    closed_start, closed_end = closure.bounds() if closure else (None, None)

    def push(seg_start, seg_end, kind, comment):
        if seg_start >= seg_end:
            return
        if out and out[-1].kind == kind and out[-1].end == seg_start and out[-1].comment == comment:
            out[-1].end = seg_end
        else:
            out.append(_Segment(seg_start, seg_end, kind, comment))

    try:
        intervals = parsed.intervals(start, end)
        for seg_start, seg_end, state, comment in intervals:
            seg_end = min(seg_end or end, end)
            if state == opening_hours.State.OPEN:
                kind = APPOINTMENT if is_appointment(comment) else OPEN
            elif state == opening_hours.State.UNKNOWN:
                kind = APPOINTMENT if is_appointment(comment) else UNKNOWN
            else:
                kind = CLOSED
            if closure is None or seg_end <= closed_start or seg_start >= closed_end:
                push(seg_start, seg_end, kind, comment)
            else:
                push(seg_start, max(seg_start, closed_start), kind, comment)
                push(max(seg_start, closed_start), min(seg_end, closed_end), CLOSURE, closure.note)
                push(min(seg_end, closed_end), seg_end, kind, comment)
            if enough is not None and enough(out):
                break
    except (ValueError, OverflowError):
        pass
    return out


def _closure_text(closure: Closure) -> str:
    if closure.ends_on is None:
        return _("Fermé jusqu'à nouvel ordre")
    return _("Fermé jusqu'au %s inclus") % date_format(closure.ends_on, "j F")


def _status(value: str, closure: Closure | None, now: datetime, parsed, comment_only: str | None) -> Status:
    today = now.date()
    note = closure.note if closure else ""
    if closure is not None and closure.covers(today):
        lead = _closure_text(closure)
        if parsed is not None and comment_only is None:
            for seg in _segments(parsed, now, now + HORIZON, closure,
                                 lambda out: any(seg.kind in (OPEN, APPOINTMENT) for seg in out)):
                if seg.kind in (OPEN, APPOINTMENT):
                    verb = _("ouvre %s") if seg.kind == OPEN else _("sur rendez-vous à partir de %s")
                    lead = f"{lead}, {verb % _when(seg.start, today)}"
                    break
        return Status(CLOSURE, lead, note)
    if not value or not value.strip():
        return Status(NONE, _("Horaires non renseignés"))
    if comment_only is not None:
        if is_appointment(comment_only):
            return Status(APPOINTMENT, _("Sur rendez-vous"))
        return Status(UNKNOWN, comment_only[:1].upper() + comment_only[1:] if comment_only else
                      _("Horaires non renseignés"))
    if parsed is None:
        if is_appointment(value):
            return Status(APPOINTMENT, _("Sur rendez-vous"))
        return Status(UNKNOWN, value.strip()[:120])
    window = now + timedelta(days=8)  # appointment-only is judged on the coming week

    def enough(out):
        return out[-1].start >= window and any(seg.kind in (OPEN, APPOINTMENT) for seg in out[1:])

    segments = _segments(parsed, now, now + HORIZON, closure, enough)
    if not segments:
        return Status(UNKNOWN, _("Horaires non renseignés"))
    reachable = [seg for seg in segments if seg.kind in (OPEN, APPOINTMENT)]
    coming = [seg for seg in reachable if seg.start < window] or reachable[:1]
    appointment_only = bool(coming) and all(seg.kind == APPOINTMENT for seg in coming)
    current = segments[0]
    if current.kind == OPEN:
        end = _stretch_end(segments, 0)
        if end is None:
            return Status(OPEN, _("Ouvert maintenant"))
        return Status(OPEN, _("Ouvert maintenant, jusqu'à %s") % _until(end, today))
    if current.kind == APPOINTMENT:
        end = _stretch_end(segments, 0)
        if appointment_only:
            if end is None:
                return Status(APPOINTMENT, _("Sur rendez-vous"))
            return Status(APPOINTMENT, _("Sur rendez-vous, aujourd'hui jusqu'à %s") % _until(end, today)
                          if end.date() == today else _("Sur rendez-vous, jusqu'à %s") % _until(end, today))
        return Status(APPOINTMENT, _("Sur rendez-vous en ce moment, jusqu'à %s") % _until(end, today)
                      if end else _("Sur rendez-vous"))
    if current.kind == UNKNOWN:
        text = current.comment[:1].upper() + current.comment[1:] if current.comment else _("Horaires à confirmer")
        return Status(UNKNOWN, text)
    upcoming = reachable[0] if reachable else None
    if appointment_only:
        if upcoming is None:
            return Status(APPOINTMENT, _("Sur rendez-vous"))
        return Status(APPOINTMENT, _("Sur rendez-vous, prochain accueil %s") % _when(upcoming.start, today))
    closed_note = current.comment or (note if current.kind == CLOSURE else "")
    lead = _("Fermé (%s)") % closed_note if closed_note else _("Fermé")
    if upcoming is None:
        return Status(CLOSED, lead)
    if upcoming.kind == APPOINTMENT:
        return Status(CLOSED, _("%(lead)s, sur rendez-vous %(when)s") % {
            "lead": lead, "when": _when(upcoming.start, today)})
    return Status(CLOSED, _("%(lead)s, ouvre %(when)s") % {"lead": lead, "when": _when(upcoming.start, today)})


def _stretch_end(segments: list[_Segment], index: int) -> datetime | None:
    """Where the current kind of time ends, or None when it lasts beyond the horizon (24/7)."""
    kind = segments[index].kind
    for seg in segments[index:]:
        if seg.kind != kind:
            return seg.start
    return None


def status(value: str, now: datetime | None = None, *, closure: Closure | None = None) -> Status:
    """The one-line status of an opening_hours expression, the closure (if any) laid over it."""
    return _status_at(value or "", _local(now), closure, get_language())


@functools.lru_cache(maxsize=4096)
def _status_at(value: str, now: datetime, closure: Closure | None, language: str | None) -> Status:
    """Computed once per expression, minute, closure and language: twenty results sharing "Mo-Fr 09:00-17:00"
    cost one reading of the hours, not twenty (a status is told to the minute, so this is exact)."""
    comment_only = _comment_only(value)
    parsed = _parse(value) if value and comment_only is None else None
    return _status(value or "", closure, now, parsed, comment_only)


def status_line(value: str, now: datetime | None = None, *, closure: Closure | None = None) -> str:
    """The status as text: "Ouvert maintenant, jusqu'à 17 h", "Sur rendez-vous", "Fermé jusqu'au …"."""
    return status(value, now, closure=closure).text


def _comment_only(value: str) -> str | None:
    match = _COMMENT_ONLY.match(value or "")
    return match.group(1).strip() if match else None


def closure_of(organisation, today: date | None = None) -> Closure | None:
    """The organisation's temporary closure when it is current or still to come, else None."""
    starts, ends = getattr(organisation, "closed_from", None), getattr(organisation, "closed_until", None)
    if starts is None and ends is None:
        return None
    today = today or timezone.localdate()
    if ends is not None and ends < today:
        return None
    return Closure(starts, ends, getattr(organisation, "closure_note", "") or "")


def for_organisation(organisation, now: datetime | None = None) -> Status:
    """The organisation's one-line status (its hours and its closure)."""
    now = _local(now)
    return status(organisation.opening_hours, now, closure=closure_of(organisation, now.date()))


def service_hours(service) -> str:
    """The service's own hours when they differ from its organisation's, else ""."""
    own = (service.opening_hours or "").strip()
    return own if own and own != (service.organisation.opening_hours or "").strip() else ""


def for_service(service, now: datetime | None = None) -> Status:
    """A service's one-line status: its own hours (or its organisation's), under the organisation's closure."""
    now = _local(now)
    return status(service.opening_hours or service.organisation.opening_hours, now,
                  closure=closure_of(service.organisation, now.date()))


def describe(value: str, now: datetime | None = None, *, closure: Closure | None = None) -> Hours | None:
    """The week from this Monday and the status, or None when there is nothing true to say: no hours and no
    closure, or an unreadable text that says nothing of appointments (the page shows it as written)."""
    now = _local(now)
    today = now.date()
    if not (value and value.strip()) and closure is None:
        return None
    comment_only = _comment_only(value or "")
    parsed = _parse(value) if value and comment_only is None else None
    current = _status(value or "", closure, now, parsed, comment_only)
    if parsed is None and comment_only is None and closure is None and current.kind != APPOINTMENT:
        return None
    closure_text = ""
    if closure is not None:
        if closure.starts_on and closure.starts_on > today:
            closure_text = (_("Fermeture du %(start)s au %(end)s inclus") % {
                "start": date_format(closure.starts_on, "j F"), "end": date_format(closure.ends_on, "j F Y")}
                if closure.ends_on else _("Fermeture à partir du %s") % date_format(closure.starts_on, "j F Y"))
            if closure.note:
                closure_text = f"{closure_text} ({closure.note})"
    hours = Hours(week=[], status=current, raw=(value or "").strip(), closure=closure, closure_text=closure_text)
    if parsed is None:
        return hours
    monday = datetime.combine(today - timedelta(days=today.weekday()), time.min)
    ranges: list[list[str]] = [[] for _day in range(7)]
    notes = [""] * 7
    segments = _segments(parsed, monday, monday + timedelta(days=7), closure)
    reachable = [seg for seg in segments if seg.kind in (OPEN, APPOINTMENT)]
    hours.appointment_only = bool(reachable) and all(seg.kind == APPOINTMENT for seg in reachable)
    for seg in segments:
        cursor = seg.start
        while cursor < seg.end:
            day = (cursor.date() - monday.date()).days
            midnight = datetime.combine(cursor.date() + timedelta(days=1), time.min)
            stop = min(seg.end, midnight)
            if 0 <= day < 7:
                if seg.kind in (OPEN, APPOINTMENT, UNKNOWN):
                    text = f"{_hm(cursor)} – {_midnight() if stop == midnight else _hm(stop)}"
                    if seg.kind == APPOINTMENT and not hours.appointment_only:
                        text += " " + _("sur rendez-vous")
                    elif seg.kind == UNKNOWN:
                        text += f" ({seg.comment})" if seg.comment else " " + _("(à confirmer)")
                    ranges[day].append(text)
                elif seg.comment and not notes[day]:
                    notes[day] = seg.comment
            cursor = stop
    hours.week = [DayHours(str(WEEKDAYS[i]), ranges[i], i == now.weekday(), "" if ranges[i] else notes[i])
                  for i in range(7)]
    return hours
