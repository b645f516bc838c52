"""A small per-address rate limit kept in the cache (shared by every app server when Redis is configured)."""

from django.conf import settings
from django.core.cache import cache

FEEDBACK_PER_HOUR = 10


def client_address(request) -> str:
    """The reader's address; behind N trusted proxies, the N-th address from the right of X-Forwarded-For."""
    proxies = getattr(settings, "AXES_IPWARE_PROXY_COUNT", 0) or 0
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
    if proxies and len(forwarded) >= proxies:
        return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def hit(request, bucket: str, *, limit: int = FEEDBACK_PER_HOUR, window: int = 3600) -> bool:
    """Count one action; False once this address went over ``limit`` actions in ``window`` seconds."""
    key = f"guide:rate:{bucket}:{client_address(request)}"
    cache.add(key, 0, window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window)
        count = 1
    return count <= limit
