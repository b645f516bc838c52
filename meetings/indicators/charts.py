"""Inline SVG trend charts, readable without colour: hatched bars, dashed target marks, every value written.

The geometry is computed here and drawn by templates/indicators/_chart.html; each chart is followed by
its data table on the page (RGAA 1.3: the same information without the image).
"""

from decimal import Decimal

from meetings.indicators.formatting import display_target, display_value
from meetings.indicators.models import Indicator

WIDTH, HEIGHT = 320, 190
TOP, BOTTOM, LEFT, RIGHT = 28, 30, 8, 8


def _scale_max(row) -> Decimal:
    if row.indicator.unit == Indicator.Unit.PERCENT:
        return Decimal(100)
    if row.indicator.unit == Indicator.Unit.YES_NO:
        return Decimal(1)
    values = [Decimal(p.result.value) for p in row.trend if p.result.value is not None]
    values += [p.target for p in row.trend if p.target is not None]
    return max(values + [Decimal(1)]) * Decimal("1.1")


def trend_chart(row) -> dict:
    indicator = row.indicator
    points = row.trend
    count = max(len(points), 1)
    plot_h = HEIGHT - TOP - BOTTOM
    slot = (WIDTH - LEFT - RIGHT) / count
    top = _scale_max(row)

    def y_of(value) -> float:
        return round(TOP + plot_h - float(Decimal(value) / top) * plot_h, 1)

    bars = []
    for index, point in enumerate(points):
        x = LEFT + index * slot
        bar = {"year": point.year, "x": round(x + slot * 0.2, 1), "width": round(slot * 0.6, 1),
               "center": round(x + slot / 2, 1), "label": display_value(indicator, point.result),
               "has_value": point.result.value is not None, "target_label": None}
        if point.result.value is not None:
            bar["y"] = y_of(point.result.value)
            bar["height"] = round(TOP + plot_h - bar["y"], 1)
            bar["label_y"] = max(bar["y"] - 6, 12)
        else:
            bar["label_y"] = TOP + plot_h - 6
        if point.target is not None:
            bar["target_y"] = y_of(point.target)
            bar["target_x1"] = round(x + slot * 0.08, 1)
            bar["target_x2"] = round(x + slot * 0.92, 1)
            bar["target_label"] = display_target(indicator, point.target)
        bars.append(bar)
    return {"id": f"chart-{indicator.code}", "width": WIDTH, "height": HEIGHT, "bars": bars,
            "baseline": TOP + plot_h, "year_y": HEIGHT - 10, "title": indicator.name}
