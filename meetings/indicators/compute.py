"""The single source of every computed figure: the dashboard, the exports and the JSON API all call here.

Every figure is counted from the *frozen* invitation lists (written when convocations are sent) and the
attendance recorded against them, so changing a body's membership later never rewrites a past rate.
Only held sessions count (planned, convened and cancelled ones do not). Aggregation happens in SQL, grouped
by year, so the number of queries depends on the number of indicators, never on the amount of data. Presence
figures are sums of per-session counts kept in ``SessionTally`` (``tallies``): a session is counted again only
after a write to its invitations or attendance (3 queries per 500 sessions to count, once), so a page's cost
follows the number of sessions, not of attendance rows. Where a count needs two levels of grouping
(organisations per session, then sessions per year) the inner grouping is a Django queryset and the outer one a
``SELECT … FROM (inner) GROUP BY`` around the SQL Django generated.

Rates with nothing to divide by are ``None`` ("pas de données"), never 0 %.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection
from django.db.models import Case, Count, Exists, F, IntegerField, Max, Min, OuterRef, Q, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from directory import territories
from directory.models import Organisation, Territory
from meetings.indicators import tallies
from meetings.indicators.models import Indicator
from meetings.models import Attendance, Body, HalfDaySignature, Invitation, Meeting
from meetings.queries import completed_trainings

C = Indicator.Computation
B = Indicator.Basis
PRESENT, EFFECTIVE, YOUNG = tallies.PRESENT, tallies.EFFECTIVE, tallies.YOUNG
HELD = Meeting.Status.HELD
OPEN_STATUSES = (Meeting.Status.PLANNED, Meeting.Status.CONVENED)
ALL = "all"  # the bucket key of a figure over the whole period


# --- Scope ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Period:
    """An inclusive range of days."""

    start: dt.date
    end: dt.date

    def __post_init__(self):
        if self.end < self.start:
            raise ValueError("La fin de la période précède son début.")

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(dt.date(year, 1, 1), dt.date(year, 12, 31))

    @classmethod
    def years(cls, first: int, last: int) -> Period:
        return cls(dt.date(first, 1, 1), dt.date(last, 12, 31))

    @property
    def single_year(self) -> int | None:
        if self.start == dt.date(self.start.year, 1, 1) and self.end == dt.date(self.start.year, 12, 31):
            return self.start.year
        return None

    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        """Aware datetimes [start, end) in the site's time zone."""
        tz = timezone.get_current_timezone()
        start = dt.datetime.combine(self.start, dt.time.min, tzinfo=tz)
        end = dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
        return start, end

    def __str__(self):
        if self.single_year:
            return str(self.single_year)
        return f"du {self.start:%d/%m/%Y} au {self.end:%d/%m/%Y}"


@dataclass(frozen=True)
class Scope:
    """What a figure is computed over: a period, a territory (None: everything), a set of bodies (None: all)."""

    period: Period
    territory: Territory | None = None
    body_ids: frozenset[int] | None = None

    def with_period(self, period: Period) -> Scope:
        return Scope(period, self.territory, self.body_ids)


def territory_q(territory: Territory | None, prefix: str = "") -> Q:
    """Bodies of a territory: its own, its children's and its communes'; a département adds bodies without one."""
    if territory is None:
        return Q()
    q = territories.subtree_q(territory, f"{prefix}territory")
    if territory.kind == Territory.Kind.DEPARTEMENT:
        q |= Q(**{f"{prefix}territory__isnull": True})
    return q


def decision_q(prefix: str = "", decision: bool = True) -> Q:
    """Sessions of a decision body as frozen at convocation (the body's current flag before convocation)."""
    frozen = f"{prefix}frozen_is_decision_body"
    return Q(**{frozen: decision}) | Q(**{f"{frozen}__isnull": True, f"{prefix}body__is_decision_body": decision})


@dataclass(frozen=True)
class Selection:
    """The bodies an indicator counts: a rule (kinds, decision flag frozen on each session, territory) with
    explicit additions and exclusions. Hashable, so one page asks each distinct selection once."""

    kinds: tuple[str, ...] = ()
    decision: bool | None = None
    territory: Territory | None = None
    added: frozenset[int] = frozenset()
    excluded: frozenset[int] = frozenset()

    def q(self, prefix: str = "") -> Q:
        """``prefix`` is the path to the meeting ("meeting__")."""
        rule = Q()
        if self.kinds:
            rule &= Q(**{f"{prefix}body__kind__in": self.kinds})
        if self.decision is not None:
            rule &= decision_q(prefix, self.decision)
        if self.territory is not None:
            rule &= territory_q(self.territory, f"{prefix}body__")
        if self.excluded:
            rule &= ~Q(**{f"{prefix}body_id__in": sorted(self.excluded)})
        if self.added:
            rule |= Q(**{f"{prefix}body_id__in": sorted(self.added)})
        return rule


