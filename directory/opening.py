"""Opening hours (OpenStreetMap syntax) as a readable French week and an "ouvert maintenant / fermé" state."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import opening_hours
from django.utils import timezone
from django.utils.translation import gettext as _

DAY_NAMES = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]


@dataclass
class DayHours:
    name: str
    ranges: list[str]
    is_today: bool

    @property
    def text(self) -> str:
        return _(" et ").join(self.ranges) if self.ranges else _("fermé")


@dataclass
class Hours:
    week: list[DayHours]
    is_open: bool
    next_change: datetime | None

    @property
    def status_text(self) -> str:
        if self.is_open:
            if self.next_change:
                return _("Ouvert maintenant, jusqu'à %s") % _hm(self.next_change)
            return _("Ouvert maintenant")
        if self.next_change:
            return _("Fermé, ouvre %s") % _when(self.next_change)
        return _("Fermé")


def _hm(moment: datetime) -> str:
    # non-breaking spaces: "13 h 45" never splits across lines
    return f"{moment.hour}\u00a0h" if moment.minute == 0 else f"{moment.hour}\u00a0h\u00a0{moment.minute:02d}"


def _when(moment: datetime, today=None) -> str:
    today = today or timezone.localtime().date()
    if moment.date() == today:
        return _("à %s") % _hm(moment)
    if moment.date() == today + timedelta(days=1):
        return _("demain à %s") % _hm(moment)
    return _("%(day)s à %(time)s") % {"day": DAY_NAMES[moment.weekday()], "time": _hm(moment)}


def _parse(value: str):
    try:
        return opening_hours.OpeningHours(value, country="FR")
    except Exception:
        return None


def describe(value: str, now: datetime | None = None) -> Hours | None:
    """The week from this Monday and the current state, or None when ``value`` is empty or unreadable."""
    if not value:
        return None
    parsed = _parse(value)
    if parsed is None:
        return None
    now = (now or timezone.localtime()).replace(tzinfo=None, second=0, microsecond=0)
    monday = (now - timedelta(days=now.weekday())).replace(hour=0, minute=0)
    ranges: list[list[str]] = [[] for _day in range(7)]
    for start, end, state, _comment in parsed.intervals(monday, monday + timedelta(days=7)):
        if state != opening_hours.State.OPEN:
            continue
        cursor = start
        while cursor < end:
            day = (cursor.date() - monday.date()).days
            midnight = datetime.combine(cursor.date() + timedelta(days=1), datetime.min.time())
            stop = min(end, midnight)
            if 0 <= day < 7:
                ranges[day].append(f"{_hm(cursor)} – {'24 h' if stop == midnight else _hm(stop)}")
            cursor = stop
    week = [DayHours(DAY_NAMES[i], ranges[i], i == now.weekday()) for i in range(7)]
    try:
        is_open = parsed.is_open(now)
        next_change = parsed.next_change(now)
    except Exception:
        is_open, next_change = False, None
    if next_change is not None:
        next_change = next_change.replace(tzinfo=None)
        if next_change.year > now.year + 5:
            next_change = None
    return Hours(week=week, is_open=is_open, next_change=next_change)
