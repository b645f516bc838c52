"""The reader's language: which languages the public pages speak, which one a request reads, how a reader
switches, and which page translations a reader may see (reviewed, or published before review by choice).

- French is the source, unprefixed (`/guide/…`); every other language is a URL prefix (`/en/guide/…`,
  `/ar/urgence/`), Django's ``i18n_patterns(prefix_default_language=False)`` over the guide, the emergency
  page, the search page and Wagtail's pages (site/urls.py).
- The interface strings come from the gettext catalogues (site/locale); the admin and the professional space
  stay in French: outside the prefixed URLs, only the directory's public pages follow the reader's cookie.
- A page translation is shown to readers only when its ``TranslationReview`` says "reviewed", or when the pilot
  chose to publish it before review (the page then says so). Otherwise, and when a page has no translation,
  the reader gets the French page, in their language's interface, with a notice (``serve_page``).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from django.conf import settings
from django.http import Http404, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.urls import translate_url
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET

from relais.links import safe_next

# Outside the prefixed URLs, the public pages that follow the reader's remembered language (labels only: the
# directory's data stays as the partners wrote it).
COOKIE_LANGUAGE_PREFIXES = ("/annuaire/",)

# Why a reader sees the French page instead of a translation (request.content_fallback).
UNTRANSLATED = "untranslated"
UNREVIEWED = "unreviewed"


def default_language() -> str:
    return settings.LANGUAGE_CODE


def codes() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def is_rtl(code: str) -> bool:
    return code in settings.LANGUAGES_BIDI or code.split("-")[0] in settings.LANGUAGES_BIDI


# The shell of every page (header, search box, footer): a language whose catalogue lacks most of them has no
# interface yet (a language the pilot added in the admin, or one waiting for its translators).
SHELL_MESSAGES = ("Aller au contenu", "Des ressources pour tes 16–25 ans", "Urgence", "Guide", "Annuaire",
                  "Rechercher sur le site", "Chercher", "Mentions légales", "Données personnelles", "Plan du site")


@functools.lru_cache(maxsize=32)
def interface_translated(code: str) -> bool:
    """Whether readers of ``code`` get the interface in it: French always; another language when its catalogue
    translates most of the shell. Catalogues change with a deployment, so a process reads them once."""
    if code == default_language():
        return True
    with translation.override(code):
        translated = sum(translation.gettext(message) != message for message in SHELL_MESSAGES)
    return translated * 2 > len(SHELL_MESSAGES)


def interface_language(code: str) -> str:
    """The language the interface is written in for readers of ``code``: itself, or French until its catalogue
    is translated (the page then says so in its ``lang``/``dir``, for screen readers and the layout)."""
    return code if interface_translated(code) else default_language()


def html_lang(code: str) -> str:
    """BCP 47 for the `lang` attribute: fa-af → fa-AF."""
    base, _sep, region = code.partition("-")
    return f"{base}-{region.upper()}" if region else base


def local_name(code: str) -> str:
    """A language named in its own script (the switcher's labels)."""
    return dict(settings.LANGUAGES).get(code, code)


@dataclass(frozen=True)
class Alternate:
    code: str
    lang: str  # the `lang`/`hreflang` value
    name: str  # in its own script
    url: str
    rtl: bool
    current: bool
    translated: bool  # False: the French page, with the interface in that language


class ReaderLocaleMiddleware:
    """Activates the language of the URL prefix; unprefixed public directory pages follow the reader's cookie;
    everything else (admin, professional space, French pages) is French. The browser's Accept-Language is not
    read: the reader chooses, once, in the header."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = translation.get_language_from_path(request.path_info)
        from_cookie = False
        if language is None:
            language = default_language()
            if request.path_info.startswith(COOKIE_LANGUAGE_PREFIXES):
                chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
                if chosen in codes():
                    language, from_cookie = chosen, True
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        if from_cookie or request.path_info.startswith(COOKIE_LANGUAGE_PREFIXES):
            patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language",
                                    html_lang(interface_language(translation.get_language() or language)))
        return response


@require_GET
def switch_language(request):
    """The header's switcher: remembers the choice (cookie `django_language`, one year, no account) and goes to
    the page in that language (``next``, a local address)."""
    code = request.GET.get("lang", "")
    if code not in codes():
        return HttpResponseBadRequest("Langue inconnue.", content_type="text/plain; charset=utf-8")
    response = HttpResponseRedirect(safe_next(request, "/" if code == default_language() else f"/{code}/"))
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, code, max_age=settings.LANGUAGE_COOKIE_AGE,
                        samesite=settings.LANGUAGE_COOKIE_SAMESITE, httponly=True,
                        secure=request.is_secure())
    return response


# --- Page translations ---------------------------------------------------------------------------------
_LOCALE_CODES: dict[int, str] = {}


def locale_code(locale_id: int) -> str:
    """A Wagtail locale's language code, without a query once known (locales are few and never renumbered;
    one the pilot adds is read on first sight)."""
    if locale_id not in _LOCALE_CODES:
        from wagtail.models import Locale

        _LOCALE_CODES.update(Locale.objects.values_list("id", "language_code"))
        _LOCALE_CODES.setdefault(locale_id, default_language())  # an unknown id is asked once
    return _LOCALE_CODES.get(locale_id, default_language())


def _locale_code(page) -> str:
    return locale_code(page.locale_id)


def readable(page) -> bool:
    """A reader may see this page: French (the source), or a translation reviewed or published before review."""
    if _locale_code(page) == default_language():
        return True
    from relais.models import TranslationReview

    review = TranslationReview.objects.filter(page_id=page.pk).only("status", "publish_before_review").first()
    return review is not None and review.is_public


def review_of(page):
    from relais.models import TranslationReview

    if _locale_code(page) == default_language():
        return None
    return TranslationReview.objects.filter(page_id=page.pk).select_related("reviewed_by").first()


def source_of(page):
    """The French page this page translates (itself when French)."""
    from wagtail.models import Locale

    if _locale_code(page) == default_language():
        return page
    return page.get_translation_or_none(Locale.objects.get(language_code=default_language())) or page


def prefixed(path: str, code: str) -> str:
    """A French address in another language's prefix: /guide/x/ → /en/guide/x/."""
    return path if code == default_language() else f"/{code}{path}"


