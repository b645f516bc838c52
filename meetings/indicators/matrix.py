"""The indicator matrix: each indicator with its result, target, gap and trend, for a year and a scope.

Dashboard, exports and API all build their rows here, from compute.py, so a figure is the same everywhere.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q
from django.utils.translation import gettext as _

from directory.models import Territory
from meetings.indicators import compute
from meetings.indicators.compute import Period, Result, Scope
from meetings.indicators.models import Convention, Indicator, IndicatorValue


@dataclass
class TrendPoint:
    year: int
    result: Result
    target: Decimal | None


@dataclass
class Row:
    indicator: Indicator
    result: Result
    target: Decimal | None
    trend: list[TrendPoint] = field(default_factory=list)

    @property
    def gap(self) -> Decimal | None:
        """Result minus target (points for a percentage); none for a yes/no or when either is missing."""
        if self.indicator.unit == Indicator.Unit.YES_NO or self.target is None or self.result.value is None:
            return None
        return Decimal(self.result.value) - self.target

    @property
    def reached(self) -> bool | None:
        if self.target is None or self.result.value is None:
            return None
        return Decimal(self.result.value) >= self.target


@dataclass
class Matrix:
    year: int
    period: Period
    territory: Territory | None
    rows: list[Row]
    years: list[int]
    body_ids: frozenset[int] | None = None

    bodies_label: str = ""  # the bodies the figures are narrowed to, named (set by the caller)

    @property
    def territory_label(self) -> str:
        """The real scope: the territory, and the bodies when narrowed to some (never "all" then)."""
        if self.body_ids is not None:
            bodies = self.bodies_label or _("%(n)d instance(s)") % {"n": len(self.body_ids)}
            where = self.territory.name if self.territory else ""
            return f"{where} · {bodies}" if where else bodies
        return self.territory.name if self.territory else _("Tous les territoires")


def convention_years() -> list[int]:
    years: set[int] = set()
    for first, last in Convention.objects.values_list("first_year", "last_year"):
        years.update(range(first, last + 1))
    return sorted(years)


def active_indicators(*, include_manual: bool = True):
    qs = (Indicator.objects.filter(is_active=True).select_related("convention", "selection_territory")
          .prefetch_related("targets", "bodies", "excluded_bodies"))
    if not include_manual:
        qs = qs.exclude(computation=Indicator.Computation.MANUAL)
    return list(qs)


def _targets(indicator: Indicator) -> dict[int, Decimal]:
    return {target.year: target.value for target in indicator.targets.all()}


def manual_values(indicators: list[Indicator], territory: Territory | None) -> dict[tuple[int, int], Decimal]:
    """Hand-entered values: a territory's own ones, or the département-wide ones (no territory) otherwise."""
    manual = [i.pk for i in indicators if i.is_manual]
    if not manual:
        return {}
    if territory is None or territory.kind == Territory.Kind.DEPARTEMENT:
        where = Q(territory__isnull=True) if territory is None else Q(territory__isnull=True) | Q(territory=territory)
    else:
        where = Q(territory=territory)
    values = {}
    # A département's own value wins over the département-wide one (no territory).
    for pk, year, territory_id, value in (IndicatorValue.objects.filter(where, indicator_id__in=manual)
                                          .order_by("territory_id").values_list("indicator_id", "year",
                                                                                "territory_id", "value")):
        if territory_id is not None or (pk, year) not in values:
            values[(pk, year)] = value
    return values


def build_matrix(*, year: int, territory: Territory | None = None, body_ids: frozenset[int] | None = None,
                 period: Period | None = None, include_manual: bool = True, with_trend: bool = True,
                 indicators: list[Indicator] | None = None, memo: dict | None = None) -> Matrix:
    """Rows for ``year`` (or a custom ``period``); ``body_ids`` narrows the bodies (a secretary's own).
    ``memo``: shared by the matrices of one download (its keys name their scope), so the sessions of the
    period are counted once for all of them."""
    indicators = indicators if indicators is not None else active_indicators(include_manual=include_manual)
    if not include_manual:
        indicators = [i for i in indicators if not i.is_manual]
    years = convention_years() or [year]
    trend_years = list(range(min(years[0], year), max(years[-1], year) + 1)) if with_trend else [year]
    period = period or Period.year(year)
    custom = period.single_year != year
    trend_scope = Scope(Period.years(trend_years[0], trend_years[-1]), territory, body_ids)
    values = manual_values(indicators, territory)
    memo = {} if memo is None else memo
    computed = [i for i in indicators if not i.is_manual]
    if computed:
        compute.prepare(computed, trend_scope, memo)
        if custom:
            compute.prepare(computed, Scope(period, territory, body_ids), memo, by_year=False)
    rows = []
    for indicator in indicators:
        targets = _targets(indicator)
        if indicator.is_manual:
            per_year = {y: Result(values.get((indicator.pk, y))) for y in trend_years}
            current = per_year.get(year) if not custom else Result(None)
        else:
            per_year = compute.compute(indicator, trend_scope, memo=memo)
            per_year = {y: compute.result_for(indicator, per_year, y) for y in trend_years}
            if custom:
                overall = compute.compute(indicator, Scope(period, territory, body_ids), by_year=False, memo=memo)
                current = compute.result_for(indicator, overall, compute.ALL)
            else:
                current = per_year[year]
        trend = [TrendPoint(y, per_year[y], targets.get(y)) for y in trend_years]
        rows.append(Row(indicator, current or Result(None), targets.get(year) if not custom else None, trend))
    return Matrix(year, period, territory, rows, trend_years, body_ids)


def territoires_of(territory: Territory | None) -> list[Territory]:
    """The territoires d'action sociale under a département (all of them for no territory)."""
    qs = Territory.objects.filter(kind=Territory.Kind.TERRITOIRE).order_by("name")
    if territory is not None:
        if territory.kind != Territory.Kind.DEPARTEMENT:
            return []
        qs = qs.filter(parent=territory)
    return list(qs)


def default_year(years: list[int] | None = None) -> int:
    years = years if years is not None else convention_years()
    today = dt.date.today().year
    if not years or today in years:
        return today
    return years[-1] if today > years[-1] else years[0]
