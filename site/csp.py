"""The Content-Security-Policy of every response (django-csp): the middleware with the Wagtail admin's
exception, the admin widgets started without inline scripts, the violation report view. See docs/csp.md.

The policy itself is ``CONTENT_SECURITY_POLICY`` in settings. The middleware replaces some of its directives
for the URL prefixes of ``PATH_EXCEPTIONS``, each for the reason written next to it.
"""

import json
import logging

from csp.constants import REPORT_SAMPLE, SELF, UNSAFE_INLINE
from csp.middleware import CSPMiddleware, PolicyParts
from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

logger = logging.getLogger("relais.csp")

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


# --- Violation reports ------------------------------------------------------------------------------
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
        logger.warning("CSP violation: %s", " ".join(f"{k}={str(v)[:200]!r}" for k, v in fields.items()
                                                         if v not in (None, "")))
    return HttpResponse(status=204)


def _csp_report_allowed(request) -> bool:
    """The shared rate limiter (relais.ratelimit, per client address); a page with many violations sends many
    reports, and nobody may fill the logs."""
    from relais.ratelimit import hit

    return hit(request, "csp-report", CSP_REPORT_LIMIT, 60)


# --- Wagtail admin without inline scripts -----------------------------------------------------------------
def install_admin_markers():
    """Wagtail 8.0 starts its date/time pickers, inline panels and choosers with inline <script> elements, which
    the policy blocks. Render them with a hidden ``<span data-relais-init="…" data-config="…">`` instead, which
    the static relais/js/admin-init.js starts (added to every admin page here). Called from RelaisConfig.ready.
    """
    from django.templatetags.static import static
    from django.utils.html import format_html
    from wagtail import hooks
    from wagtail.admin.panels import InlinePanel
    from wagtail.admin.widgets import AdminDateInput, AdminDateTimeInput, AdminTimeInput, BaseChooser

    AdminDateInput.template_name = "relais/admin/date_input.html"
    AdminTimeInput.template_name = "relais/admin/time_input.html"
    AdminDateTimeInput.template_name = "relais/admin/datetime_input.html"
    InlinePanel.BoundPanel.template_name = "relais/admin/inline_panel.html"  # extends Wagtail's, js_init block

    original_render = BaseChooser.render
    if getattr(original_render, "relais_marker", False):
        return

    def render(self, name, value, attrs=None, renderer=None):
        """BaseChooser.render without ``<script>new XChooser(id, options)</script>``: the same data as a marker."""
        if type(self).render_js_init is not BaseChooser.render_js_init or not (attrs or {}).get("id"):
            return original_render(self, name, value, attrs=attrs, renderer=renderer)  # e.g. the task chooser
        id_ = attrs["id"]
        value_data = self.get_value_data(value)
        return format_html(
            '{}<span hidden data-relais-init="chooser" data-constructor="{}" data-for="{}" data-config="{}"></span>',
            self.render_html(name, value_data, attrs), self.js_constructor, id_,
            json.dumps(self.get_js_init_options(id_, name, value_data)))

    render.relais_marker = True
    BaseChooser.render = render

    @hooks.register("insert_global_admin_js")
    def admin_init_script():
        return format_html('<script src="{}"></script>', static("relais/js/admin-init.js"))
