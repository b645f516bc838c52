"""StreamField blocks of the guide, each with its own template under guide/templates/guide/blocks/.

The directory block ("Qui peut t'aider ?") stores only filters (themes, audience, age): the partners are
read live from the directory at render time, for the reader's territory, so a page never holds a copy of
partner data that could go stale.
"""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock

from directory import vocabulary
from relais.csp import media_source_allowed


# Named by the migrations: the choices themselves are the directory's vocabulary (directory.vocabulary).
def thematique_choices():
    """data·inclusion themes: each category, then its sub-themes (a category matches its sub-themes)."""
    return vocabulary.theme_choices(qualified=True)


def public_choices():
    return vocabulary.public_choices()


class CodesBlock(blocks.MultipleChoiceBlock):
    """Vocabulary codes (data·inclusion). Stored values are already the codes: reading a page skips
    Wagtail's per-value lookup through the whole choice list (85 themes), which the admin form still does."""

    def to_python(self, value):
        return [str(code) for code in value or []]


class RichTextBlock(blocks.RichTextBlock):
    def __init__(self, **kwargs):
        kwargs.setdefault("features", ["h2", "h3", "bold", "italic", "link", "ul", "ol", "document-link"])
        super().__init__(**kwargs)

    class Meta:
        template = "guide/blocks/rich_text.html"
        label = _("Texte")
        icon = "pilcrow"


class CalloutBlock(blocks.StructBlock):
    """"À retenir": the one thing to remember, set apart."""

    title = blocks.CharBlock(label=_("titre"), default="À retenir", max_length=80)
    text = blocks.RichTextBlock(label=_("texte"), features=["bold", "italic", "link", "ul"])

    class Meta:
        template = "guide/blocks/callout.html"
        label = _("À retenir")
        icon = "warning"


class StepBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("étape"), max_length=160)
    text = blocks.RichTextBlock(label=_("détail"), features=["bold", "italic", "link", "ul"], required=False)


class StepsBlock(blocks.StructBlock):
    """Numbered steps: what to do, in order."""

    title = blocks.CharBlock(label=_("titre"), max_length=120, required=False)
    steps = blocks.ListBlock(StepBlock(), label=_("étapes"), min_num=1)

    class Meta:
        template = "guide/blocks/steps.html"
        label = _("Étapes numérotées")
        icon = "list-ol"


class ChecklistBlock(blocks.StructBlock):
    """A printable list to tick, e.g. the papers to have before 18."""

    title = blocks.CharBlock(label=_("titre"), max_length=120)
    items = blocks.ListBlock(blocks.CharBlock(max_length=200), label=_("éléments"), min_num=1)

    class Meta:
        template = "guide/blocks/checklist.html"
        label = _("Liste à cocher")
        icon = "tasks"


class FAQItemBlock(blocks.StructBlock):
    question = blocks.CharBlock(label=_("question"), max_length=200)
    answer = blocks.RichTextBlock(label=_("réponse"), features=["bold", "italic", "link", "ul"])


class FAQBlock(blocks.StructBlock):
    """Questions and answers as native disclosures (<details>): keyboard and screen-reader friendly."""

    title = blocks.CharBlock(label=_("titre"), max_length=120, default="Tes questions")
    items = blocks.ListBlock(FAQItemBlock(), label=_("questions"), min_num=1)

    class Meta:
        template = "guide/blocks/faq.html"
        label = _("Questions fréquentes")
        icon = "help"


class DocumentBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("titre du document"), max_length=160)
    document = DocumentChooserBlock(label=_("document"))
    description = blocks.CharBlock(label=_("à quoi il sert"), max_length=240, required=False)

    class Meta:
        template = "guide/blocks/document.html"
        label = _("Document à télécharger")
        icon = "doc-full"


