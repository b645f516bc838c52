import functools
import hashlib
import json

from django import template
from django.core.cache import cache
from django.utils.html import conditional_escape
from django.utils.translation import get_language

from directory import territories
from guide import partners
from guide.emergency import SHORT_NUMBERS
from guide.forms import FeedbackForm, retention_days
from guide.glossary import glossary_digest, glossary_entries, mark_terms
from guide.territory import reader_territory
from relais.phones import link_phones

register = template.Library()


# A page's own body, as a reader gets it, is kept as long as the partner lists it shows may be
# (guide.partners.CACHE_SECONDS), under a key of everything its rendering reads (below): the next reader of the
# article in the same place and language skips rendering its blocks. A directory change (the guide's partner
# version), an edited glossary term or a new body shows at once; a renamed page it links to, within that time.
BODY_KEY = "guide:body:v1:"


@register.simple_tag(takes_context=True)
def body_with_glossary(context, stream, prefix=""):
    """Render a StreamField with the page's context (directory blocks need the request), make the phone
    numbers it writes tap-to-call links (first, so that "115" is a call, not a glossary note), then mark the
    glossary terms it uses. Returns {"html", "terms"}."""
    entries = glossary_entries()
    key = _kept_body_key(context, stream, prefix)
    if key is not None:
        found = cache.get_many([key, partners.VERSION_KEY])
        state = (found.get(partners.VERSION_KEY), glossary_digest(entries))
        kept = found.get(key)
        if kept is not None and kept[0] == state:
            return {"html": kept[1], "terms": list(kept[2])}
    rendered = stream.render_as_block(context=context.flatten())
    html, terms = _with_links_and_terms(str(rendered), prefix, entries, get_language())
    if key is not None:
        cache.set(key, (state, html, terms), partners.CACHE_SECONDS)
    return {"html": html, "terms": list(terms)}


def _kept_body_key(context, stream, prefix) -> str | None:
    """The key of the served page's own body (its ``body`` or ``steps``) for this reader: the body's content,
    the page, the language, the reader's territory (the partner lists) and the address (their "change your
    territory" link returns to it). None for a preview, the printed guide, or another page's body."""
    request, page = context.get("request"), context.get("page")
    if (request is None or page is None or getattr(request, "is_preview", False) or context.get("printing")
            or not any(stream is getattr(page, name, None) for name in ("body", "steps"))):
        return None
    territory = reader_territory(request)
    parts = (page.pk, get_language(), territory.code if territory else "", request.get_full_path(), prefix,
             context.get("level"), json.dumps(list(stream.raw_data), sort_keys=True, default=str))
    return BODY_KEY + hashlib.sha256(repr(parts).encode()).hexdigest()


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