# The rule of each computation; the indicator adds its territory, additions and exclusions.
RULES = {
    C.PARTNER_PRESENCE: Selection(decision=True),
    C.YOUTH_PRESENCE: Selection(decision=True),
    C.TECHNIQUE_PARTICIPATION: Selection(kinds=(Body.Kind.COMITE_TECHNIQUE,)),
    C.TRAINED: Selection(kinds=(Body.Kind.FORMATION,)),
    C.TRAINED_CUMULATIVE: Selection(kinds=(Body.Kind.FORMATION,)),
    C.SUIVI_PRESENCES: Selection(kinds=(Body.Kind.COMITE_SUIVI,)),
    C.PERMANENCES: Selection(kinds=(Body.Kind.PERMANENCE,)),
    C.COPIL_HELD: Selection(kinds=(Body.Kind.COPIL,)),
}
INVITATION_CODES = (C.PARTNER_PRESENCE, C.YOUTH_PRESENCE, C.TECHNIQUE_PARTICIPATION)


def own_selection(indicator: Indicator) -> Selection:
    """The indicator's own selection (uses its prefetched ``bodies`` and ``excluded_bodies``)."""
    rule = RULES.get(indicator.computation, Selection())
    return Selection(rule.kinds, rule.decision, indicator.selection_territory,
                     frozenset(b.pk for b in indicator.bodies.all()),
                     frozenset(b.pk for b in indicator.excluded_bodies.all()))


def selections_for(indicators: list[Indicator]) -> dict[int, Selection]:
    """Each indicator's selection; the cumulative count of trained people uses its annual indicator's (one
    selection for both figures: a body is never counted in one and not the other)."""
    selections = {ind.pk: own_selection(ind) for ind in indicators if not ind.is_manual}
    for ind in indicators:
        source = Indicator.SHARED_SELECTION.get(ind.computation)
        if source is None:
            continue
        twin = next((o for o in indicators if o.computation == source and o.convention_id == ind.convention_id), None)
        if twin is None:
            twin = (Indicator.objects.filter(convention_id=ind.convention_id, computation=source, is_active=True)
                    .select_related("selection_territory").prefetch_related("bodies", "excluded_bodies")
                    .order_by("sort_order", "pk").first())
        if twin is not None:
            selections[ind.pk] = own_selection(twin)
            ind.selection_source = twin
    return selections


def meeting_q(scope: Scope, prefix: str = "", *, period: Period | None = None, kinds: Iterable[str] = (),
              decision: bool | None = None, body_ids: Iterable[int] | None = None,
              selection: Selection | None = None) -> Q:
    """Held sessions in the period and scope; ``prefix`` is the path to the meeting ("meeting__")."""
    start, end = (period or scope.period).bounds()
    q = Q(**{f"{prefix}status": HELD, f"{prefix}starts_at__gte": start, f"{prefix}starts_at__lt": end})
    kinds = tuple(kinds)
    if kinds:
        q &= Q(**{f"{prefix}body__kind__in": kinds})
    if decision is not None:
        q &= decision_q(prefix, decision)
    if selection is not None:
        q &= selection.q(prefix)
    if scope.body_ids is not None:
        q &= Q(**{f"{prefix}body_id__in": sorted(scope.body_ids)})
    if body_ids is not None:
        q &= Q(**{f"{prefix}body_id__in": sorted(body_ids)})
    q &= territory_q(scope.territory, f"{prefix}body__")
    return q


# --- Results -------------------------------------------------------------------------------------------
@dataclass
class Result:
    """A computed figure: ``value`` None means "no data"; numerator/denominator explain a rate."""

    value: Decimal | int | None
    numerator: int | None = None
    denominator: int | None = None
    dates: tuple[dt.date, ...] = field(default_factory=tuple)
    basis: str = ""  # for a presence figure: Indicator.Basis of this figure
    other: Result | None = None  # the same figure on the other basis (both are shown)
    unclosed: int = 0  # past sessions of the selection whose sheet is still open ("non clôturées")

    @property
    def has_data(self) -> bool:
        return self.value is not None

    def get_basis_label(self) -> str:
        return str(Indicator.Basis(self.basis).label) if self.basis else ""


def rate(numerator: int, denominator: int) -> Result:
    if not denominator:
        return Result(None, numerator or 0, 0)
    value = (Decimal(100) * numerator / denominator).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return Result(value, numerator, denominator)


def _year_or_all(expression: str, by_year: bool, period: Period):
    """The local year of a datetime column, as a CASE over the period's year boundaries.

    Same answer as ExtractYear in the site's time zone, but plain comparisons: SQLite evaluates ExtractYear
    with a Python function per row, which dominated the dashboard's time.
    """
    if not by_year:
        return Value(0, output_field=IntegerField())
    whens = []
    for year in range(period.start.year, period.end.year + 1):
        start, end = Period.year(year).bounds()
        whens.append(When(**{f"{expression}__gte": start, f"{expression}__lt": end}, then=Value(year)))
    return Case(*whens, default=Value(0), output_field=IntegerField())


def _key(group, by_year: bool):
    return int(group) if by_year else ALL


