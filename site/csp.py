"""The Content-Security-Policy of every response (django-csp), with the Wagtail admin's one exception.

The policy itself is ``CONTENT_SECURITY_POLICY`` in settings. This middleware replaces some of its directives
for the URL prefixes of ``PATH_EXCEPTIONS``, each for the reason written next to it (README,
"Content-Security-Policy").
"""

from csp.constants import REPORT_SAMPLE, SELF, UNSAFE_INLINE
from csp.middleware import CSPMiddleware, PolicyParts

PATH_EXCEPTIONS: dict[str, dict[str, list[str]]] = {
    "/admin/": {
        # Draftail (Wagtail's rich text editor) writes <style> elements for nested lists from React, which
        # cannot carry a nonce; Wagtail's own templates still have a few style="" attributes. Styles only:
        # scripts stay 'self' + nonce in the admin too.
        "style-src": [SELF, UNSAFE_INLINE, REPORT_SAMPLE],
        # The page editor's live preview shows /admin/…/preview/ in a same-origin iframe.
        "frame-ancestors": [SELF],
    },
}


class RelaisCSPMiddleware(CSPMiddleware):
    """django-csp's middleware; a response under a ``PATH_EXCEPTIONS`` prefix gets that prefix's directives."""

    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only=report_only)
        for prefix, directives in PATH_EXCEPTIONS.items():
            if request.path_info.startswith(prefix):
                parts.replace = {**(parts.replace or {}), **directives}
        return parts


def _origin(url: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower() if parts.scheme and parts.netloc else ""


def media_source_allowed(url: str) -> bool:
    """Whether the policy's media-src lets the browser play this URL in place: a path on this site, this site's
    own address (RELAIS_BASE_URL), or a host of RELAIS_CSP_MEDIA_HOSTS. Anything else would be blocked, so
    templates show a link instead of a player."""
    from django.conf import settings

    origin = _origin(url)
    if not origin:
        return not url.startswith("//")
    allowed = {_origin(settings.WAGTAILADMIN_BASE_URL),
               *(_origin(host) or host.lower() for host in settings.RELAIS_CSP_MEDIA_HOSTS)}
    return origin in allowed
