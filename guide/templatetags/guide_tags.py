from django import template

from directory import territories
from guide.forms import FeedbackForm, retention_days
from guide.glossary import mark_terms

register = template.Library()


@register.simple_tag(takes_context=True)
def body_with_glossary(context, stream, prefix=""):
    """Render a StreamField with the page's context (directory blocks need the request), then mark the
    glossary terms it uses. Returns {"html", "terms"}."""
    rendered = stream.render_as_block(context=context.flatten())
    html, terms = mark_terms(rendered, prefix=prefix)
    return {"html": html, "terms": terms}


@register.simple_tag
def feedback_form(page):
    return FeedbackForm(initial={"page": page.pk})


@register.simple_tag
def feedback_retention_days():
    return retention_days()


@register.filter
def place_label(territory):
    return territories.label(territory)