def readable_translation(source, code: str):
    """The page a reader of ``code`` gets for the French ``source``: its readable translation, else None."""
    from wagtail.models import Locale

    if code == default_language():
        return source
    locale = Locale.objects.filter(language_code=code).first()
    if locale is None:
        return None
    page = source.get_translation_or_none(locale)
    if page is None or not page.live or not readable(page):
        return None
    return page.specific


def localized_children(parent, queryset_of):
    """The children a reader sees in their language (the active one): for each French child of ``parent``'s
    source (``queryset_of(french_parent)``, in order), its readable translation, or the French child marked with
    ``fallback_url`` (the French page in the reader's interface). A French reader: the French children."""
    code = translation.get_language() or default_language()
    children = list(queryset_of(source_of(parent)))
    if code == default_language():
        return children
    result = []
    for child in children:
        translated = readable_translation(child, code)
        if translated is None:
            child.fallback_url = prefixed(child.url or "", code)
            result.append(child)
        else:
            result.append(translated)
    return result


def _readable_by_code(source) -> dict:
    """{language code: page} of the French ``source`` and its translations readers may see: two queries."""
    from django.db.models import Q
    from wagtail.models import Page

    from relais.models import TranslationReview

    others = list(Page.objects.live().filter(translation_key=source.translation_key).exclude(pk=source.pk)
                  .select_related("locale"))
    shown = set()
    if others:
        shown = set(TranslationReview.objects.filter(page_id__in=[p.pk for p in others])
                    .filter(Q(status=TranslationReview.Status.REVIEWED) | Q(publish_before_review=True))
                    .values_list("page_id", flat=True))
    result = {default_language(): source}
    for page in others:
        if page.pk in shown and not page.alias_of_id:
            result[locale_code(page.locale_id)] = page
    return result


VERSION_KEY = "relais:languages:version"


def _version() -> int:
    from django.core.cache import cache

    return cache.get_or_set(VERSION_KEY, 1, None)


def forget_translations(**_kwargs) -> None:
    """A page published, unpublished, moved or deleted, or a review changed: the cached addresses go."""
    from django.core.cache import cache

    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 2, None)


def _translation_urls(source) -> dict:
    """{language code: address} of the French ``source`` and the translations readers may see; cached until a
    page or a review changes (no query on a warm page)."""
    from django.core.cache import cache

    key = f"relais:languages:urls:{source.translation_key}:{_version()}"
    urls = cache.get(key)
    if urls is None:
        urls = {code: page.url or "" for code, page in _readable_by_code(source).items()}
        cache.set(key, urls, 3600)
    return urls


@functools.lru_cache(maxsize=4096)
def _translated_path(urlconf: str, path: str, current: str, code: str) -> str:
    """Django's ``translate_url`` of a path, remembered per URL configuration and active language: resolving and
    reversing costs about 0.2 ms, once per language on every page that is not a Wagtail page."""
    return translate_url(path, code)


