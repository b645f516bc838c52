"""Per-session counts (``SessionTally``): counted once per version of a session, summed by the indicators.

The dashboard's presence figures are sums over sessions of per-session counts (expected organisations,
organisations present, youth seats filled…). Counting them from the invitations and attendance at every request
made the dashboard's cost follow the number of attendance rows; with the counts kept per session, it follows
the number of sessions in the period, and only the sessions written to since their last count are counted again.

A session's ``figures_version`` goes up on every write to its invitations or attendance (meetings.signals).
``ensure`` reads the versions first, then counts: a write that lands in between leaves a tally older than its
session, counted again at the next request, so a kept count is never silently stale.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import Case, CharField, Count, Exists, F, IntegerField, Max, OuterRef, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce, Lower

from meetings.indicators.models import SessionTally
from meetings.models import Attendance, Invitation

PRESENT = tuple(sorted(Attendance.PRESENT_STATUSES))  # "présence ou représentation"
EFFECTIVE = tuple(sorted(Attendance.EFFECTIVE_STATUSES))  # "présence effective"
YOUNG = Attendance.YouthSeatHolder.YOUNG
CHUNK = 500  # sessions counted per query (bounded parameter lists)
COUNTS = ("expected", "present", "effective", "youth_seats", "youth_present", "youth_effective", "attending",
          "attending_effective", "members_effective")


def attending_organisation(prefix: str = "") -> dict:
    """Annotations naming the organisation an attendance row is the presence of: ``o`` the directory's
    organisation (the invitation's, or a walk-in's), else ``t`` the name typed for a walk-in (case ignored),
    an "organisation non référencée"; both empty: a person without an organisation."""
    typed = Case(When(**{f"{prefix}invitation__isnull": True, f"{prefix}organisation__isnull": True},
                      then=Lower(f"{prefix}organisation_name")), default=Value(""), output_field=CharField())
    return {"o": Coalesce(F(f"{prefix}invitation__organisation_id"), F(f"{prefix}organisation_id")), "t": typed}


def youth_seat_filled(effective: bool, prefix: str = "") -> Q:
    """A youth seat filled (on an invitation): present or represented; on the effective basis, only by a young
    person sitting on it. The indicators' one rule, here and in their drill-down."""
    if not effective:
        return Q(**{f"{prefix}attendance__status__in": PRESENT})
    return Q(**{f"{prefix}attendance__status__in": EFFECTIVE, f"{prefix}attendance__youth_seat_holder": YOUNG})


def ensure(meetings: QuerySet) -> None:
    """Count the sessions of ``meetings`` that have no tally at their current version, and keep the counts."""
    current = Exists(SessionTally.objects.filter(meeting_id=OuterRef("pk"), version=OuterRef("figures_version")))
    stale = list(meetings.order_by().exclude(current).values_list("pk", "figures_version"))
    for start in range(0, len(stale), CHUNK):
        chunk = dict(stale[start:start + CHUNK])
        counts = {pk: dict.fromkeys(COUNTS, 0) for pk in chunk}
        for pk, values in _invitation_counts(list(chunk)):
            counts[pk].update(values)
        for pk, attending, effective in _attending_counts(list(chunk)):
            counts[pk].update(attending=attending, attending_effective=effective)
        SessionTally.objects.bulk_create(
            [SessionTally(meeting_id=pk, version=chunk[pk], **values) for pk, values in counts.items()],
            update_conflicts=True, unique_fields=["meeting"], update_fields=["version", *COUNTS])


def _invitation_counts(meeting_ids: list[int]):
    partner = Q(is_youth_seat=False, organisation__isnull=False)
    youth = Q(is_youth_seat=True)

    def organisations(condition):
        return Count(Case(When(condition, then=F("organisation_id"))), distinct=True)

    def seats(condition):
        return Count(Case(When(condition, then=F("pk"))))

    rows = (Invitation.objects.filter(meeting_id__in=meeting_ids).order_by().values("meeting_id")
            .annotate(expected=organisations(partner),
                      present=organisations(partner & Q(attendance__status__in=PRESENT)),
                      effective=organisations(partner & Q(attendance__status__in=EFFECTIVE)),
                      youth_seats=seats(youth), youth_present=seats(youth & youth_seat_filled(False)),
                      youth_effective=seats(youth & youth_seat_filled(True)),
                      members_effective=seats(Q(is_youth_seat=False, attendance__status__in=EFFECTIVE))))
    for row in rows:
        yield row.pop("meeting_id"), row


def _attending_counts(meeting_ids: list[int]) -> list[tuple]:
    """Per session: organisations present or represented (one per organisation), and of them those there
    themselves. A walk-in without any organisation is a person, not an organisation's presence."""
    annotations = {"m": F("meeting_id"), **attending_organisation()}
    inner = (Attendance.objects.filter(meeting_id__in=meeting_ids, status__in=PRESENT)
             .annotate(**annotations).filter(Q(o__isnull=False) | ~Q(t=""))
             .order_by().values(*annotations)
             .annotate(e=Max(Case(When(status__in=EFFECTIVE, then=1), default=0, output_field=IntegerField()))))
    sql, params = inner.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT sub.m, COUNT(*), SUM(sub.e) FROM ({sql}) sub GROUP BY sub.m", params)  # noqa: S608
        return [(m, int(n), int(e or 0)) for m, n, e in cursor.fetchall()]

