"""Template tags that print a figure the way formatting.py says (same text as the CSV and the API)."""

from decimal import Decimal

from django import template

from meetings.indicators import formatting

register = template.Library()


@register.simple_tag
def value(indicator, result):
    return formatting.display_value(indicator, result)


@register.simple_tag
def target(indicator, amount):
    return formatting.display_target(indicator, amount)


@register.simple_tag
def gap(indicator, amount):
    return formatting.display_gap(indicator, amount)


@register.simple_tag
def reached(flag):
    return formatting.display_reached(flag)


@register.simple_tag
def percent(amount):
    if amount is None:
        return formatting.NO_DATA
    return formatting._number(Decimal(amount), 1) + " %"


@register.simple_tag
def counting_rule(indicator, basis=None):
    return formatting.counting_rule(indicator, basis)


@register.simple_tag
def selection_text(indicator):
    return formatting.selection_text(indicator)


@register.simple_tag
def unclosed(result):
    return formatting.display_unclosed(result)


@register.simple_tag
def fraction(result):
    return formatting.display_fraction(result)
