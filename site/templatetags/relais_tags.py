"""The site shell's template filters: tap-to-call phone links (relais.phones) and messages shown in place."""

from django import template
from django.utils.html import conditional_escape

from relais import phones

register = template.Library()

# A message with this extra tag is shown by the page where the reader acted (e.g. the article's feedback
# section, where the form was), not at the top of the page.
IN_PLACE = "in-place"


@register.filter
def phone_link(number, name=""):
    """{{ organisation.phone|phone_link:organisation.name }}: a tel: link named "Appeler le … (name)"."""
    return phones.phone_link(number, name)


@register.filter
def link_phones(rendered_html):
    """Ten-digit numbers written in a text or rendered HTML become tel: links (existing links untouched)."""
    return phones.link_phones(conditional_escape(rendered_html))


@register.filter
def top_messages(messages):
    """The messages shown at the top of the page: all but those shown in place."""
    return [message for message in messages or () if IN_PLACE not in message.tags.split()]


@register.filter
def in_place_messages(messages):
    return [message for message in messages or () if IN_PLACE in message.tags.split()]
