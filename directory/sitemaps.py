"""The directory's part of /sitemap.xml: the page of every published organisation (what anyone may open)."""

from directory.models import Organisation
from relais.sitemaps import PublicAddressSitemap


class OrganisationSitemap(PublicAddressSitemap):
    changefreq = "monthly"

    def items(self):
        return Organisation.objects.published().order_by("slug").only("slug", "updated_at")

    def lastmod(self, organisation):
        return organisation.updated_at
