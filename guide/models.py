"""Wagtail page types of the public site: the home page, plain content pages (legal pages), the guide."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page


class HomePage(Page):
    """The site's front door: the three entries and, by law (RGAA), the accessibility compliance status."""

    intro = models.CharField(_("accroche"), max_length=300, blank=True)
    body = RichTextField(_("texte"), blank=True, features=["bold", "italic", "link", "ul", "ol"])

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    max_count = 1
    parent_page_types = ["wagtailcore.Page"]

    class Meta:
        verbose_name = _("page d'accueil")


class StandardPage(Page):
    """A plain content page: mentions légales, accessibilité, données personnelles…"""

    intro = models.CharField(_("chapeau"), max_length=400, blank=True)
    body = RichTextField(_("contenu"), features=["h2", "h3", "bold", "italic", "link", "ul", "ol", "document-link"])

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    parent_page_types = ["guide.HomePage"]
    subpage_types = []

    class Meta:
        verbose_name = _("page de contenu")
