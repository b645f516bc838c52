"""What the guide gives to public search: its live, public articles and theme pages.

A theme page lists its articles, so publishing or unpublishing an article refreshes its theme page too.
Declared to search in ``GuideConfig.ready()``.
"""

from django.utils.html import strip_tags
from django.utils.translation import gettext_noop as _
from wagtail.models import Page

from directory import vocabulary
from guide.models import ArticlePage, ThemePage
from relais import languages
from search.documents import AREA_EVERYWHERE, SearchDoc
from search.registry import DocumentType, Link
from search.vocabulary import fold

KIND_ARTICLE = "article"
INDEXED_PAGES = (ArticlePage, ThemePage)

# A guide theme page's title → the data·inclusion category its articles belong to (for the theme facet).
THEME_CATEGORIES = [
    (("logement", "heberg", "se loger"), "logement-hebergement"),
    (("sante", "soin", "mutuelle"), "sante"),
    (("emploi", "travail", "job"), "trouver-un-emploi"),
    (("formation", "etude", "ecole", "apprentissage"), "se-former"),
    (("argent", "budget", "banque", "ressource"), "difficultes-financieres"),
    (("droit", "papier", "demarche", "administrat", "justice"), "difficultes-administratives-ou-juridiques"),
    (("mobilite", "transport", "permis", "bouger"), "mobilite"),
    (("parent", "famille", "enfant"), "famille"),
    (("numerique", "internet"), "numerique"),
    (("alimentation", "manger", "equipement"), "equipement-et-alimentation"),
]


def _join(*parts) -> str:
    return " ".join(p for p in parts if p)


def stream_text(value) -> str:
    """Readable text of a StreamField (or any rich text) value."""
    if value is None:
        return ""
    try:
        rendered = value.render_as_block() if hasattr(value, "render_as_block") else str(value)
    except Exception:  # a block that cannot render outside a request still has its raw data
        rendered = str(getattr(value, "raw_data", "") or "")
    return " ".join(strip_tags(str(rendered)).split())


def theme_category(title: str) -> str:
    """The data·inclusion category of a guide theme, from its title ("Se loger" → logement-hebergement)."""
    folded = fold(title)
    for needles, code in THEME_CATEGORIES:
        if any(n in folded for n in needles):
            return code
    return ""


def page_document(page) -> SearchDoc | None:
    """A live, public guide article or theme page; anything else gives no document."""
    page = page.specific
    if not isinstance(page, INDEXED_PAGES) or not page.live or page.get_view_restrictions().exists():
        return None
    if not languages.readable(page) or page.alias_of_id:
        return None  # a translation readers may not see yet, or an untranslated copy of a French page
    if isinstance(page, ArticlePage):
        parent = page.get_parent() if page.depth > 1 else None
        theme_title = parent.title if parent is not None else ""
        summary = page.summary
        body = stream_text(page.body)
        age_min, age_max = page.age_min, page.age_max
    else:
        theme_title = page.title
        summary = page.intro
        body = _join(stream_text(page.body), " ".join(a.title for a in page.articles()))
        age_min = age_max = None
    category = theme_category(theme_title)
    code = page.locale.language_code
    if code != languages.default_language():  # "Guide · Housing · English": the result's language, said
        theme_title = f"{theme_title} · {languages.local_name(code)}" if theme_title else languages.local_name(code)
    return SearchDoc(
        key=GUIDE_PAGES.key(page.pk), kind=KIND_ARTICLE, object_id=page.pk, title=page.title, url=page.url or "",
        subtitle=f"Guide · {theme_title}" if theme_title else "Guide", summary=summary,
        themes_text=_join(theme_title, vocabulary.theme_labels().get(category, ""), page.search_description),
        body=_join(summary, body), themes=[category] if category else [], area=[AREA_EVERYWHERE],
        age_min=age_min, age_max=age_max, hidden_in=languages.hidden_in(page),
    )


def theme_links() -> list[Link]:
    """The guide's public themes, offered when a search finds nothing."""
    themes = ThemePage.objects.live().public().order_by("path").only("title", "url_path", "path", "depth")
    return [Link(title=theme.title, url=theme.url) for theme in themes]


def _public_pages():
    # public(): no view restriction (login, password, groups) on the page or any of its ancestors.
    return Page.objects.live().public().type(*INDEXED_PAGES).specific()


def _page_keys(page) -> list[str]:
    """A published or unpublished page, the guide page above it (a theme page lists its articles) and, for a
    translation, its French page (which readers of that language then get, or no longer get, in search)."""
    keys = [GUIDE_PAGES.key(page.pk)]
    parent = page.get_parent()
    if parent is not None and parent.specific_class in INDEXED_PAGES:
        keys.append(GUIDE_PAGES.key(parent.pk))
    source = languages.source_of(page)
    if source.pk != page.pk:
        keys.append(GUIDE_PAGES.key(source.pk))
    return keys


GUIDE_PAGES = DocumentType(
    kind=KIND_ARTICLE, label=_("Article du guide"), models=INDEXED_PAGES, queryset=_public_pages,
    build=page_document, keys_for=_page_keys, keys_deleted=lambda page: [GUIDE_PAGES.key(page.pk)], pages=True)


def on_review_change(sender, instance, **kwargs):
    """A translation reviewed (or sent back to draft) enters (or leaves) search, once committed."""
    from django.db import transaction

    from search import indexing

    page = Page.objects.filter(pk=instance.page_id).first()
    if page is not None and page.specific_class in INDEXED_PAGES:
        keys = _page_keys(page)
        transaction.on_commit(lambda: indexing.enqueue_refresh(keys))
