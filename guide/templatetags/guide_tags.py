import functools

from django import template
from django.utils.html import conditional_escape
from django.utils.translation import get_language

from directory import territories
from guide.emergency import SHORT_NUMBERS
from guide.forms import FeedbackForm, retention_days
from guide.glossary import glossary_entries, mark_terms
from relais.phones import link_phones

register = template.Library()


@register.simple_tag(takes_context=True)
def body_with_glossary(context, stream, prefix=""):
    """Render a StreamField with the page's context (directory blocks need the request), make the phone
    numbers it writes tap-to-call links (first, so that "115" is a call, not a glossary note), then mark the
    glossary terms it uses. Returns {"html", "terms"}."""
    rendered = stream.render_as_block(context=context.flatten())
    html, terms = _with_links_and_terms(str(rendered), prefix, glossary_entries(), get_language())
    return {"html": html, "terms": list(terms)}


@functools.lru_cache(maxsize=64)
def _with_links_and_terms(rendered: str, prefix: str, entries: tuple, language: str | None):
    """Kept per rendered body, glossary and language (the call links' names are translated): readers of an
    article get the same body until it or its partner lists change, and marking it costs a sixth of the page."""
    html, terms = mark_terms(link_phones(rendered, short_numbers=SHORT_NUMBERS), entries, prefix=prefix)
    return html, tuple(terms)


@register.filter
def call_links(text):
    """The phone numbers of a text or of rendered rich text as tap-to-call links, the guide's short national
    numbers (115, 3114…) included where a sentence calls them."""
    return link_phones(conditional_escape(text), short_numbers=SHORT_NUMBERS)


@register.simple_tag
def feedback_form(page):
    return FeedbackForm(initial={"page": page.pk})


@register.simple_tag
def feedback_retention_days():
    return retention_days()


@register.filter
def place_label(territory):
    return territories.label(territory)
