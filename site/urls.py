"""URL map: each app owns its URLs; Wagtail serves the page tree (home, guide, legal pages) last."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap as sitemap_xml
from wagtail.documents import urls as wagtaildocs_urls

from directory.sitemaps import OrganisationSitemap
from relais import languages, login_protection, media, sitemaps, views
from relais.admin_access import protect_admin_urls

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("plan-du-site/", views.sitemap, name="sitemap"),
    # For crawlers (relais.sitemaps): guide and legal pages, then the published organisations.
    path("robots.txt", sitemaps.robots_txt, name="robots"),
    path("sitemap.xml", sitemap_xml, {"sitemaps": {"pages": sitemaps.PageSitemap, "annuaire": OrganisationSitemap}},
         name="sitemap-xml"),
    # Throttled (relais.login_protection); the same name and path as Wagtail's, matched first.
    path("admin/password_reset/", login_protection.ThrottledPasswordResetView.as_view(),
         name="wagtailadmin_password_reset"),
    # Every admin view goes through relais.admin_access (who may reach which part of the admin).
    path("admin/", include(protect_admin_urls(wagtailadmin_urls.urlpatterns))),
    path("documents/", include(wagtaildocs_urls)),
    path("espace-pro/", include(("relais.pro_urls", "relais"), namespace="relais")),
    path("annuaire/", include("directory.urls")),
    path("instances/", include("meetings.urls")),
    path("indicateurs/", include("meetings.indicators.urls")),
    # The header's language switcher (relais.languages): remembers the reader's choice, then goes to the page.
    path("langue/", languages.switch_language, name="switch-language"),
]

# The reader's pages, in French unprefixed and in every other language under its prefix (/en/, /ar/…).
urlpatterns += i18n_patterns(
    path("", include("search.urls")),
    path("", include("guide.urls")),
    prefix_default_language=False,
)

# Browsers' Content-Security-Policy violation reports (docs/csp.md).
from relais.csp import csp_report  # noqa: E402 - apart from the app URLs above

urlpatterns += [path("csp-report/", csp_report, name="csp-report")]

# Image files of the library, after their privacy check, always; other uploaded media only in the embedded
# mode (or RELAIS_SERVE_MEDIA=1): production's proxy serves those (README, "Deploying"). Documents are served
# by Wagtail's /documents/ view, which checks their privacy (relais.media).
urlpatterns += [path(settings.MEDIA_URL.strip("/") + "/<path:path>", media.serve_media, name="media")]

# Wagtail's pages last, through relais.languages.serve_page (reviewed translations, French fallback).
urlpatterns += i18n_patterns(
    *[pattern for pattern in wagtail_urls.urlpatterns if getattr(pattern, "name", None) != "wagtail_serve"],
    re_path(r"^((?:[\w\-]+/)*)$", languages.serve_page, name="wagtail_serve"),
    prefix_default_language=False,
)

handler400 = "relais.views.bad_request"
handler403 = "relais.views.permission_denied"
handler404 = "relais.views.page_not_found"
handler500 = "relais.views.server_error"
