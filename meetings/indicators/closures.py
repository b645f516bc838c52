"""Closing ("arrêter") a month or a year: its figures are kept as they were, later changes shown as differences.

A closure covers the whole département and every body (the convention's figures). Closing never blocks a
later correction of an attendance sheet: the corrected figure is computed as always, and the closure page
shows, per indicator, the figure as closed, the figure now and the difference, with the attendance history
written since the closure on that period's sessions (who changed what, when, why).
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction

from meetings.indicators.compute import Period
from meetings.indicators.formatting import display_value
from meetings.indicators.matrix import build_matrix
from meetings.indicators.models import ClosedFigure, PeriodClosure
from meetings.models import SheetEvent


class AlreadyClosed(Exception):
    pass


def period_of(year: int, month: int | None = None) -> tuple[Period, str]:
    if month is None:
        return Period.year(year), f"{year:04d}"
    last = (dt.date(year, month, 28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    return Period(dt.date(year, month, 1), last), f"{year:04d}-{month:02d}"


def _matrix(period: Period):
    return build_matrix(year=period.start.year, period=period, with_trend=False)


def close_period(year: int, month: int | None = None, *, by=None) -> PeriodClosure:
    """Keep every active indicator's figure of the period as it is now (once: a second closure is refused)."""
    period, label = period_of(year, month)
    matrix = _matrix(period)
    name = (by.get_full_name() or by.get_username())[:200] if getattr(by, "is_authenticated", False) else ""
    try:
        with transaction.atomic():
            closure = PeriodClosure.objects.create(start=period.start, end=period.end, label=label,
                                                   closed_by=by if name else None, closed_by_name=name)
            figures = []
            for row in matrix.rows:
                result, other = row.result, row.result.other
                figures.append(ClosedFigure(
                    closure=closure, indicator=row.indicator, basis=result.basis, value=result.value,
                    numerator=result.numerator, denominator=result.denominator,
                    other_value=other.value if other else None, other_numerator=other.numerator if other else None,
                    other_denominator=other.denominator if other else None, unclosed=result.unclosed,
                    display=display_value(row.indicator, result)[:100]))
            ClosedFigure.objects.bulk_create(figures)
    except IntegrityError as error:
        raise AlreadyClosed(label) from error
    return closure


def _differs(now, closed) -> bool:
    if now is None or closed is None:
        return (now is None) != (closed is None)
    return now != closed


def differences(closure: PeriodClosure) -> list[dict]:
    """Per indicator: the figure as closed, the figure now, whether it changed."""
    matrix = _matrix(Period(closure.start, closure.end))
    now = {row.indicator.pk: row for row in matrix.rows}
    lines = []
    for figure in closure.figures.select_related("indicator").order_by("indicator__sort_order", "indicator__name"):
        row = now.get(figure.indicator_id)
        current = row.result if row else None
        other = current.other if current is not None else None
        changed = current is not None and (
            _differs(current.value, figure.value)
            or current.numerator != figure.numerator or current.denominator != figure.denominator
            # the other definition of presence, shown beside it, is kept as closed too
            or (other is not None and (_differs(other.value, figure.other_value)
                                       or other.numerator != figure.other_numerator
                                       or other.denominator != figure.other_denominator)))
        lines.append({"indicator": figure.indicator, "closed": figure, "now": current,
                      "now_display": display_value(figure.indicator, current) if current else "–",
                      "changed": changed})
    return lines


def changes_since(closure: PeriodClosure, limit: int = 200):
    """The attendance history written after the closure on the period's sessions."""
    start, end = Period(closure.start, closure.end).bounds()
    return (SheetEvent.objects.filter(at__gt=closure.closed_at, meeting__starts_at__gte=start,
                                      meeting__starts_at__lt=end)
            .select_related("meeting", "meeting__body").order_by("-at", "-pk")[:limit])
