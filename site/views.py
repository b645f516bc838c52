import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from meetings.indicators.access import can_see_dashboard
from relais.permissions import can, is_professional, roles_of
from relais.roles import ROLE_LABELS

logger = logging.getLogger(__name__)


def _database_state() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return "ok"
    except Exception:  # any driver error means the same thing to a load balancer
        logger.exception("healthz: database unreachable")
        return "down"


def _channel_layer_state() -> str:
    layer = get_channel_layer()
    if layer is None:
        return "absent"
    try:
        async def roundtrip():
            channel = await layer.new_channel("healthz.")
            await layer.send(channel, {"type": "healthz.ping"})
            await layer.receive(channel)

        async_to_sync(roundtrip)()
        return "ok"
    except Exception:
        logger.exception("healthz: channel layer unreachable")
        return "down"


@never_cache
@require_GET
def healthz(request):
    """State of each dependency; 200 while the database answers (search and websockets can degrade)."""
    from search.health import search_state

    database = _database_state()
    body = {
        "database": database,
        "channel_layer": _channel_layer_state(),
        "search": search_state(),
    }
    body["status"] = "ok" if all(v == "ok" for v in body.values()) else ("degraded" if database == "ok" else "down")
    return JsonResponse(body, status=200 if database == "ok" else 503)


@login_required
def pro_home(request):
    if not is_professional(request.user):
        raise PermissionDenied
    user = request.user
    context = {
        "roles": [ROLE_LABELS[name] for name in roles_of(user)],
        "can_admin": can(user, "wagtailadmin.access_admin"),
        "can_indicators": can_see_dashboard(user),
        "can_export_directory": can(user, "directory.export_directory"),
    }
    return render(request, "relais/pro_home.html", context)


def permission_denied(request, exception=None):
    """Every PermissionDenied of the site ends here: logged (relais.access), then the French 403 page."""
    from relais.admin_access import log_refusal

    log_refusal(request, "403")
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # No context processors that might fail again: the template needs nothing but static files.
    return render(request, "500.html", status=500)


def sitemap(request):
    """The RGAA's second way to find a page: every live page of the first two levels, then the apps."""
    from wagtail.models import Page, Site

    site = Site.find_for_request(request)
    pages = []
    if site is not None:
        root = site.root_page
        pages = list(Page.objects.live().public().descendant_of(root).filter(depth__lte=root.depth + 2)
                     .order_by("path").specific(defer=True))
    return render(request, "relais/sitemap.html", {"pages": pages})
