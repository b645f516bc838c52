"""Wagtail page types of the public site: the home page, plain content pages (legal pages), the guide.

The guide is a tree: GuideIndexPage (/guide/) → ThemePage → ArticlePage, plus one PathPage ("mon
parcours", by age). Partner data is never stored in pages: directory blocks hold filters and render
live directory data for the reader's territory (guide.territory).
"""

import datetime
import functools

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index
from wagtail.url_routing import RouteResult

from guide import blocks as guide_blocks
from guide.territory import reader_territory


class HomePage(Page):
    """The site's front door: the three entries and, by law (RGAA), the accessibility compliance status."""

    intro = models.CharField(_("accroche"), max_length=300, blank=True)
    body = RichTextField(_("texte"), blank=True, features=["bold", "italic", "link", "ul", "ol"])

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    max_count = 1
    parent_page_types = ["wagtailcore.Page"]

    class Meta:
        verbose_name = _("page d'accueil")

    def route(self, request, path_components):
        """The page at the end of the path in one look-up of its URL path, then its own row: Wagtail's
        ``Page.route`` reads each level's child, then that child's specific row (eight queries for an article).
        The same answer: only a live page is served, whatever its parents. A page type that routes on its own
        (none today) brings the walk back."""
        if not path_components or not _every_page_routes_by_slug():
            return super().route(request, path_components)
        path = f"{self.url_path}{'/'.join(path_components)}/"
        parent_path = path[:path.rstrip("/").rindex("/") + 1]
        found = {page.url_path: page for page in Page.objects.filter(url_path__in={path, parent_path})}
        page = found.get(path)
        if page is None or not page.live:
            raise Http404
        page = page.specific
        page._cached_parent_obj = found.get(parent_path, self)  # get_parent() without a query, as Wagtail's walk
        return RouteResult(page)

    def get_context(self, request, *args, **kwargs):
        from guide.partners import partners_near

        context = super().get_context(request, *args, **kwargs)
        territory = reader_territory(request)
        context["reader_territory"] = territory
        context["near"] = partners_near(territory=territory)
        context["guide_index"] = GuideIndexPage.objects.live().first()
        return context


class StandardPage(Page):
    """A plain content page: mentions légales, accessibilité, données personnelles…"""

    intro = models.CharField(_("chapeau"), max_length=400, blank=True)
    body = RichTextField(_("contenu"), features=["h2", "h3", "bold", "italic", "link", "ul", "ol", "document-link"])

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    parent_page_types = ["guide.HomePage"]
    subpage_types = []

    class Meta:
        verbose_name = _("page de contenu")


class GuideIndexPage(Page):
    """/guide/: the themes, the path by age, the glossary and the idea box."""

    intro = models.TextField(_("introduction"), max_length=600, blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    search_fields = Page.search_fields + [index.SearchField("intro")]
    parent_page_types = ["guide.HomePage"]
    subpage_types = ["guide.ThemePage", "guide.PathPage"]
    max_count = 1

    class Meta:
        verbose_name = _("accueil du guide")

    def get_context(self, request, *args, **kwargs):
        from relais.languages import localized_children

        context = super().get_context(request, *args, **kwargs)
        # In a translation: each theme's readable translation, or the French theme in the reader's interface.
        context["themes"] = localized_children(
            self, lambda parent: ThemePage.objects.child_of(parent).live().public().order_by("path"))
        context["path_page"] = (PathPage.objects.child_of(self).live().first()
                                or PathPage.objects.child_of(source_page(self)).live().first())
        context["reader_territory"] = reader_territory(request)
        return context


class ThemePage(Page):
    """A theme of the guide (logement, argent, santé…): a short introduction and its articles."""

    intro = models.TextField(_("introduction"), max_length=600, blank=True)
    body = StreamField(guide_blocks.ThemeBodyBlock(), blank=True, verbose_name=_("contenu"))

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]
    parent_page_types = ["guide.GuideIndexPage"]
    subpage_types = ["guide.ArticlePage"]

    class Meta:
        verbose_name = _("thème du guide")
        verbose_name_plural = _("thèmes du guide")

    def articles(self):
        return ArticlePage.objects.child_of(self).live().public().order_by("path")

    def get_context(self, request, *args, **kwargs):
        from relais.languages import localized_children

        context = super().get_context(request, *args, **kwargs)
        # In a translation: each article's readable translation, or the French article in the reader's interface.
        context["articles"] = localized_children(self, lambda parent: ArticlePage.objects.child_of(parent).live()
                                                 .public().order_by("path"))
        context["reader_territory"] = reader_territory(request)
        return context


