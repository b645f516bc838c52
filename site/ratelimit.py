"""The one rate limiter: a fixed window per client address and scope, counted in the cache.

The cache is Redis in production, shared by every app server, so a limit holds across the whole site.
``cache.add`` starts a window only if none is running and ``cache.incr`` is atomic on Redis: two requests
at the same moment are both counted.
"""

from django.core.cache import cache

from relais.client import client_ip


def hit(request, scope: str, limit: int, window_seconds: int) -> bool:
    """Count one action of this client in ``scope``; True while it is within ``limit`` per window, else False."""
    return hit_key(scope, client_ip(request) or "unknown", limit, window_seconds)


def hit_key(scope: str, who: str, limit: int, window_seconds: int) -> bool:
    """The same count for another subject than the client address (e.g. the account a reset e-mail goes to)."""
    key = f"relais:rate:{scope}:{who}"
    cache.add(key, 0, window_seconds)
    try:
        count = cache.incr(key)
    except ValueError:  # the window ended between add and incr: this action opens the next one
        cache.set(key, 1, window_seconds)
        count = 1
    return count <= limit
