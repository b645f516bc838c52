"""How a figure reads, the same on the dashboard, in the CSV and in the API's ``display`` field."""

from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from meetings.indicators.models import Indicator

NO_DATA = "Pas de données"


def _number(value, decimals: int) -> str:
    value = Decimal(value)
    if value == value.to_integral_value():
        decimals = 0
    return number_format(value, decimal_pos=decimals, use_l10n=True)


def display_value(indicator: Indicator, result) -> str:
    value = result.value if hasattr(result, "value") else result
    if value is None:
        return _(NO_DATA)
    if indicator.unit == Indicator.Unit.PERCENT:
        return f"{_number(value, 1)} %"
    if indicator.unit == Indicator.Unit.YES_NO:
        if not value:
            return _("Non")
        dates = getattr(result, "dates", ())
        if dates:
            return _("Oui, le %(date)s") % {"date": dates[-1].strftime("%d/%m/%Y")}
        return _("Oui")
    return _number(value, 2)


def display_target(indicator: Indicator, target) -> str:
    if target is None:
        return "–"
    if indicator.unit == Indicator.Unit.PERCENT:
        return f"{_number(target, 1)} %"
    if indicator.unit == Indicator.Unit.YES_NO:
        return _("Oui") if target else _("Non")
    return _number(target, 2)


def display_gap(indicator: Indicator, gap) -> str:
    if gap is None:
        return "–"
    sign = "+" if gap > 0 else ("−" if gap < 0 else "")
    text = _number(abs(gap), 1)
    if indicator.unit == Indicator.Unit.PERCENT:
        return f"{sign}{text} pts"
    return f"{sign}{text}"


def display_reached(reached) -> str:
    if reached is None:
        return "–"
    return _("Atteinte") if reached else _("Non atteinte")