def _outer(inner, select: str, group: str | tuple[str, ...] = "g", order: str = "", limit: int | None = None
           ) -> list[tuple]:
    """Run ``SELECT group, select FROM (inner) GROUP BY group``: a second level of SQL aggregation (``group``:
    one column of the inner query, or several)."""
    sql, params = inner.query.sql_with_params()
    columns = ", ".join(f"sub.{name}" for name in ((group,) if isinstance(group, str) else group))
    query = f"SELECT {columns}, {select} FROM ({sql}) sub GROUP BY {columns}"  # noqa: S608 (inner SQL is Django's)
    if order:
        query += f" ORDER BY {order}"
    if limit:
        query += f" LIMIT {int(limit)}"
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchall()


# --- The computations ----------------------------------------------------------------------------------
def _basis_statuses(basis: str) -> tuple[str, ...]:
    return EFFECTIVE if basis == B.EFFECTIVE else PRESENT


def _youth_present_q(basis: str, prefix: str = "") -> Q:
    """A youth seat filled: on the effective basis, only by a young person (``tallies.youth_seat_filled``)."""
    return tallies.youth_seat_filled(basis == B.EFFECTIVE, prefix)


def _organisation_presence_inner(scope: Scope, *, selection: Selection, basis: str, body_ids=None, by_year=True,
                                 extra: dict | None = None):
    """One row per (session, expected partner organisation) with ``present`` 1 if any of its seats was filled
    (on ``basis``)."""
    annotations = {"g": _year_or_all("meeting__starts_at", by_year, scope.period), "m": F("meeting_id"),
                   "o": F("organisation_id")}
    annotations.update(extra or {})
    return (Invitation.objects
            .filter(meeting_q(scope, "meeting__", selection=selection, body_ids=body_ids),
                    is_youth_seat=False, organisation__isnull=False)
            .annotate(**annotations)
            .order_by().values(*annotations)
            .annotate(present=Max(Case(When(attendance__status__in=_basis_statuses(basis), then=1), default=0,
                                       output_field=IntegerField()))))


def invitation_figures(scope: Scope, *, body_ids=None, by_year=True, selections: dict | None = None,
                       counted: bool = False) -> dict:
    """Partner presence, youth presence and comité technique participation, both ways, in one pass.

    Per session: expected partner organisations are the distinct organisations of its non-youth seats (two
    seats of one organisation are one expected organisation, present if either seat was filled); youth seats
    count one by one. Sessions are then summed per year over each figure's selection of bodies, from their
    kept counts (``tallies``). Walk-ins have no invitation, so are never expected. Answers
    ``{code: {key: {basis: Result}}}``.
    """
    selections = {**{code: RULES[code] for code in INVITATION_CODES}, **(selections or {})}
    wanted = [selections[code].q() for code in INVITATION_CODES]
    meetings = Meeting.objects.filter(meeting_q(scope, body_ids=body_ids), wanted[0] | wanted[1] | wanted[2])
    if not counted:
        tallies.ensure(meetings)
    sums = {}
    for prefix, condition, fields in (("p", wanted[0], ("expected", "present", "effective")),
                                      ("t", wanted[2], ("expected", "present", "effective")),
                                      ("y", wanted[1], ("youth_seats", "youth_present", "youth_effective"))):
        for n, name in enumerate(fields):
            sums[f"{prefix}{n}"] = Sum(f"tally__{name}", filter=condition)
    rows = (meetings.annotate(g=_year_or_all("starts_at", by_year, scope.period)).order_by().values("g")
            .annotate(**sums))
    figures = {code: {} for code in INVITATION_CODES}
    for row in rows:
        key = _key(row["g"], by_year)
        for code, prefix in ((C.PARTNER_PRESENCE, "p"), (C.TECHNIQUE_PARTICIPATION, "t"), (C.YOUTH_PRESENCE, "y")):
            denominator, represented, effective = (int(row[f"{prefix}{n}"] or 0) for n in range(3))
            if denominator:
                figures[code][key] = {B.REPRESENTED: rate(represented, denominator),
                                      B.EFFECTIVE: rate(effective, denominator)}
    return figures


def _completed_trainings(scope: Scope, *, selection: Selection | None = None, body_ids=None, by_year=True,
                         period: Period | None = None):
    """One row per (training session, person) where the person signed every half-day of the session
    (the meetings rule, meetings.queries.completed_trainings), grouped by year ``g``."""
    selection = selection or RULES[C.TRAINED]
    signatures = (HalfDaySignature.objects
                  .filter(meeting_q(scope, "half_day__meeting__", period=period, selection=selection,
                                    body_ids=body_ids))
                  .annotate(g=_year_or_all("half_day__meeting__starts_at", by_year, period or scope.period)))
    return completed_trainings(signatures, "g")


