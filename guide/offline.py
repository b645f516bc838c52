"""The guide in the pocket: the web app manifest, the service worker, the offline page and the list of what
"Garder hors connexion" saves (docs/guide.md, "Hors connexion").

The worker (``guide/templates/guide/sw.js``, hand-written) is served at ``/sw.js`` with its settings filled in
here: its version (a hash of its source, its settings and the precached static files), what it precaches, and
the one rule of what it may keep, ``PUBLIC_PATH`` minus ``NEVER_PATH``. Everything else (the admin, the
professional space, meetings, indicators, the APIs, forms) is never cached, and neither is a response marked
``private`` or ``no-store``: ``relais.middleware.PrivateResponses`` marks every response to a signed-in user
and every professional path so.
"""

import hashlib
import io
import json
import re
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.db.models import Max
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import formats
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from guide import emergency as emergency_numbers
from guide.territory import COOKIE_NAME as TERRITORY_COOKIE
from guide.territory import reader_territory
from relais import languages

WORKER_SOURCE = Path(__file__).resolve().parent / "templates" / "guide" / "sw.js"
CONFIG_MARK = "{} /*CONFIG*/"
THEME_COLOUR = "#083f4a"  # --accent-dark in relais.css
NETWORK_TIMEOUT_MS = 3000  # then the saved copy, if there is one
# The static files every saved page needs (text only: no image, no map library).
PRECACHED_STATIC = ("relais/css/relais.css", "guide/css/guide.css", "guide/css/emergency.css", "guide/js/pocket.js")


def _language_prefix() -> str:
    codes = "|".join(re.escape(code) for code, _name in settings.LANGUAGES)
    return f"(?:(?:{codes})/)?"  # a language prefix, if the site's URLs ever carry one


# What the worker may keep (same origin, GET, a 200 HTML page without private/no-store): a whitelist of public
# paths, then the forms and files inside them that are never kept. Python and the worker read the same regexes.
PUBLIC_PATH = rf"^/{_language_prefix()}(?:$|guide/|urgence/|annuaire/|hors-connexion/)"
NEVER_PATH = (rf"^/{_language_prefix()}(?:guide/(?:avis|idee|territoire|imprimer|hors-connexion\.json)"
              r"|annuaire/(?:export|[^/]+/(?:signaler|confirmer)/))")


def may_keep(path: str) -> bool:
    """Whether the worker may keep a page at ``path`` (the same rule as the worker's ``keepable``)."""
    return bool(re.search(PUBLIC_PATH, path)) and not re.search(NEVER_PATH, path)


def _static_bytes(name: str) -> bytes:
    path = finders.find(name)
    if path is None:  # collected files only (production)
        with staticfiles_storage.open(name) as handle:
            return handle.read()
    return Path(path).read_bytes()


@lru_cache(maxsize=8)
def _worker(language: str, static_urls: tuple) -> tuple[str, str]:
    """(source, version) of the worker for one language; computed once per process."""
    config = {
        # The reader's language (the worker is served under its prefix, /ar/sw.js): its offline page, emergency
        # page and guide home.
        "precache": [reverse("guide:offline"), reverse("guide:emergency"), languages.prefixed("/guide/", language),
                     *static_urls],
        "offline": reverse("guide:offline"),
        "public": PUBLIC_PATH,
        "never": NEVER_PATH,
        "static": settings.STATIC_URL,
        "timeout": NETWORK_TIMEOUT_MS,
        "offlineText": _("Pas de connexion. Urgence : appelle le 112, le 115 pour dormir ce soir."),
    }
    source = WORKER_SOURCE.read_text(encoding="utf-8")
    digest = hashlib.sha256(source.encode())
    digest.update(json.dumps(config, sort_keys=True).encode())
    for name in PRECACHED_STATIC:
        digest.update(_static_bytes(name))
    config["version"] = digest.hexdigest()[:12]
    return source.replace(CONFIG_MARK, json.dumps(config, ensure_ascii=False), 1), config["version"]


def worker_source() -> tuple[str, str]:
    if settings.DEBUG:
        _worker.cache_clear()  # static files change under `make run`
    return _worker(get_language() or settings.LANGUAGE_CODE, tuple(static(name) for name in PRECACHED_STATIC))


