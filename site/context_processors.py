from django.conf import settings
from django.utils import translation

from relais import languages
from relais.permissions import is_professional


def relais(request):
    """What the site shell needs on every page: the header's professional entries, the RGAA status, and the
    map tiles' URL (its host is the only outside one that the Content-Security-Policy lets images come from)."""
    user = getattr(request, "user", None)
    code = translation.get_language() or settings.LANGUAGE_CODE
    return {
        # The reader's language (relais.languages): <html lang dir>, the prefix of the localized links, and why a
        # French page stands in for a translation ("untranslated" or "unreviewed"; None otherwise).
        "lang_code": code,
        "html_lang": languages.html_lang(code),
        "text_dir": "rtl" if languages.is_rtl(code) else "ltr",
        "lang_prefix": "" if code == settings.LANGUAGE_CODE else f"/{code}",
        "content_fallback": getattr(request, "content_fallback", None),
        "is_professional": bool(user and is_professional(user)),
        "rgaa_status": settings.RELAIS_RGAA_STATUS,
        "departement_name": settings.RELAIS_DEPARTEMENT_NAME,
        "map_tiles_url": settings.RELAIS_MAP_TILES_URL,
    }