def training_figures(scope: Scope, *, since: dt.date, selection: Selection | None = None, body_ids=None,
                     by_year=True) -> dict:
    """People trained: distinct people who signed every half-day of a held training session.

    Answers both figures in one query, over one selection of bodies: C.TRAINED (people trained within each
    year, or within the period) and C.TRAINED_CUMULATIVE (people trained from ``since`` to the end of each
    year, or of the period).
    """
    selection = selection or RULES[C.TRAINED]
    period = Period(min(since, scope.period.start), scope.period.end)
    if by_year:
        bucket = _year_or_all("half_day__meeting__starts_at", True, period)
        first_bucket = scope.period.start.year
    else:  # 1: within the period asked for; 0: between ``since`` and its start
        bucket = Case(When(half_day__meeting__starts_at__gte=scope.period.bounds()[0], then=Value(1)),
                      default=Value(0), output_field=IntegerField())
        first_bucket = 1
    signatures = (HalfDaySignature.objects
                  .filter(meeting_q(scope, "half_day__meeting__", period=period, selection=selection,
                                    body_ids=body_ids))
                  .annotate(g=bucket))
    completed_sql, params = completed_trainings(signatures, "g").query.sql_with_params()
    query = (f"WITH c AS ({completed_sql}) "  # noqa: S608 (the inner SQL is Django's)
             f"SELECT 'a', c.g, COUNT(DISTINCT c.p) FROM c WHERE c.g >= {int(first_bucket)} GROUP BY c.g "
             "UNION ALL SELECT 'f', f.fy, COUNT(*) FROM (SELECT c.p, MIN(c.g) AS fy FROM c GROUP BY c.p) f "
             "GROUP BY f.fy")
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        rows = cursor.fetchall()
    annual = {int(g): int(n) for kind, g, n in rows if kind == "a"}
    firsts = {int(g): int(n) for kind, g, n in rows if kind == "f"}
    if not by_year:
        return {C.TRAINED: {ALL: Result(annual.get(1, 0))}, C.TRAINED_CUMULATIVE: {ALL: Result(sum(firsts.values()))}}
    trained, cumulative, running = {}, {}, 0
    for year in range(period.start.year, period.end.year + 1):
        running += firsts.get(year, 0)
        if year >= scope.period.start.year:
            trained[year] = Result(annual.get(year, 0))
            cumulative[year] = Result(running)
    return {C.TRAINED: trained, C.TRAINED_CUMULATIVE: cumulative}


UNLISTED = "organisation non référencée"  # a walk-in's organisation typed by hand, not in the directory


def _present_organisation_inner(scope: Scope, *, selection: Selection | None = None, kinds=(), body_ids=None,
                                by_year=True, extra: dict | None = None, where=None):
    """One row per (session, organisation present or represented): invited or walk-in, an organisation counts
    once a session; ``e`` is 1 when it was there itself (présence effective).

    A walk-in whose organisation was typed by hand (``Attendance.organisation_name``, the directory does not have
    it yet) is the presence of an "organisation non référencée": ``o`` is null and ``t`` its typed name (case
    ignored), so two people of one typed organisation are one presence, and ``label`` keeps a spelling of it.
    A walk-in with no organisation at all is a person, not an organisation's presence: not counted."""
    annotations = {"g": _year_or_all("meeting__starts_at", by_year, scope.period), "m": F("meeting_id"),
                   **tallies.attending_organisation()}
    annotations.update(extra or {})
    return (Attendance.objects
            .filter(meeting_q(scope, "meeting__", kinds=kinds, selection=selection, body_ids=body_ids),
                    Q() if where is None else where, status__in=PRESENT)
            .annotate(**annotations)
            .filter(Q(o__isnull=False) | ~Q(t=""))
            .order_by().values(*annotations)
            .annotate(n=Count("pk"), e=Max(Case(When(status__in=EFFECTIVE, then=1), default=0,
                                                output_field=IntegerField())),
                      label=Min("organisation_name")))


def comite_suivi_presences(scope: Scope, *, selection: Selection | None = None, body_ids=None,
                           by_year=True, counted: bool = False) -> dict:
    """Presences of organisations at held comités de suivi (one per organisation and session), both ways; an
    organisation typed by hand for a walk-in counts as an "organisation non référencée" (one per typed name).
    Summed from the sessions' kept counts (``tallies``)."""
    selection = selection or RULES[C.SUIVI_PRESENCES]
    meetings = Meeting.objects.filter(meeting_q(scope, selection=selection, body_ids=body_ids))
    if not counted:
        tallies.ensure(meetings)
    rows = (meetings.annotate(g=_year_or_all("starts_at", by_year, scope.period)).order_by().values("g")
            .annotate(n=Sum("tally__attending"), e=Sum("tally__attending_effective")))
    return {_key(row["g"], by_year): {B.REPRESENTED: Result(int(row["n"])), B.EFFECTIVE: Result(int(row["e"] or 0))}
            for row in rows if row["n"]}


def member_present_q(prefix: str = "") -> Exists:
    """At least one expected member (not a youth seat) was there itself: with a closed sheet, a session "held"."""
    return Exists(Invitation.objects.filter(meeting_id=OuterRef(f"{prefix}pk"), is_youth_seat=False,
                                            attendance__status__in=EFFECTIVE))