class ArticlePage(Page):
    """One question a young person has ("Comment ouvrir un compte en banque ?"), answered simply."""

    summary = models.CharField(_("résumé en une phrase"), max_length=240,
                               help_text=_("Une seule phrase simple, qui dit ce que la page apporte."))
    age_min = models.PositiveSmallIntegerField(_("âge minimum"), default=16,
                                               validators=[MinValueValidator(10), MaxValueValidator(30)])
    age_max = models.PositiveSmallIntegerField(_("âge maximum"), default=25,
                                               validators=[MinValueValidator(10), MaxValueValidator(30)])
    updated_on = models.DateField(_("mis à jour le"), default=datetime.date.today,
                                  help_text=_("Date montrée aux lecteurs : change-la quand le contenu change."))
    body = StreamField(guide_blocks.ArticleBodyBlock(), verbose_name=_("contenu"))

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        MultiFieldPanel([FieldRowPanel([FieldPanel("age_min"), FieldPanel("age_max")]), FieldPanel("updated_on")],
                        heading=_("Pour qui, et quand")),
        FieldPanel("body"),
    ]
    search_fields = Page.search_fields + [index.SearchField("summary"), index.SearchField("body")]
    parent_page_types = ["guide.ThemePage"]
    subpage_types = []

    class Meta:
        verbose_name = _("article du guide")
        verbose_name_plural = _("articles du guide")

    def clean(self):
        super().clean()
        if self.age_min is not None and self.age_max is not None and self.age_min > self.age_max:
            raise ValidationError({"age_max": _("L'âge maximum doit être supérieur ou égal à l'âge minimum.")})

    @property
    def age_label(self) -> str:
        return _("Pour les %(min)s–%(max)s ans") % {"min": self.age_min, "max": self.age_max}

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["reader_territory"] = reader_territory(request)
        context["theme"] = self.get_parent()
        return context


class PathPage(Page):
    """"Mon parcours": what to do at each age, from before 16 to 25, with articles and partners."""

    intro = models.TextField(_("introduction"), max_length=600, blank=True)
    steps = StreamField([("step", guide_blocks.AgeStepBlock())], verbose_name=_("étapes"))

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("steps")]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("steps")]
    parent_page_types = ["guide.GuideIndexPage"]
    subpage_types = []
    max_count = 1

    class Meta:
        verbose_name = _("parcours par âge")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["reader_territory"] = reader_territory(request)
        return context


def source_page(page):
    """The French page ``page`` translates (itself when French)."""
    from relais.languages import source_of

    return source_of(page)


def _split(text: str) -> list[str]:
    return [v.strip() for v in (text or "").split(",") if v.strip()]


class GlossaryTerm(models.Model):
    """A word of the field (ASE, CJM, FJT…) explained once, and in place wherever an article uses it."""

    term = models.CharField(_("mot ou sigle"), max_length=60, unique=True)
    expansion = models.CharField(_("en toutes lettres"), max_length=160, blank=True,
                                 help_text=_("Pour un sigle : ce que les lettres veulent dire."))
    definition = models.TextField(_("explication"), max_length=800, blank=True, help_text=_(
        "Deux ou trois phrases simples, en tutoyant. Sans explication, le mot n'est montré ni dans le glossaire "
        "ni dans les articles : il sert seulement à la recherche."))
    variants = models.CharField(_("autres écritures"), max_length=300, blank=True, help_text=_(
        "Séparées par des virgules, ex. : contrat jeune majeur, contrats jeunes majeurs"))
    search_terms = models.CharField(_("autres mots pour la recherche"), max_length=300, blank=True, help_text=_(
        "Séparés par des virgules : d'autres façons de dire la même chose, que la recherche comprend sans les "
        "montrer dans les articles, ex. : sécu, assurance maladie"))
    slug = models.SlugField(_("identifiant"), max_length=80, unique=True)

    panels = [FieldPanel("term"), FieldPanel("expansion"), FieldPanel("definition"), FieldPanel("variants"),
              FieldPanel("search_terms"), FieldPanel("slug")]

    class Meta:
        verbose_name = _("mot du glossaire")
        verbose_name_plural = _("glossaire")
        ordering = ["term"]

    def __str__(self):
        return self.term

    def spellings(self) -> list[str]:
        return [self.term] + _split(self.variants)

    def search_words(self) -> list[str]:
        return _split(self.search_terms)


