"""The page's languages in templates: the header's switcher and `hreflang` links (``{% page_languages as
languages %}``) and the state of a translated page's review (``{% translation_review page as review %}``)."""

from django import template
from django.utils.http import urlencode

from relais import languages

register = template.Library()


@register.simple_tag(takes_context=True)
def page_languages(context):
    request = context.get("request")
    if request is None:
        return []
    page = context.get("page")
    if page is not None and not hasattr(page, "locale_id"):
        page = None
    return [
        {"alternate": alt, "switch_url": "/langue/?" + urlencode({"lang": alt.code, "next": alt.url})}
        for alt in languages.alternates(request, page)
    ]


@register.simple_tag
def translation_review(page):
    if page is None or not hasattr(page, "locale_id"):
        return None
    return languages.review_of(page)
