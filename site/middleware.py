"""Request and response guards: private responses (never kept by a browser's or a proxy's cache, nor by the
guide's service worker), and query-string values that Wagtail's admin views use without checking them first.

Wagtail redirects to ``?next=`` after login (``redirect("nan")`` tries to reverse a view name and fails with
a 500) and reverses ``?parent_page_id=`` into a chooser URL. Before the admin sees them, a ``next`` that is
not a local path and a ``parent_page_id`` that is not an id are dropped, as if they had not been sent.
"""

from __future__ import annotations

from django.utils.cache import patch_cache_control

from relais.filters import object_id

# The professional side of the site: its answers are never stored, whoever asks.
PRIVATE_PREFIXES = ("/admin/", "/espace-pro/", "/instances/", "/indicateurs/")


class PrivateResponses:
    """``Cache-Control: private, no-store`` on every answer to a signed-in user and on every professional path.

    A signed-in professional sees contacts reserved to professionals on public pages too (``/annuaire/…``):
    nothing they are shown may stay in a cache on the phone, and the guide's service worker keeps no answer
    marked so (guide/offline.py)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if request.path.startswith(PRIVATE_PREFIXES) or (user is not None and user.is_authenticated):
            patch_cache_control(response, private=True, no_store=True)
        return response


def _local_path(value: str) -> bool:
    return value.startswith("/") and not value.startswith("//") and "\\" not in value and "\x00" not in value


CHECKS = {"next": _local_path, "parent_page_id": lambda value: object_id(value) is not None}


class AdminQueryGuard:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/admin/") and any(name in request.GET for name in CHECKS):
            query = request.GET.copy()
            for name, check in CHECKS.items():
                if name in query and not all(check(value) for value in query.getlist(name)):
                    del query[name]
            query._mutable = False
            request.GET = query
        return self.get_response(request)
