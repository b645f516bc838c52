"""What the meetings pages, the live sheet and the indicators read: querysets and counts, no writes.

The "trained" rule lives here once (``completed_trainings``): the sheet counts with it, the indicators
compute their figures from it.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import groupby

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from directory.models import Organisation
from meetings.models import Action, Attendance, DrawnSignature, HalfDaySignature, Meeting, SheetEvent

# --- Counts ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SheetCounts:
    expected: int
    present: int
    recorded: int
    walk_ins: int
    voting_present: int  # voting member organisations with someone present (the quorum's unit)
    youth_expected: int
    youth_present: int
    quorum: int | None

    @property
    def quorum_reached(self) -> bool | None:
        return None if self.quorum is None else self.voting_present >= self.quorum

    def as_dict(self) -> dict:
        return {"expected": self.expected, "present": self.present, "recorded": self.recorded,
                "walk_ins": self.walk_ins, "voting_present": self.voting_present,
                "youth_expected": self.youth_expected, "youth_present": self.youth_present,
                "quorum": self.quorum, "quorum_reached": self.quorum_reached}


def sheet_counts(meeting: Meeting) -> SheetCounts:
    """Counts shown on the sheet, in two queries whatever the size of the session.

    The quorum counts member organisations, once each whatever its seats: a titulaire "suppléé·e" and the
    suppléante ticked present are one organisation present. A voting seat without an organisation counts alone.
    """
    present = Q(attendance__status__in=Attendance.PRESENT_STATUSES)
    voting = present & Q(voting=True, is_youth_seat=False)
    inv = meeting.invitations.aggregate(
        expected=Count("pk"), present=Count("pk", filter=present),
        recorded=Count("attendance"),
        voting_orgs=Count("organisation", distinct=True, filter=voting & Q(organisation__isnull=False)),
        voting_alone=Count("pk", filter=voting & Q(organisation__isnull=True)),
        youth_expected=Count("pk", filter=Q(is_youth_seat=True)),
        youth_present=Count("pk", filter=present & Q(is_youth_seat=True)))
    walk_ins = Attendance.objects.filter(meeting=meeting, invitation=None,
                                         status__in=Attendance.PRESENT_STATUSES).count()
    return SheetCounts(expected=inv["expected"], present=inv["present"] + walk_ins, recorded=inv["recorded"],
                       walk_ins=walk_ins, voting_present=inv["voting_orgs"] + inv["voting_alone"],
                       youth_expected=inv["youth_expected"], youth_present=inv["youth_present"],
                       quorum=meeting.body.quorum)


# --- Trainings ------------------------------------------------------------------------------------

def completed_trainings(signatures: QuerySet | None = None, *keys: str) -> QuerySet:
    """The one "trained" rule: a person is trained by a session once they signed every half-day of it.

    One row per (session ``m``, person ``p``) of ``signatures`` (HalfDaySignature rows, all by default),
    grouped also by ``keys`` (annotations the caller put on ``signatures``, such as a year).
    """
    signatures = HalfDaySignature.objects.all() if signatures is None else signatures
    return (signatures.annotate(m=F("half_day__meeting_id"), p=F("person_key"))
            .order_by().values(*keys, "m", "p")
            .annotate(signed=Count("half_day_id", distinct=True),
                      half_days=Count("half_day__meeting__half_days", distinct=True))
            .filter(signed=F("half_days")))


def trained_person_keys(meeting: Meeting) -> set[str]:
    """The people a training session trained (``completed_trainings`` for one session)."""
    rows = completed_trainings(HalfDaySignature.objects.filter(half_day__meeting=meeting))
    return {row["p"] for row in rows}


# --- Pages ----------------------------------------------------------------------------------------

def upcoming_meetings(bodies, now: datetime, limit: int = 12):
    """The next sessions of ``bodies`` (those of the last 12 hours included), cancelled ones left out."""
    return (Meeting.objects.filter(body__in=bodies, starts_at__gte=now - timedelta(hours=12))
            .exclude(status=Meeting.Status.CANCELLED).select_related("body").order_by("starts_at")[:limit])


def sessions_to_close(bodies=None, now: datetime | None = None) -> QuerySet:
    """Past sessions whose sheet is still open ("à clôturer"): over, neither closed nor cancelled. The
    indicators report them as "non clôturées", never as held nor as not held. ``bodies`` None: every body."""
    qs = Meeting.objects.filter(status__in=(Meeting.Status.PLANNED, Meeting.Status.CONVENED),
                                ends_at__lt=now or timezone.now())
    if bodies is not None:
        qs = qs.filter(body__in=bodies)
    return qs.select_related("body").order_by("starts_at")


def member_organisations(meeting: Meeting):
    """The organisations seated on the body or invited to the session: an action's owner, a walk-in's."""
    ids = set(meeting.body.members.values_list("organisation_id", flat=True))
    ids |= set(meeting.invitations.exclude(organisation=None).values_list("organisation_id", flat=True))
    return Organisation.objects.filter(pk__in=ids).order_by("name")


def open_actions_elsewhere(meeting: Meeting):
    """The body's open actions decided at other sessions (shown for follow-up)."""
    return (Action.objects.filter(body=meeting.body, status__in=Action.OPEN_STATUSES).exclude(meeting=meeting)
            .select_related("owner_organisation", "meeting"))


