"""The facet checkboxes of /recherche/, written in Python: up to FACET_VALUES options per facet, seven values
each, cost more through the template engine than the rest of the page."""

from django import template
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag
def facet_options(values, param: str):
    return format_html_join(
        "\n", '<div class="facet__option"><input type="checkbox" id="f-{0}-{1}" name="{0}" value="{2}"{3}>'
              '<label for="f-{0}-{1}">{4} <span class="facet__count">({5})</span></label></div>',
        ((param, number, value.value, mark_safe(" checked") if value.selected else "", value.label, value.count)
         for number, value in enumerate(values, start=1)))
