from django.conf import settings

from relais.permissions import is_professional


def relais(request):
    """What the site shell needs on every page: the header's professional entries, the RGAA status, and the
    map tiles' URL (its host is the only outside one that the Content-Security-Policy lets images come from)."""
    user = getattr(request, "user", None)
    return {
        "is_professional": bool(user and is_professional(user)),
        "rgaa_status": settings.RELAIS_RGAA_STATUS,
        "departement_name": settings.RELAIS_DEPARTEMENT_NAME,
        "map_tiles_url": settings.RELAIS_MAP_TILES_URL,
    }