def sessions_held(scope: Scope, *, kind: str | None = None, selection: Selection | None = None, body_ids=None,
                  by_year=True, counted: bool = False) -> dict:
    """Number of held sessions (sheet closed and at least one expected member present), with their dates.

    A closed session where no expected member came is not held; an open past one is "non clôturée"
    (``unclosed_counts``), never counted as held nor silently as not held.
    """
    selection = selection or Selection(kinds=(kind,))
    meetings = Meeting.objects.filter(meeting_q(scope, selection=selection, body_ids=body_ids))
    if not counted:
        tallies.ensure(meetings)
    rows = (meetings.filter(tally__members_effective__gt=0)
            .annotate(g=_year_or_all("starts_at", by_year, scope.period)).order_by().values("g")
            .annotate(n=Count("pk"), first=Min("starts_at"), last=Max("starts_at")))
    results = {}
    for row in rows:
        dates = tuple(sorted({timezone.localdate(row["first"]), timezone.localdate(row["last"])}))
        results[_key(row["g"], by_year)] = Result(row["n"], dates=dates)
    return results


def copil_held(scope: Scope, *, selection: Selection | None = None, body_ids=None, by_year=True,
               counted: bool = False) -> dict:
    held = sessions_held(scope, selection=selection or RULES[C.COPIL_HELD], body_ids=body_ids, by_year=by_year,
                         counted=counted)
    return {key: Result(1 if result.value else 0, numerator=result.value, dates=result.dates)
            for key, result in held.items()}


def unclosed_q(scope: Scope, prefix: str = "", *, now: dt.datetime | None = None) -> Q:
    """Sessions in the scope and period, over (ended) and not closed nor cancelled: "à clôturer"."""
    start, end = scope.period.bounds()
    q = Q(**{f"{prefix}status__in": OPEN_STATUSES, f"{prefix}starts_at__gte": start, f"{prefix}starts_at__lt": end,
             f"{prefix}ends_at__lt": now or timezone.now()})
    if scope.body_ids is not None:
        q &= Q(**{f"{prefix}body_id__in": sorted(scope.body_ids)})
    return q & territory_q(scope.territory, f"{prefix}body__")


def unclosed_counts(scope: Scope, selections, *, by_year=True) -> dict:
    """Open past sessions per selection (and year), in one query: ``{selection: {key: n}}``."""
    selections = list(dict.fromkeys(selections))
    if not selections:
        return {}
    counts = {f"u{i}": Count("pk", filter=sel.q()) for i, sel in enumerate(selections)}
    rows = (Meeting.objects.filter(unclosed_q(scope))
            .annotate(g=_year_or_all("starts_at", by_year, scope.period)).order_by().values("g").annotate(**counts))
    out: dict = {sel: {} for sel in selections}
    for row in rows:
        for i, sel in enumerate(selections):
            if row[f"u{i}"]:
                out[sel][_key(row["g"], by_year)] = row[f"u{i}"]
    return out


def prepare(indicators: list[Indicator], scope: Scope, memo: dict, *, by_year: bool = True) -> None:
    """Tell the memo every selection of a page, so that one query answers them all (invitation figures,
    open sessions) whatever the number of indicators."""
    selections = memo.setdefault("selections", {})
    selections.update(selections_for(indicators))
    for ind in indicators:
        if ind.computation in INVITATION_CODES:
            memo.setdefault("invitation_selections", {})[ind.computation] = selections[ind.pk]
    key = ("unclosed", scope, by_year)
    wanted = [selections[ind.pk] for ind in indicators if ind.pk in selections]
    memo[key] = unclosed_counts(scope, wanted, by_year=by_year)


def _pick(indicator: Indicator, pair) -> Result:
    if not isinstance(pair, dict):
        return pair
    basis = indicator.presence_basis
    other = B.REPRESENTED if basis == B.EFFECTIVE else B.EFFECTIVE
    chosen, alternative = pair[basis], pair[other]
    return Result(chosen.value, chosen.numerator, chosen.denominator, chosen.dates, basis=basis,
                  other=Result(alternative.value, alternative.numerator, alternative.denominator, basis=other))


TALLIED_CODES = (*INVITATION_CODES, C.SUIVI_PRESENCES, C.PERMANENCES, C.COPIL_HELD)


def count_sessions(scope: Scope) -> None:
    """Bring the kept counts of every held session of the scope up to date (``tallies``), once for a page."""
    tallies.ensure(Meeting.objects.filter(meeting_q(scope)))


