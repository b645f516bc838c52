"""Public pages kept for a minute for readers who are not signed in.

The same search asked again within the minute (young people repeat "logement", "115", "mission locale") is
served as it was rendered, without searching or rendering again. A kept page is keyed by its URL, the reader's
language, the minute (an opening status, "ouvert jusqu'à 17 h", is right to the minute) and a ``state`` the view
names (for search: the index's version, bumped in the transaction of every write, so a change to the directory
or the guide shows at once). Nothing a signed-in user sees is kept or served from here: only requests carrying
no session and no pending message, which is what a professional's request always carries.
"""

from __future__ import annotations

import functools
import hashlib
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.translation import get_language

SECONDS = 60


def _keepable(request) -> bool:
    user = getattr(request, "user", None)
    return (request.method == "GET" and not (user is not None and user.is_authenticated)
            and settings.SESSION_COOKIE_NAME not in request.COOKIES and "messages" not in request.COOKIES)


def _same_for_everyone(request, response) -> bool:
    """A whole answer of 200 that sets no cookie and holds nothing of this request's own: no CSRF token (its
    cookie would be another reader's) and no Content-Security-Policy nonce (the next header's would differ)."""
    return (response.status_code == 200 and not response.streaming and not response.cookies
            and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE") and getattr(request, "_csp_nonce", None) is None)


def _key(name: str, request, state) -> str:
    minute = int(time.time() // 60)
    described = repr((get_language(), request.get_full_path(), state))
    return f"page:{name}:{minute}:" + hashlib.blake2b(described.encode(), digest_size=16).hexdigest()


def kept_for_a_minute(state: Callable[[], object]):
    """Decorator for a public GET view whose page depends only on its URL, the reader's language, the minute and
    ``state()``. Its answers that are the same for everyone (``_same_for_everyone``) are kept ``SECONDS``."""

    def decorate(view):
        name = f"{view.__module__}.{view.__qualname__}"

        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if not _keepable(request):
                return view(request, *args, **kwargs)
            key = _key(name, request, state())
            kept = cache.get(key)
            if kept is not None:
                content, content_type = kept
                return HttpResponse(content, content_type=content_type)
            response = view(request, *args, **kwargs)
            if _same_for_everyone(request, response):
                cache.set(key, (response.content, response["Content-Type"]), SECONDS)
            return response

        return wrapped

    return decorate
