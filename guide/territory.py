"""The reader's territory ("mon territoire"): chosen once, kept in a cookie on their phone, no account.

Only a territory code is stored (e.g. "62041" for a commune, "62-ARR" for a territoire): nothing personal,
nothing kept on the server. It is read at most once per request. Finding and naming territories is the
directory's (``directory.territories``).
"""

from directory import territories

COOKIE_NAME = "relais_territoire"
COOKIE_MAX_AGE = 365 * 24 * 3600


def reader_territory(request):
    """The territory picked by this reader, or None (then pages show the whole département)."""
    if request is None:
        return None
    if not hasattr(request, "_relais_territory"):
        request._relais_territory = territories.by_code(request.COOKIES.get(COOKIE_NAME, ""))
    return request._relais_territory


def remember_territory(response, territory) -> None:
    response.set_cookie(COOKIE_NAME, territory.code, max_age=COOKIE_MAX_AGE, samesite="Lax", httponly=True,
                        secure=False)


def forget_territory(response) -> None:
    response.delete_cookie(COOKIE_NAME, samesite="Lax")