class Feedback(models.Model):
    """What young people tell us: "cette page t'a aidé ?" answers and ideas. Moderated in the admin."""

    class Kind(models.TextChoices):
        PAGE = "page", _("Avis sur une page")
        IDEA = "idee", _("Idée ou manque signalé")

    class Status(models.TextChoices):
        NEW = "nouveau", _("À lire")
        KEPT = "retenu", _("Retenu")
        DONE = "traite", _("Traité")
        REJECTED = "rejete", _("Rejeté (hors sujet, abusif)")

    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices)
    page = models.ForeignKey("wagtailcore.Page", verbose_name=_("page"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    helpful = models.BooleanField(_("page utile"), null=True, blank=True)
    comment = models.TextField(_("message"), max_length=1000, blank=True)
    contact = models.CharField(_("contact (facultatif)"), max_length=200, blank=True,
                               help_text=_("Effacé automatiquement après le délai de conservation."))
    status = models.CharField(_("statut"), max_length=10, choices=Status.choices, default=Status.NEW)
    moderation_note = models.TextField(_("note de modération"), blank=True)
    created_at = models.DateTimeField(_("reçu le"), default=timezone.now, db_index=True)

    panels = [
        FieldPanel("kind", read_only=True),
        FieldPanel("page", read_only=True),
        FieldPanel("helpful", read_only=True),
        FieldPanel("comment", read_only=True),
        FieldPanel("contact", read_only=True),
        FieldPanel("created_at", read_only=True),
        FieldPanel("status"),
        FieldPanel("moderation_note"),
    ]

    class Meta:
        verbose_name = _("retour d'un jeune")
        verbose_name_plural = _("retours des jeunes")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["page", "helpful"])]

    def __str__(self):
        if self.kind == self.Kind.IDEA:
            return _("Idée du %(date)s") % {"date": timezone.localtime(self.created_at).strftime("%d/%m/%Y")}
        answer = {True: _("oui"), False: _("non"), None: "?"}[self.helpful]
        return _("Avis « %(answer)s » du %(date)s") % {
            "answer": answer, "date": timezone.localtime(self.created_at).strftime("%d/%m/%Y")}


class GuideDocument(models.Model):
    """The whole-guide PDF of one key (theme or whole guide, reader's territory), built once by a background task
    into storage and served from there until the guide or the directory changes (``version``).

    The row is also the lock: a request claims ``building_version`` with a conditional UPDATE before queuing a
    build, so one key never has two builds of the same version queued at once."""

    key = models.CharField(max_length=120, unique=True)
    theme_slug = models.CharField(max_length=255, blank=True)
    territory_code = models.CharField(max_length=20, blank=True)
    file = models.FileField(upload_to="generated/guide/", blank=True)
    version = models.CharField(max_length=255, blank=True, help_text="Source version the file was built from.")
    built_at = models.DateTimeField(null=True, blank=True)
    building_version = models.CharField(max_length=255, blank=True)
    build_requested_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("guide imprimable (PDF)")
        verbose_name_plural = _("guides imprimables (PDF)")

    def __str__(self):
        return self.key


@functools.cache
def _every_page_routes_by_slug() -> bool:
    """Whether every page type routes as Wagtail's Page does, to a child by its slug (HomePage's shortcut gives
    the same answer only then)."""
    from wagtail.models import get_page_models

    return all(model.route in (Page.route, HomePage.route) for model in get_page_models())
