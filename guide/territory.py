"""The reader's territory ("mon territoire"): chosen once, kept in a cookie on their phone, no account.

Only a territory code is stored (e.g. "62041" for a commune, "62-ARR" for a territoire): nothing personal,
nothing kept on the server. It is read at most once per request.
"""

import re

from django.db.models import Q

COOKIE_NAME = "relais_territoire"
COOKIE_MAX_AGE = 365 * 24 * 3600
_CODE_RE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z_-]{0,19}$")


def _territory_model():
    from directory.models import Territory

    return Territory


def territory_by_code(code: str):
    if not code or not _CODE_RE.match(code):
        return None
    return _territory_model().objects.select_related("parent").filter(code=code).first()


def reader_territory(request):
    """The territory picked by this reader, or None (then pages show the whole département)."""
    if request is None:
        return None
    if not hasattr(request, "_relais_territory"):
        request._relais_territory = territory_by_code(request.COOKIES.get(COOKIE_NAME, ""))
    return request._relais_territory


def remember_territory(response, territory) -> None:
    response.set_cookie(COOKIE_NAME, territory.code, max_age=COOKIE_MAX_AGE, samesite="Lax", httponly=True,
                        secure=False)


def forget_territory(response) -> None:
    response.delete_cookie(COOKIE_NAME, samesite="Lax")


def find_territories(query: str, *, limit: int = 10) -> list:
    """Communes and territoires whose name (or INSEE code, or postcode-like prefix) matches ``query``."""
    Territory = _territory_model()
    query = (query or "").strip()
    if len(query) < 2 or len(query) > 80 or "\x00" in query:  # PostgreSQL refuses NUL in a text literal
        return []
    kinds = [Territory.Kind.COMMUNE, Territory.Kind.TERRITOIRE]
    exact = Q(name__iexact=query) | Q(code__iexact=query)
    qs = Territory.objects.filter(kind__in=kinds).filter(exact | Q(name__istartswith=query) | Q(name__icontains=query))
    qs = qs.select_related("parent").order_by("name")[: limit * 3]
    lowered = query.casefold()

    def rank(t):
        name = t.name.casefold()
        return (0 if name == lowered or t.code.casefold() == lowered else 1 if name.startswith(lowered) else 2,
                0 if t.kind == Territory.Kind.TERRITOIRE else 1, t.name)

    return sorted(qs, key=rank)[:limit]


def territory_label(territory) -> str:
    if territory is None:
        return ""
    parent = getattr(territory, "parent", None)
    if parent is not None and territory.kind == "commune":
        return f"{territory.name} ({parent.name})"
    return territory.name