def compute(indicator: Indicator, scope: Scope, *, by_year: bool = True, memo: dict | None = None,
            selection: Selection | None = None) -> dict:
    """The figure of a computed indicator, per year of ``scope.period`` (or for the whole period).

    Keys missing from the answer are years without any counted session: see ``empty_result``. Pass the same
    ``memo`` dict for several indicators of one page (and ``prepare`` it with them): figures that come from
    one query are asked once. Presence figures carry the other basis in ``other``; every figure carries the
    number of open past sessions of its selection in ``unclosed``.
    """
    memo = {} if memo is None else memo
    code = indicator.computation
    if selection is None:
        selection = memo.get("selections", {}).get(indicator.pk) or selections_for([indicator])[indicator.pk]
    counted_key = ("counted", scope.period)
    if code in TALLIED_CODES and counted_key not in memo:
        count_sessions(Scope(scope.period))
        memo[counted_key] = True
    if code in INVITATION_CODES:
        chosen = {**memo.get("invitation_selections", {}), code: selection}
        key = ("invitations", scope, by_year, tuple(chosen.get(c) for c in INVITATION_CODES))
        if key not in memo:
            memo[key] = invitation_figures(scope, by_year=by_year, selections=chosen, counted=True)
        figures = memo[key][code]
    elif code in (C.TRAINED, C.TRAINED_CUMULATIVE):
        since = dt.date(indicator.convention.first_year, 1, 1)
        key = ("trainings", scope, by_year, selection, since)
        if key not in memo:
            memo[key] = training_figures(scope, since=since, selection=selection, by_year=by_year)
        figures = memo[key][code]
    elif code == C.SUIVI_PRESENCES:
        figures = comite_suivi_presences(scope, selection=selection, by_year=by_year, counted=True)
    elif code == C.PERMANENCES:
        figures = sessions_held(scope, selection=selection, by_year=by_year, counted=True)
    elif code == C.COPIL_HELD:
        figures = copil_held(scope, selection=selection, by_year=by_year, counted=True)
    else:
        raise ValueError(f"{code!r} is not a computed indicator")
    unclosed_key = ("unclosed", scope, by_year)
    if unclosed_key not in memo or selection not in memo[unclosed_key]:
        memo.setdefault(unclosed_key, {}).update(unclosed_counts(scope, [selection], by_year=by_year))
    unclosed = memo[unclosed_key].get(selection, {})
    results = {key: _pick(indicator, value) for key, value in figures.items()}
    for key, n in unclosed.items():
        base = results.get(key) or empty_result(indicator)
        base.unclosed = n
        results[key] = base
    return results


def empty_result(indicator: Indicator) -> Result:
    """What a period without any counted session shows: no data for a rate, zero for a count, "no" for COPIL."""
    if indicator.unit == Indicator.Unit.PERCENT:
        result = Result(None, 0, 0)
    else:
        result = Result(0)
    if indicator.computation in Indicator.PRESENCE_COMPUTATIONS:
        basis = indicator.presence_basis
        other = B.REPRESENTED if basis == B.EFFECTIVE else B.EFFECTIVE
        result.basis = basis
        result.other = Result(result.value, result.numerator, result.denominator, basis=other)
    return result


def result_for(indicator: Indicator, results: dict, key) -> Result:
    return results.get(key) or empty_result(indicator)


# --- Drill-down: the sessions, organisations and bodies behind a figure ------------------------------------
@dataclass
class Breakdown:
    organisations: list[dict] = field(default_factory=list)  # name, expected, present, absent, rate
    bodies: list[dict] = field(default_factory=list)  # name, sessions, expected, present, rate
    sessions: list[dict] = field(default_factory=list)  # date, body, expected, present, rate
    unclosed: list[dict] = field(default_factory=list)  # open past sessions of the selection


def breakdown(indicator: Indicator, scope: Scope, *, selection: Selection | None = None,
              limit: int | None = 15) -> Breakdown:
    """Who was absent most, which bodies lag, and the sessions behind one figure (a constant number of queries),
    on the basis the convention reports. ``limit`` None: every row (the drill-down's export)."""
    out = Breakdown()
    code = indicator.computation
    selection = selection or selections_for([indicator])[indicator.pk]
    basis = indicator.presence_basis
    if code in (C.PARTNER_PRESENCE, C.TECHNIQUE_PARTICIPATION):
        inner = _organisation_presence_inner(scope, selection=selection, basis=basis, by_year=False,
                                             extra={"b": F("meeting__body_id")})
        rows = _outer(inner, "COUNT(*), SUM(sub.present)", group="o",
                      order="COUNT(*) - SUM(sub.present) DESC, sub.o", limit=limit)
        out.organisations = _named(rows, Organisation)
        rows = _outer(inner, "COUNT(DISTINCT sub.m), COUNT(*), SUM(sub.present)", group="b",
                      order="1.0 * SUM(sub.present) / COUNT(*), sub.b")
        out.bodies = _bodies(rows)
        rows = _outer(inner, "MAX(sub.b), COUNT(*), SUM(sub.present)", group="m")
        out.sessions = _sessions(rows, limit)
    elif code == C.YOUTH_PRESENCE:
        rows = (Invitation.objects.filter(meeting_q(scope, "meeting__", selection=selection), is_youth_seat=True)
                .order_by().values("meeting_id", "meeting__body_id")
                .annotate(invited=Count("pk"), filled=Count("pk", filter=_youth_present_q(basis))))
        out.sessions = _sessions([(r["meeting_id"], r["meeting__body_id"], r["invited"], r["filled"]) for r in rows],
                                 limit)
        per_body: dict[int, list[int]] = {}
        for _m, body, invited, filled in [(r["meeting_id"], r["meeting__body_id"], r["invited"], r["filled"])
                                          for r in rows]:
            acc = per_body.setdefault(body, [0, 0, 0])
            acc[0] += 1
            acc[1] += invited
            acc[2] += filled
        out.bodies = _bodies([(b, *acc) for b, acc in per_body.items()])
    elif code in (C.TRAINED, C.TRAINED_CUMULATIVE):
        inner = _completed_trainings(scope, selection=selection, by_year=False)
        rows = _outer(inner, "COUNT(DISTINCT sub.p)", group="m")
        meetings = Meeting.objects.select_related("body").in_bulk([m for m, _n in rows])
        out.sessions = sorted(({"date": timezone.localdate(meetings[m].starts_at), "body": meetings[m].body.name,
                                "meeting": meetings[m], "expected": None, "present": n, "rate": None}
                               for m, n in rows), key=lambda s: s["date"], reverse=True)[:limit]
    elif code == C.SUIVI_PRESENCES:
        inner = _present_organisation_inner(scope, selection=selection, by_year=False,
                                            extra={"b": F("meeting__body_id")})
        column = "SUM(sub.e)" if basis == B.EFFECTIVE else "COUNT(*)"
        rows = _outer(inner, f"COUNT(*), {column}", group="o", order=f"{column} DESC, sub.o", limit=limit)
        out.organisations = _named(rows, Organisation)
        out.sessions = _sessions(_outer(inner, f"MAX(sub.b), COUNT(*), {column}", group="m"), limit)
    elif code in (C.PERMANENCES, C.COPIL_HELD):
        meetings = (Meeting.objects.filter(meeting_q(scope, selection=selection))
                    .annotate(member_present=member_present_q())
                    .select_related("body").order_by("-starts_at"))
        if limit:
            meetings = meetings[:limit]
        out.sessions = [{"date": timezone.localdate(m.starts_at), "body": m.body.name, "meeting": m,
                         "expected": None, "present": None, "rate": None, "held": m.member_present}
                        for m in meetings]
    unclosed = (Meeting.objects.filter(unclosed_q(scope), selection.q()).select_related("body")
                .order_by("starts_at"))
    out.unclosed = [{"date": timezone.localdate(m.starts_at), "body": m.body.name, "meeting": m}
                    for m in (unclosed[:limit] if limit else unclosed)]
    return out


