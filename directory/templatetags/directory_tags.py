"""Template helpers of the directory pages."""

from functools import cache

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

register = template.Library()


@cache
def _escaped(choices: tuple) -> tuple:
    return tuple((escape(code), escape(label)) for code, label in choices)


@register.simple_tag
def options(choices, selected=()):
    """<option> elements for long, fixed vocabularies: escaped once per process, not per request."""
    selected = {escape(value) for value in selected or ()}
    return mark_safe("".join(  # noqa: S308 - every part is escaped above
        f'<option value="{code}"{" selected" if code in selected else ""}>{label}</option>'
        for code, label in _escaped(tuple((str(c), str(lbl)) for c, lbl, *_rest in choices))))
