from django.conf import settings
from django.utils import translation

from relais import languages
from relais.permissions import is_professional


def relais(request):
    """What the site shell needs on every page: the header's professional entries, the RGAA status, and the
    map tiles' URL (its host is the only outside one that the Content-Security-Policy lets images come from)."""
    user = getattr(request, "user", None)
    code = translation.get_language() or settings.LANGUAGE_CODE
    # <html lang dir> says the interface's language: the reader's, or French while its catalogue is empty
    # (relais.languages.interface_language). The page's own content may be in another: a French page standing
    # in for a translation ("untranslated"/"unreviewed"), or a page translated into a language whose interface
    # is not: then the content says its language.
    interface = languages.interface_language(code)
    fallback = getattr(request, "content_fallback", None)
    content = settings.LANGUAGE_CODE if fallback else getattr(request, "content_language", interface)
    return {
        "lang_code": code,
        "html_lang": languages.html_lang(interface),
        "text_dir": "rtl" if languages.is_rtl(interface) else "ltr",
        "lang_prefix": "" if code == settings.LANGUAGE_CODE else f"/{code}",
        "content_fallback": fallback,
        "content_lang": languages.html_lang(content) if content != interface else "",
        "content_dir": "rtl" if languages.is_rtl(content) else "ltr",
        "is_professional": bool(user and is_professional(user)),
        "rgaa_status": settings.RELAIS_RGAA_STATUS,
        "departement_name": settings.RELAIS_DEPARTEMENT_NAME,
        "map_tiles_url": settings.RELAIS_MAP_TILES_URL,
    }