@require_GET
def service_worker(request):
    source, version = worker_source()
    response = HttpResponse(source, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"  # the browser asks again at each visit (24 h at most anyway)
    response["X-Relais-Worker-Version"] = version
    return response


@require_GET
@cache_control(no_cache=True)
def manifest(request):
    """The web app manifest: what a phone needs to install the guide on its home screen."""
    icons = [
        {"src": static("guide/icons/icon-192.png"), "sizes": "192x192", "type": "image/png", "purpose": "any"},
        {"src": static("guide/icons/icon-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "any"},
        {"src": static("guide/icons/maskable-512.png"), "sizes": "512x512", "type": "image/png",
         "purpose": "maskable"},
    ]
    interface = languages.interface_language(get_language() or settings.LANGUAGE_CODE)
    data = {
        "id": "/guide/",
        "name": "Relais – guide",
        "short_name": "Relais",
        "description": _("Des ressources pour tes 16–25 ans : le guide, les partenaires près de toi, les numéros "
                         "d'urgence, même sans connexion."),
        # the language its description is written in: the reader's, or French while that catalogue is empty
        "lang": languages.html_lang(interface),
        "dir": "rtl" if languages.is_rtl(interface) else "ltr",
        "start_url": languages.prefixed("/guide/", get_language() or settings.LANGUAGE_CODE),
        "scope": "/",
        "display": "standalone",
        "theme_color": THEME_COLOUR,
        "background_color": "#ffffff",
        "icons": icons,
    }
    return JsonResponse(data, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False})


@require_GET
def offline_page(request):
    """What a reader sees when a page they never opened cannot load: the emergency numbers (tap to call) and
    the pages kept on their phone (listed by guide/js/pocket.js from the cache)."""
    return render(request, "guide/offline.html", {"numbers": emergency_numbers.NATIONAL_NUMBERS})


# --- "Garder hors connexion" -------------------------------------------------------------------------------
def _guide_pages():
    from wagtail.models import Locale, Page

    from guide.models import GuideIndexPage

    index = GuideIndexPage.objects.live().public().first()
    if index is None:
        return Page.objects.none()
    pages = Page.objects.live().public().descendant_of(index, inclusive=True)
    if getattr(settings, "WAGTAIL_I18N_ENABLED", False):
        pages = pages.filter(locale=Locale.get_active())
    return pages.order_by("path")


def _partner_list_url(request) -> str:
    territory = reader_territory(request)
    url = reverse("directory:list")
    return f"{url}?territoire={territory.code}" if territory else url


def save_list(request) -> dict:
    """{"pages": [...], "static": [...]}: what "Garder hors connexion" saves for this reader's territory and
    language: every public guide page, the glossary, the emergency and offline pages, the partner list of
    their territory (or of the whole département), and the static files they need."""
    pages = [page.url for page in _guide_pages().specific() if page.url]
    pages += [reverse("guide:glossary"), reverse("guide:emergency"), reverse("guide:offline"),
              _partner_list_url(request)]
    return {"pages": list(dict.fromkeys(pages)), "static": [static(name) for name in PRECACHED_STATIC]}


def _rendered_size(request, url: str, *, territory: str = "") -> int:
    """The bytes of ``url`` rendered through the whole middleware as an anonymous reader (with this territory
    and language cookie only): what the worker would download."""
    from django.core.handlers.base import BaseHandler
    from django.core.handlers.wsgi import WSGIRequest

    path, _sep, query = url.partition("?")
    cookies = [f"{TERRITORY_COOKIE}={territory}"] if territory else []
    if settings.LANGUAGE_COOKIE_NAME in request.COOKIES:
        cookies.append(f"{settings.LANGUAGE_COOKIE_NAME}={request.COOKIES[settings.LANGUAGE_COOKIE_NAME]}")
    environ = {key: value for key, value in request.META.items()
               if key in ("SERVER_NAME", "SERVER_PORT", "HTTP_HOST", "REMOTE_ADDR", "HTTP_ACCEPT_LANGUAGE")}
    environ.update({"REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": query,
                    "HTTP_COOKIE": "; ".join(cookies), "wsgi.input": io.BytesIO(), "wsgi.url_scheme": request.scheme})
    handler = BaseHandler()
    handler.load_middleware()
    response = handler.get_response(WSGIRequest(environ))
    if response.status_code != 200 or getattr(response, "streaming", False):
        return 0
    return len(response.content)


def _pages_version() -> str:
    from wagtail.models import Page

    latest = _guide_pages().aggregate(at=Max("last_published_at"), latest=Max("latest_revision_created_at"))
    text = f"{Page.objects.live().count()}:{latest['at']}:{latest['latest']}"
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _weighed_area(territory):
    """The territory whose rendering stands for the reader's: a commune's parent (its territoire), so that the
    guide pages are rendered for a few areas only, never once per commune."""
    from directory.models import Territory

    if territory is not None and territory.kind == Territory.Kind.COMMUNE and territory.parent_id:
        return territory.parent
    return territory


def estimated_weight(request, lists: dict) -> int:
    """Bytes (uncompressed) of what the save downloads. The guide pages are rendered once per publication,
    language and area (the reader's territoire, or the whole département: its partner lists are longer); the
    partner list is rendered for the reader's territory; the static files are read from disk."""
    from django.core.cache import cache

    territory = reader_territory(request)
    area = _weighed_area(territory)
    partner_url = lists["pages"][-1]
    key = f"guide:offline-weight:{get_language()}:{_pages_version()}"
    pages_key = f"{key}:area:{area.code if area else '-'}"
    pages = cache.get(pages_key)
    if pages is None:
        pages = sum(_rendered_size(request, url, territory=area.code if area else "") for url in lists["pages"][:-1])
        cache.set(pages_key, pages, 24 * 3600)
    partners_key = f"{key}:{territory.code if territory else '-'}"
    partners = cache.get(partners_key)
    if partners is None:
        partners = _rendered_size(request, partner_url, territory=territory.code if territory else "")
        cache.set(partners_key, partners, 3600)
    assets = sum(len(_static_bytes(name)) for name in PRECACHED_STATIC)
    return pages + partners + assets


def weight_label(size: int) -> str:
    kilobytes = size / 1024
    if kilobytes >= 1000:
        return _("environ %(size)s Mo") % {"size": formats.number_format(kilobytes / 1024, 1)}
    return _("environ %(size)s Ko") % {"size": formats.number_format(max(10, round(kilobytes, -1)), 0)}


@require_GET
def save_list_json(request):
    """/guide/hors-connexion.json: the URLs "Garder hors connexion" saves and their weight, said before saving."""
    lists = save_list(request)
    size = estimated_weight(request, lists)
    territory = reader_territory(request)
    response = JsonResponse({
        "urls": lists["pages"] + lists["static"],
        "pages": len(lists["pages"]),
        "bytes": size,
        "label": weight_label(size),
        "territory": territory.code if territory else None,
        "language": get_language(),
    })
    response["Cache-Control"] = "private, no-cache"  # it follows the reader's territory cookie
    return response