class VideoBlock(blocks.StructBlock):
    """A video is never the only way in: its transcript is required and always on the page."""

    title = blocks.CharBlock(label=_("titre"), max_length=160)
    url = blocks.URLBlock(label=_("adresse de la vidéo"),
                          help_text=_("Fichier .mp4/.webm (lu sur la page) ou page d'une plateforme (lien)."))
    duration = blocks.CharBlock(label=_("durée"), max_length=20, required=False, help_text=_("ex. : 2 min 30"))
    transcript = blocks.RichTextBlock(label=_("transcription"), features=["bold", "italic", "ul", "link"])

    class Meta:
        template = "guide/blocks/video.html"
        label = _("Vidéo avec transcription")
        icon = "media"

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        url = (value.get("url") or "").lower().split("?")[0]
        # Played in place only from where the Content-Security-Policy's media-src allows; otherwise a link.
        context["is_file"] = url.endswith((".mp4", ".webm", ".ogv")) and media_source_allowed(value.get("url") or "")
        return context


class DirectoryBlock(blocks.StructBlock):
    """"Qui peut t'aider ?": live partners of the directory, near the reader, filtered by theme/audience/age."""

    title = blocks.CharBlock(label=_("titre"), max_length=120, default="Qui peut t'aider ?")
    thematiques = CodesBlock(choices=thematique_choices, label=_("thèmes"), required=False,
                                             widget=forms.CheckboxSelectMultiple)
    publics = CodesBlock(choices=public_choices, label=_("publics"), required=False,
                                         widget=forms.CheckboxSelectMultiple)
    age = blocks.IntegerBlock(label=_("âge du lecteur"), required=False, min_value=10, max_value=30,
                              help_text=_("Ne montrer que les services ouverts à cet âge (facultatif)."))
    limit = blocks.IntegerBlock(label=_("nombre de partenaires montrés"), default=6, min_value=1, max_value=20)

    class Meta:
        template = "guide/blocks/directory.html"
        label = _("Qui peut t'aider ? (annuaire)")
        icon = "group"

    def get_context(self, value, parent_context=None):
        from guide.partners import partners_near
        from guide.territory import reader_territory

        context = super().get_context(value, parent_context=parent_context)
        request = (parent_context or {}).get("request")
        context["near"] = partners_near(
            territory=reader_territory(request),
            thematiques=tuple(value.get("thematiques") or ()),
            publics=tuple(value.get("publics") or ()),
            age=value.get("age"),
            limit=value.get("limit") or 6,
        )
        return context


class ArticleLinkListBlock(blocks.ListBlock):
    def __init__(self, **kwargs):
        super().__init__(blocks.PageChooserBlock(page_type="guide.ArticlePage"), **kwargs)


class AgeStepBlock(blocks.StructBlock):
    """One step of "mon parcours": an age, what happens then, the articles and partners that matter."""

    age_label = blocks.CharBlock(label=_("âge"), max_length=40, help_text=_("ex. : « 17 ans », « Jusqu'à 21 ans »"))
    title = blocks.CharBlock(label=_("titre"), max_length=160)
    text = blocks.RichTextBlock(label=_("ce qui se passe"), features=["bold", "italic", "link", "ul", "ol"])
    articles = ArticleLinkListBlock(label=_("articles à lire"), required=False)
    partners = DirectoryBlock(label=_("partenaires"))

    class Meta:
        template = "guide/blocks/age_step.html"
        label = _("Étape par âge")
        icon = "date"


class ArticleBodyBlock(blocks.StreamBlock):
    text = RichTextBlock()
    callout = CalloutBlock()
    steps = StepsBlock()
    checklist = ChecklistBlock()
    faq = FAQBlock()
    document = DocumentBlock()
    video = VideoBlock()
    directory = DirectoryBlock()

    class Meta:
        block_counts = {"directory": {"min_num": 1}}


class ThemeBodyBlock(blocks.StreamBlock):
    text = RichTextBlock()
    callout = CalloutBlock()
    directory = DirectoryBlock()