def _named(rows, model) -> list[dict]:
    objects = model.objects.only("pk", "name", "slug").in_bulk([row[0] for row in rows])
    named = []
    for pk, expected, present in rows:
        present = int(present or 0)
        name = objects[pk].name if pk in objects else ("?" if pk is not None else UNLISTED_LABEL)
        named.append({"name": name, "object": objects.get(pk),
                      "expected": int(expected), "present": present, "absent": int(expected) - present,
                      "rate": rate(present, int(expected)).value})
    return named


def _bodies(rows) -> list[dict]:
    bodies = Body.objects.only("pk", "name", "slug").in_bulk([row[0] for row in rows])
    items = [{"name": bodies[pk].name, "object": bodies[pk], "sessions": int(sessions), "expected": int(expected),
              "present": int(present or 0), "rate": rate(int(present or 0), int(expected)).value}
             for pk, sessions, expected, present in rows if pk in bodies]
    return sorted(items, key=lambda b: (b["rate"] is None, b["rate"] or 0, b["name"]))


def _sessions(rows, limit: int) -> list[dict]:
    rows = list(rows)
    meetings = Meeting.objects.in_bulk([row[0] for row in rows])
    bodies = Body.objects.in_bulk({row[1] for row in rows})
    items = [{"date": timezone.localdate(meetings[m].starts_at), "meeting": meetings[m], "body": bodies[b].name,
              "expected": int(expected), "present": int(present or 0),
              "rate": rate(int(present or 0), int(expected)).value}
             for m, b, expected, present in rows if m in meetings and b in bodies]
    items.sort(key=lambda s: (s["rate"] if s["rate"] is not None else 101, s["date"]))
    return items[:limit]


# --- The monthly operator report ------------------------------------------------------------------------
UNLISTED_LABEL = "Organisations non référencées (saisies à la main)"
NO_ORGANISATION_LABEL = "Sans organisation renseignée"
# The report's columns and the computation whose indicator gives each its bodies (and, for the comité de suivi,
# its presence basis): the report counts what the indicators count.
REPORT_COLUMNS = {"suivi": C.SUIVI_PRESENCES, "permanences": C.PERMANENCES, "trainings": C.TRAINED}


@dataclass
class OperatorReport:
    """Per organisation, one month: presences at comités de suivi, permanences effectuées, people trained."""

    period: Period
    indicators: dict[str, Indicator | None]  # column → the indicator whose selection (and basis) it uses
    basis: str  # the comité de suivi's presence basis
    rows: list[dict] = field(default_factory=list)

    @property
    def totals(self) -> dict[str, int]:
        return {column: sum(row[column] for row in self.rows) for column in REPORT_COLUMNS}


def report_indicators(year: int) -> dict[str, Indicator | None]:
    """The active indicator of each report column (a convention covering ``year`` first, then any), or None
    (the computation's rule alone). The trained column may read the cumulative indicator's shared selection."""
    wanted = {*REPORT_COLUMNS.values(), C.TRAINED_CUMULATIVE}
    found = list(Indicator.objects.filter(is_active=True, computation__in=wanted)
                 .select_related("convention", "selection_territory").prefetch_related("bodies", "excluded_bodies")
                 .order_by("sort_order", "pk"))
    found.sort(key=lambda ind: not ind.convention.first_year <= year <= ind.convention.last_year)
    out = {}
    for column, computation in REPORT_COLUMNS.items():
        codes = (computation, C.TRAINED_CUMULATIVE) if computation == C.TRAINED else (computation,)
        out[column] = next((ind for code in codes for ind in found if ind.computation == code), None)
    return out


