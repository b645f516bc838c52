"""Query-string values that Wagtail's admin views use without checking them first.

Wagtail redirects to ``?next=`` after login (``redirect("nan")`` tries to reverse a view name and fails with
a 500) and reverses ``?parent_page_id=`` into a chooser URL. Before the admin sees them, a ``next`` that is
not a local path and a ``parent_page_id`` that is not an id are dropped, as if they had not been sent.
"""

from __future__ import annotations

from relais.filters import object_id


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