def sheet_data(meeting: Meeting) -> dict:
    """Everything the sheet shows, in a constant number of queries whatever the number of members."""
    invitations = list(meeting.invitations.select_related("organisation", "attendance",
                                                          "attendance__represented_by_organisation")
                       .order_by("is_youth_seat", "organisation__name", "position", "pk"))
    members = [inv for inv in invitations if not inv.is_youth_seat]
    groups = [(org, list(rows)) for org, rows in groupby(members, key=lambda inv: inv.organisation)]
    walk_ins = list(Attendance.objects.filter(meeting=meeting, invitation=None).select_related("organisation"))
    start, end = meeting.starts_at, meeting.ends_at
    half_days = []
    signed = set()
    trained = None
    if meeting.body.is_training:
        half_days = list(meeting.half_days.all())
        signed = set(HalfDaySignature.objects.filter(half_day__meeting=meeting)
                     .values_list("half_day_id", "person_key"))
        trained = len(trained_person_keys(meeting)) if half_days else None
    current = _current_half_day(half_days)
    drawn = {sig.invitation_id: sig for sig in DrawnSignature.objects.filter(
        meeting=meeting, voided_at__isnull=True, invitation__isnull=False,
        half_day=current.pk if current else None)}
    for inv in invitations:
        inv.drawn_signature = drawn.get(inv.pk)
    if half_days:
        trainer = {sig.half_day_id: sig for sig in DrawnSignature.objects.filter(
            meeting=meeting, person_key=DrawnSignature.TRAINER_KEY, voided_at__isnull=True)}
        for hd in half_days:
            hd.trainer_drawing = trainer.get(hd.pk)
    return {
        "meeting": meeting, "body": meeting.body, "groups": groups,
        "youth": [inv for inv in invitations if inv.is_youth_seat],
        "walk_ins": walk_ins, "counts": sheet_counts(meeting),
        "statuses": Attendance.Status.choices, "half_days": half_days, "signed": signed, "trained": trained,
        "organisations": sorted({inv.organisation for inv in members if inv.organisation}, key=lambda o: o.name),
        "now_in_session": start <= timezone.now() <= end, "current_half_day": current,
    }


def _current_half_day(half_days):
    """The half-day a signature drawn now is for (a training's morning or afternoon of today), or None."""
    now = timezone.localtime()
    period = "am" if now.hour < 13 else "pm"
    return next((hd for hd in half_days if hd.date == now.date() and hd.period == period), None)


def checkin_candidates(meeting: Meeting) -> list:
    """The expected people (youth seats aside) a phone may still check in: those not yet present."""
    invitations = (meeting.invitations.filter(is_youth_seat=False).select_related("organisation", "attendance")
                   .order_by("person_name", "pk"))
    return [inv for inv in invitations
            if not (hasattr(inv, "attendance") and inv.attendance.status in Attendance.PRESENT_STATUSES)]


def directory_organisation_names() -> list[str]:
    """The names offered for "représenté·e par" and a walk-in's organisation: the whole directory, archived
    organisations aside (one query, names only)."""
    return list(Organisation.objects.exclude(status="archived").order_by("name")
                .values_list("name", flat=True).distinct())


def sheet_history(meeting: Meeting) -> QuerySet:
    """The session's attendance history, oldest first (what the session page shows and the CSV exports)."""
    return SheetEvent.objects.filter(meeting=meeting).select_related("by").order_by("at", "pk")