def operator_report(year: int, month: int, *, territory: Territory | None = None, body_ids=None,
                    organisation_ids: Iterable[int] | None = None) -> OperatorReport:
    """Per organisation, for one month, with the indicators' definitions and selections of bodies:

    - presences at the comités de suivi: held sessions of the "présences au comité de suivi" indicator's
      selection, one per organisation and session, on that indicator's presence basis (a walk-in's organisation
      typed by hand is an "organisation non référencée", one line per typed name);
    - permanences effectuées: held permanences (closed, an expected member there itself) of the permanence
      indicator's selection at which the organisation was there itself;
    - people trained: distinct people of the organisation who signed every half-day of a closed training of
      the trained indicator's selection that started in the month (the one rule,
      ``meetings.queries.completed_trainings``; a half-day missed: not trained).

    ``organisation_ids``: only these organisations' lines (an operator's). Summed over the lines, each column
    gives the indicator's figure for the month (a constant number of queries).
    """
    last_day = (dt.date(year, month, 28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    scope = Scope(Period(dt.date(year, month, 1), last_day), territory, body_ids)
    indicators = report_indicators(year)
    selections = {column: selections_for([ind])[ind.pk] if ind is not None else RULES[REPORT_COLUMNS[column]]
                  for column, ind in indicators.items()}
    suivi = indicators["suivi"]
    basis = suivi.presence_basis if suivi is not None else B.EFFECTIVE
    counts: dict[tuple, dict] = {}

    def add(key, column, n, label=""):
        row = counts.setdefault(key, {"suivi": 0, "permanences": 0, "trainings": 0, "label": label})
        row[column] += int(n or 0)

    inner = _present_organisation_inner(scope, selection=selections["suivi"], by_year=False)
    column = "SUM(sub.e)" if basis == B.EFFECTIVE else "COUNT(*)"
    for o, t, n, label in _outer(inner, f"{column}, MIN(sub.label)", group=("o", "t")):
        add(("o", o) if o is not None else ("t", t), "suivi", n, label)
    inner = _present_organisation_inner(scope, selection=selections["permanences"], by_year=False,
                                        where=member_present_q("meeting__"))
    for o, t, n, label in _outer(inner, "SUM(sub.e), MIN(sub.label)", group=("o", "t")):
        add(("o", o) if o is not None else ("t", t), "permanences", n, label)
    signatures = HalfDaySignature.objects.filter(meeting_q(scope, "half_day__meeting__",
                                                           selection=selections["trainings"]))
    trained = completed_trainings(signatures).annotate(
        o=Max(Coalesce(F("invitation__organisation_id"), F("organisation_id"))))
    for o, n in _outer(trained, "COUNT(DISTINCT sub.p)", group="o"):
        add(("o", o) if o is not None else ("none", None), "trainings", n)

    wanted = None if organisation_ids is None else set(organisation_ids)
    if wanted is not None:
        counts = {key: row for key, row in counts.items() if key[0] == "o" and key[1] in wanted}
    organisations = Organisation.objects.only("pk", "name", "slug").in_bulk(
        [key[1] for key in counts if key[0] == "o"])
    rows = []
    for (kind, value), row in counts.items():
        if not any(row[c] for c in REPORT_COLUMNS):
            continue
        if kind == "o":
            if value not in organisations:
                continue
            name, organisation = organisations[value].name, organisations[value]
        elif kind == "t":
            name, organisation = f"{row['label']} ({UNLISTED})", None
        else:
            name, organisation = NO_ORGANISATION_LABEL, None
        rows.append({"organisation": organisation, "name": name, "unlisted": kind == "t",
                     **{c: row[c] for c in REPORT_COLUMNS}})
    rows.sort(key=lambda r: (2 if r["name"] == NO_ORGANISATION_LABEL else 1 if r["unlisted"] else 0,
                             r["name"].lower()))
    return OperatorReport(period=scope.period, indicators=indicators, basis=basis, rows=rows)


# --- Whose figures -------------------------------------------------------------------------------------
def indicators_about(indicators: list[Indicator], body_ids) -> list[Indicator]:
    """The indicators whose selection holds a session of ``body_ids`` (a secretary's bodies), in one query:
    a secretary's dashboard shows only figures about the bodies they run."""
    computed = [ind for ind in indicators if not ind.is_manual]
    if body_ids is None or not computed:
        return computed if body_ids is not None else indicators
    selections = selections_for(computed)
    distinct = list(dict.fromkeys(selections.values()))
    counts = Meeting.objects.filter(body_id__in=sorted(body_ids)).aggregate(
        **{f"s{i}": Count("pk", filter=sel.q()) for i, sel in enumerate(distinct)})
    touched = {sel for i, sel in enumerate(distinct) if counts[f"s{i}"]}
    return [ind for ind in computed if selections[ind.pk] in touched]
