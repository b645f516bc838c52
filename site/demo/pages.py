"""Demo pages of the site shell: the home page and the legal pages (data/pages.toml).

Idempotent: each page is looked up by a stable key and created only when missing, so running ``load_demo``
twice changes nothing.
"""

from django.conf import settings
from wagtail.models import Page, Site

from relais.demo import read


def load_site_pages(log) -> Page:
    """The HomePage as the default site's root, replacing Wagtail's welcome page, plus legal pages."""
    from guide.models import HomePage, StandardPage

    data = read("pages.toml")
    home = HomePage.objects.first()
    if home is None:
        root = Page.get_first_root_node() or _recreate_tree_root()
        home = HomePage(title=data["home"]["title"], slug=data["home"]["slug"], intro=data["home"]["intro"])
        root.add_child(instance=home)
        home.save_revision().publish()
        site = Site.objects.filter(is_default_site=True).first()
        welcome = site.root_page if site else None
        if site is None:
            Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True,
                                site_name="Relais")
        else:
            site.root_page = home
            site.site_name = "Relais"
            site.save()
        if welcome is not None and welcome.specific_class is Page and welcome.id != home.id:
            welcome.delete()
        log("Page d'accueil créée.")
    for spec in data["legal"]:
        if not StandardPage.objects.filter(slug=spec["slug"]).exists():
            page = StandardPage(title=spec["title"], slug=spec["slug"], intro=spec["intro"],
                                body=spec["body"].replace("{status}", settings.RELAIS_RGAA_STATUS))
            home.add_child(instance=page)
            page.save_revision().publish()
            log(f"Page « {spec['title']} » créée.")
    return home


def _recreate_tree_root() -> Page:
    """Wagtail's migrations create the tree's root; a flushed database (transactional tests) has none."""
    from wagtail.models import Locale

    locale, _ = Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
    return Page.add_root(instance=Page(title="Root", slug="root", locale=locale, live=True))
