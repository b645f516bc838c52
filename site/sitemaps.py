"""What the site tells crawlers: /robots.txt and /sitemap.xml (Django's sitemaps framework).

Every address in the sitemap is the public one of ``RELAIS_BASE_URL`` (relais.links), never the request's
host nor a Wagtail Site record's: behind a proxy those may be internal names.
"""

from urllib.parse import urlsplit

from django.contrib.sitemaps import Sitemap
from django.http import HttpResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from wagtail.contrib.sitemaps import Sitemap as WagtailSitemap

from relais.links import absolute_url, base_url


class PublicAddressSitemap(Sitemap):
    """A sitemap whose locations start with the site's public address."""

    @property
    def protocol(self):
        return urlsplit(base_url()).scheme

    def get_domain(self, site=None):
        return urlsplit(base_url()).netloc


class PageSitemap(WagtailSitemap):
    """The page tree (home, guide, legal pages): live pages nobody restricted (Wagtail's ``public()``), each
    French page followed by its translations readers may see (relais.languages), every one of them with its
    `hreflang` alternates."""

    def items(self):
        from relais import languages

        groups = languages.readable_versions(super().items())
        return [page for versions in groups.values() for page in versions]

    def _urls(self, page, protocol, domain):
        from relais import languages

        objects = list(self.paginator.page(page).object_list)
        groups = {}
        for obj in objects:
            groups.setdefault(obj.translation_key, []).append(obj)
        urls, last_mods = [], set()
        for obj in objects:
            for url_info in obj.get_sitemap_urls(self.request):
                url_info["location"] = absolute_url(urlsplit(url_info["location"]).path)
                versions = groups[obj.translation_key]
                if len(versions) > 1:
                    url_info["alternates"] = [
                        {"lang_code": languages.html_lang(v.locale.language_code),
                         "location": absolute_url(urlsplit(v.get_url(self.request) or "").path)} for v in versions]
                urls.append(url_info)
                last_mods.add(url_info.get("lastmod"))
        if last_mods and None not in last_mods:
            self.latest_lastmod = max(last_mods)
        return urls


# Private or endless areas: the professional space, the admin, the API, search results, the costly PDF.
ROBOTS_DISALLOW = ("/admin/", "/espace-pro/", "/instances/", "/indicateurs/", "/api/", "/recherche/",
                   "/guide/imprimer/pdf/", "/csp-report/")


@require_GET
@cache_control(max_age=86400, public=True)
def robots_txt(request):
    lines = ["User-agent: *", "Allow: /", *(f"Disallow: {path}" for path in ROBOTS_DISALLOW), "",
             f"Sitemap: {absolute_url('/sitemap.xml')}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