def alternates(request, page=None) -> list[Alternate]:
    """The same page in every language, for the header's switcher and the `hreflang` links. For a Wagtail page:
    its readable translation, or the French page under that language's prefix (French, interface translated).
    For another view: Django's translate_url of the current address."""
    current = translation.get_language() or default_language()
    result = []
    source = source_of(page) if page is not None and getattr(page, "locale_id", None) else None
    readable_urls = _translation_urls(source) if source is not None else {}
    for code, name in settings.LANGUAGES:
        translated = True
        if source is not None:
            if code in readable_urls:
                url = readable_urls[code]
            else:
                url, translated = prefixed(source.url or "", code), False
        elif request.path_info.startswith(COOKIE_LANGUAGE_PREFIXES):
            url = request.get_full_path()
        else:
            urlconf = getattr(request, "urlconf", None) or settings.ROOT_URLCONF
            url = _translated_path(urlconf, request.path_info, current, code)
        result.append(Alternate(code=code, lang=html_lang(code), name=name, url=url, rtl=is_rtl(code),
                                current=code == current, translated=translated))
    return result


def serve_page(request, path):
    """Wagtail's page view, with the languages' rules: an unreviewed translation (unless the pilot published it
    before review) and a page without a translation give the French page, with a notice in the reader's
    language (``request.content_fallback``)."""
    from wagtail import hooks
    from wagtail.models import Page

    code = translation.get_language() or default_language()
    route = Page.route_for_request(request, path)
    fallback = None
    if route is not None and not readable(route[0]):
        source = source_of(route[0])
        if source.pk == route[0].pk or not source.live:
            raise Http404
        # An alias (wagtail-localize keeps untranslated parents as aliases of the French page) is untranslated.
        fallback = UNTRANSLATED if route[0].alias_of_id else UNREVIEWED
        route = (source.specific, route[1], route[2])
    if route is None and code != default_language():
        del request._wagtail_route_for_request
        with translation.override(default_language()):
            route = Page.route_for_request(request, path)
        del request._wagtail_route_for_request
        fallback = UNTRANSLATED
    if route is None:
        raise Http404
    page, args, kwargs = route
    if fallback is None and _locale_code(page) != code:
        fallback = UNTRANSLATED  # no translation of the home page either: Wagtail routed the French tree
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    if (code == default_language() and chosen in codes() and chosen != code and request.method == "GET"
            and not args and not kwargs):
        # The reader chose another language (switcher): a French address opens its translation when readable.
        translated = readable_translation(page, chosen)
        if translated is not None and translated.url:
            response = HttpResponseRedirect(translated.url)
            patch_vary_headers(response, ("Cookie",))
            return response
    request.content_fallback = fallback
    request.content_language = _locale_code(page)
    for fn in hooks.get_hooks("before_serve_page"):
        result = fn(page, request, args, kwargs)
        if isinstance(result, HttpResponse):
            return result

    def chain(page, request, args, kwargs):
        return page.serve(request, *args, **kwargs)

    for fn in reversed(hooks.get_hooks("on_serve_page")):
        chain = fn(chain)
    return chain(page, request, args, kwargs)


def ensure_locales(**_kwargs) -> None:
    """A Wagtail locale for every configured language (after migrate): editors can translate into each at once,
    and the pilot adds another language in the admin's locales."""
    from wagtail.models import Locale

    for code in codes():
        Locale.objects.get_or_create(language_code=code)


def hidden_in(page) -> list[str]:
    """The readers' languages a guide page is not shown to (search): a translation, to every language but its
    own; a French page, to the languages it has a translation readers may see in (they get that instead)."""
    code = _locale_code(page)
    if code != default_language():
        return [other for other in codes() if other != code]
    return [other for other in _readable_by_code(page) if other != default_language()]


def readable_versions(pages) -> dict:
    """{translation_key: [page, …]}: each page of ``pages`` (French) with its readable translations, in the
    order of settings.LANGUAGES, in a constant number of queries (the sitemap's alternates)."""
    from django.db.models import Q
    from wagtail.models import Page

    from relais.models import TranslationReview

    pages = list(pages)
    keys = {page.translation_key for page in pages}
    others = list(Page.objects.live().public().filter(translation_key__in=keys)
                  .exclude(locale__language_code=default_language()).select_related("locale"))
    shown = set(TranslationReview.objects.filter(page_id__in=[p.pk for p in others])
                .filter(Q(status=TranslationReview.Status.REVIEWED) | Q(publish_before_review=True))
                .values_list("page_id", flat=True))
    order = {code: index for index, code in enumerate(codes())}
    result = {page.translation_key: [page] for page in pages}
    for page in sorted(others, key=lambda p: order.get(p.locale.language_code, len(order))):
        if page.pk in shown:
            result[page.translation_key].append(page)
    return result
