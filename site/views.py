import json
import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from meetings.indicators.access import can_see_dashboard
from relais.permissions import can, is_professional, roles_of
from relais.roles import ROLE_LABELS

logger = logging.getLogger(__name__)
csp_logger = logging.getLogger("relais.csp")


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


CSP_REPORT_MAX_BYTES = 16 * 1024
CSP_REPORT_LIMIT = 30  # reports a minute from one client address
# report-uri's dashed keys → the Reporting API's names for the same field.
CSP_REPORT_FIELDS = {"document-uri": "documentURL", "violated-directive": "violatedDirective",
                     "effective-directive": "effectiveDirective", "blocked-uri": "blockedURL",
                     "source-file": "sourceFile", "line-number": "lineNumber", "script-sample": "sample",
                     "disposition": "disposition"}


@csrf_exempt
@require_POST
def csp_report(request):
    """Logs the Content-Security-Policy violations that browsers report (the policy's report-uri).

    Accepts both report formats: ``{"csp-report": {...}}`` (report-uri) and a list of
    ``{"type": "csp-violation", "body": {...}}`` (Reporting API). At most CSP_REPORT_LIMIT reports a minute per
    client address are logged; oversized or unreadable bodies are dropped; the answer is always 204, nothing
    is stored.
    """
    if not _csp_report_allowed(request):
        return HttpResponse(status=204)
    body = request.read(CSP_REPORT_MAX_BYTES + 1)
    if len(body) > CSP_REPORT_MAX_BYTES:
        return HttpResponse(status=204)
    try:
        data = json.loads(body)
    except ValueError:
        return HttpResponse(status=204)
    reports = []
    if isinstance(data, dict) and isinstance(data.get("csp-report"), dict):
        reports = [data["csp-report"]]
    elif isinstance(data, list):
        reports = [item["body"] for item in data[:20] if isinstance(item, dict)
                   and item.get("type") == "csp-violation" and isinstance(item.get("body"), dict)]
    for report in reports:
        fields = {key: report.get(key, report.get(other)) for key, other in CSP_REPORT_FIELDS.items()}
        csp_logger.warning("CSP violation: %s", " ".join(f"{k}={str(v)[:200]!r}" for k, v in fields.items()
                                                         if v not in (None, "")))
    return HttpResponse(status=204)


def _csp_report_allowed(request) -> bool:
    """The shared rate limiter (relais.ratelimit, per client address); a page with many violations sends many
    reports, and nobody may fill the logs."""
    try:
        from relais.ratelimit import hit
    except ImportError:  # relais.ratelimit comes with the branch that brings relais.client; until it is merged
        return True
    return hit(request, "csp-report", CSP_REPORT_LIMIT, 60)


MEDIA_PRIVATE_PREFIXES = ("documents/",)
MEDIA_CSP = "default-src 'none'; style-src 'unsafe-inline'; sandbox"


def serve_media(request, path):
    """Uploaded media in the embedded mode (or with RELAIS_SERVE_MEDIA=1): image files and renditions.

    Original documents are never served from here: Wagtail's document view (/documents/<id>/<name>) serves
    them after checking the collection's privacy.
    """
    import posixpath

    from django.views.static import serve

    if posixpath.normpath(path).lstrip("/").startswith(MEDIA_PRIVATE_PREFIXES):
        raise Http404
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    # An uploaded SVG opened on its own must not run scripts on this origin (the proxy sends the same header).
    response["Content-Security-Policy"] = MEDIA_CSP
    return response
